// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cmfstream.replay.merge.Records.artifact;
import static org.cmfstream.replay.merge.Records.execution;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.StoreDump;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/** Dropping the projections and replaying the log gives them back exactly as they were. */
class RebuildIT {

  @Test
  void shouldRebuildBothProjectionsExactlyFromTheLog() throws Exception {
    // given: an upload replayed into both projections
    final String prefix = UniqueNames.identifier("rb");
    final String site = UniqueNames.of("edge");
    final String upload = UniqueNames.of("upload");
    final Map<String, Object> props = new HashMap<>(ServiceProperties.ofSharedStack());
    props.put("cmfstream.replay.application-id", UniqueNames.of("rebuild-it"));
    props.put("cmfstream.replay.state-dir", "target/rebuild-it-state");
    publish(site, upload, prefix);
    final StoreDump before;
    try (ApplicationContext replay = ApplicationContext.run(props)) {
      awaitApplied(replay, upload);
      before = dump(replay, prefix);
    }
    assertThat(before.rows()).hasSizeGreaterThan(5);
    assertThat(before.graph()).hasSizeGreaterThan(5);

    // when: the documented rebuild, with the replay stopped
    final Map<String, Object> idle = new HashMap<>(props);
    idle.put("cmfstream.replay.enabled", "false");
    idle.put("cmfstream.sink.postgres.enabled", "false");
    idle.put("cmfstream.sink.neo4j.enabled", "false");
    try (ApplicationContext tools = ApplicationContext.run(idle)) {
      Rebuild.dropProjections(tools.getBean(DataSource.class), tools.getBean(Driver.class));
      assertThat(dump(tools, prefix).isEmpty()).isTrue();
    }

    // then: started again, the replay's sinks read the log from the start
    try (ApplicationContext replay = ApplicationContext.run(props)) {
      awaitApplied(replay, upload);
      final StoreDump after = dump(replay, prefix);
      assertThat(after.rows()).isEqualTo(before.rows());
      assertThat(after.graph()).isEqualTo(before.graph());
    }
  }

  /** A small lineage: two executions chained through an artifact, the environment, a conflict. */
  private static void publish(final String site, final String upload, final String p) throws Exception {
    final List<IndexedRecord> facts =
        List.of(
            artifact(p + "env", "Environment", "python_env.txt", Map.of("url", "x:/r/env"), Map.of()),
            artifact(p + "raw", "Dataset", "raw.csv", Map.of("url", "x:/r/raw"), Map.of("labels", "a.csv")),
            artifact(p + "feat", "Dataset", "features.pkl", Map.of(), Map.of("rows", 10L)),
            artifact(p + "model", "Model", "model.pkl", Map.of(), Map.of("loss", Double.NaN)),
            artifact(p + "model", "Dataset", "model.pkl", Map.of(), Map.of()),
            execution(p + "e1", Map.of("Execution", "prepare.py", "Git_End_Commit", "abc"), Map.of("seed", 1L)),
            execution(p + "e2", Map.of("Execution", "train.py"), Map.of("lr", 0.1)),
            EventFact.newBuilder().setExecutionUuid(p + "e1").setArtifactUri(p + "raw").setDirection(Direction.INPUT).build(),
            EventFact.newBuilder().setExecutionUuid(p + "e1").setArtifactUri(p + "feat").setDirection(Direction.OUTPUT).build(),
            EventFact.newBuilder().setExecutionUuid(p + "e2").setArtifactUri(p + "feat").setDirection(Direction.INPUT).build(),
            EventFact.newBuilder().setExecutionUuid(p + "e2").setArtifactUri(p + "env").setDirection(Direction.INPUT).build(),
            EventFact.newBuilder().setExecutionUuid(p + "e2").setArtifactUri(p + "model").setDirection(Direction.OUTPUT).build());
    final Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.endpoints().kafkaBootstrap());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      long seq = 0;
      for (final IndexedRecord fact : facts) {
        seq++;
        producer.send(record(JournalRecords.of(site, seq, Instant.ofEpochMilli(1_700_000_000_000L + seq), upload, fact))).get();
      }
      producer.send(record(JournalRecords.of(site, null, Instant.now(), upload, BatchBarrier.newBuilder().setRecords(seq).build()))).get();
    }
  }

  private static ProducerRecord<String, byte[]> record(final JournalRecord r) {
    return new ProducerRecord<>(Topics.JOURNAL.name(), r.getSite(), JournalCodec.instance().encode(r));
  }

  /** The upload's barrier is in both projections on every partition. */
  private static void awaitApplied(final ApplicationContext replay, final String upload) {
    final DataSource db = replay.getBean(DataSource.class);
    final Driver graph = replay.getBean(Driver.class);
    await("the upload applied in both projections").atMost(Duration.ofSeconds(120)).until(() -> {
      final long rows;
      try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM barriers WHERE upload = ?")) {
        s.setString(1, upload);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          rows = rs.getLong(1);
        }
      }
      final long nodes = graph.executableQuery("MATCH (b:Barrier) WHERE b.id STARTS WITH $p RETURN count(b) AS n")
          .withParameters(Map.of("p", upload + "/")).execute().records().get(0).get("n").asLong();
      return rows == 6 && nodes == 6;
    });
  }

  private static StoreDump dump(final ApplicationContext context, final String prefix) throws Exception {
    try (Connection c = context.getBean(DataSource.class).getConnection()) {
      return StoreDump.of(c, context.getBean(Driver.class), prefix, false, line -> line);
    }
  }
}
