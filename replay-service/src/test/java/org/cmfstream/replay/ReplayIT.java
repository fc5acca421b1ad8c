// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cmfstream.replay.merge.Records.artifact;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.replay.topology.ReplayTopology;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import javax.sql.DataSource;
import org.neo4j.driver.Driver;

/**
 * The replay on the real broker, exactly_once_v2: journal in, merged entities and barrier marks
 * out, and the PostgreSQL projection written from them.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayIT implements TestPropertyProvider {

  @Inject DataSource dataSource;

  @Inject Driver driver;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.replay.application-id", UniqueNames.of("replay-it"));
    p.put("cmfstream.replay.state-dir", "target/replay-it-state");
    return p;
  }

  @Test
  void shouldMergeAnUploadAndMarkItsBarrierOnEveryPartition() throws Exception {
    // given: an upload of four records (one a duplicate of another, one a conflict), then its barrier
    final String site = UniqueNames.of("edge");
    final String upload = UniqueNames.of("upload");
    final String uri = UniqueNames.identifier("uri");
    final List<JournalRecord> records = new ArrayList<>();
    records.add(record(site, 1, upload, artifact(uri, "Dataset", "data.csv", Map.of("url", "p:/r/1"), Map.of("k", 1L))));
    records.add(record(site, 2, upload, artifact(uri, "Dataset", "data.csv", Map.of("url", "p:/r/1"), Map.of("k", 1L))));
    records.add(record(site, 3, upload, artifact(uri + "-2", "Model", "model.pkl", Map.of(), Map.of())));
    records.add(record(site, 4, upload, artifact(uri, "Model", "data.csv", Map.of(), Map.of())));
    records.add(JournalRecords.of(site, null, Instant.now(), upload, BatchBarrier.newBuilder().setRecords(4).build()));

    // when
    try (KafkaProducer<String, byte[]> producer = StackClients.producer()) {
      // A record that is no journal record at all: the replay must set it aside and go on.
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, new byte[] {1, 2, 3})).get();
      for (final JournalRecord r : records) {
        producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, JournalCodec.instance().encode(r))).get();
      }
    }

    // then: the barrier is marked on all six partitions, and the marks add up to the upload
    final List<EntityChange> seen = new CopyOnWriteArrayList<>();
    try (KafkaConsumer<String, EntityChange> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.ENTITIES.name()));
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        for (final ConsumerRecord<String, EntityChange> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
        return seen.stream().filter(c -> c.getBarrier() != null && c.getBarrier().getUpload().equals(upload)).count() == 6;
      });
    }
    final List<EntityChange> marks = seen.stream().filter(c -> c.getBarrier() != null && c.getBarrier().getUpload().equals(upload)).toList();
    assertThat(marks).extracting(m -> m.getBarrier().getPartition()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getFresh()).sum()).isEqualTo(2);
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getDuplicates()).sum()).isEqualTo(1);
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getConflicts()).sum()).isEqualTo(1);
    final EntityChange artifact = seen.stream().filter(c -> c.getKey().equals("artifact/" + uri)).reduce((a, b) -> b).orElseThrow();
    assertThat(artifact.getFacts().get("type")).containsExactlyInAnyOrder("Dataset", "Model");
    final EntityChange watermark = seen.stream().filter(c -> c.getKey().equals("site/" + site)).reduce((a, b) -> b).orElseThrow();
    assertThat(watermark.getProperties().get("completeThrough").getValue()).isEqualTo(4L);

    // and: the undecodable record is in the dead-letter topic
    try (KafkaConsumer<String, byte[]> dlq = rawConsumer()) {
      dlq.subscribe(List.of(Topics.JOURNAL_DLQ.name()));
      final List<byte[]> dead = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (final ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(200))) {
          if (site.equals(r.key())) {
            dead.add(r.value());
          }
        }
        return !dead.isEmpty();
      });
      assertThat(dead.get(0)).containsExactly(1, 2, 3);
    }

    // and: PostgreSQL holds the projection, with the barrier of every partition
    await("the upload applied in PostgreSQL").atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM barriers WHERE upload = ?", upload) == 6);
    assertThat(count("SELECT sum(fresh) FROM barriers WHERE upload = ?", upload)).isEqualTo(2);
    assertThat(text("SELECT type FROM artifacts WHERE uri = ?", uri + "-2")).isEqualTo("Model");
    assertThat(text("SELECT coalesce(type, '(conflict)') FROM artifacts WHERE uri = ?", uri)).isEqualTo("(conflict)");
    assertThat(text("SELECT vals::text FROM conflicts WHERE entity_key = ? AND field = 'type'", "artifact/" + uri)).isEqualTo("[\"Dataset\", \"Model\"]");
    assertThat(text("SELECT names[1] FROM artifacts WHERE uri = ?", uri)).isEqualTo("data.csv");
    assertThat(count("SELECT complete_through FROM site_watermarks WHERE site = ?", site)).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM sink_offsets WHERE sink = ?", "postgres")).isPositive();

    // and: the lineage graph in Neo4j, with the upload's barrier from every partition
    await("the upload applied in Neo4j").atMost(Duration.ofSeconds(60))
        .until(() -> graphCount("MATCH (b:Barrier) WHERE b.id STARTS WITH $upload + '/' RETURN count(b) AS n", Map.of("upload", upload)) == 6);
    assertThat(graphCount("MATCH (a:Artifact {uri: $uri}) RETURN count(a) AS n", Map.of("uri", uri))).isEqualTo(1);
    assertThat(graphCount("MATCH (o:SinkOffset) RETURN count(o) AS n", Map.of())).isPositive();
  }

  @Test
  void shouldSetAsideRecordsNoStoreCouldTakeAndApplyTheRestOfTheUpload() throws Exception {
    // given: two executions of 600 KB whose types conflict (together one state of 1.2 MB, more than
    // Kafka takes in a record), an artifact whose type is longer than PostgreSQL indexes, another
    // artifact, and the upload's barrier
    final String site = UniqueNames.of("edge");
    final String upload = UniqueNames.of("upload");
    final String uri = UniqueNames.identifier("uri");
    final String uuid = UniqueNames.identifier("uuid");
    final List<JournalRecord> records = List.of(
        record(site, 1, upload, executionOfType(uuid, "Train-" + "a".repeat(600_000))),
        record(site, 2, upload, executionOfType(uuid, "Test-" + "b".repeat(600_000))),
        record(site, 3, upload, artifact(uri + "-long", "Dataset-" + "c".repeat(3_000), "long", Map.of(), Map.of())),
        record(site, 4, upload, artifact(uri + "-small", "Model", "small", Map.of(), Map.of())),
        JournalRecords.of(site, null, Instant.now(), upload, BatchBarrier.newBuilder().setRecords(4).build()));

    // when
    try (KafkaProducer<String, byte[]> producer = StackClients.producer()) {
      for (final JournalRecord r : records) {
        producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, JournalCodec.instance().encode(r))).get();
      }
    }

    // then: the upload is applied, the first execution's state kept, the second and the long type set aside with their reasons
    await("the upload applied in PostgreSQL").atMost(Duration.ofSeconds(90)).until(() -> count("SELECT count(*) FROM barriers WHERE upload = ?", upload) == 6);
    assertThat(text("SELECT type FROM artifacts WHERE uri = ?", uri + "-small")).isEqualTo("Model");
    assertThat(text("SELECT type FROM executions WHERE uuid = ?", uuid)).startsWith("Train-");
    assertThat(count("SELECT count(*) FROM artifacts WHERE uri = ?", uri + "-long")).isZero();
    // and: the receipt's counts name the record the merge refused (the validation's refusals are not counted)
    assertThat(count("SELECT sum(refused) FROM barriers WHERE upload = ?", upload)).isEqualTo(1);
    try (KafkaConsumer<String, byte[]> dlq = rawConsumer()) {
      dlq.subscribe(List.of(Topics.JOURNAL_DLQ.name()));
      final List<String> reasons = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (final ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(200))) {
          if (site.equals(r.key())) {
            reasons.add(new String(r.headers().lastHeader(ReplayTopology.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8));
          }
        }
        return reasons.size() == 2;
      });
      assertThat(reasons).anySatisfy(reason -> assertThat(reason).startsWith("merging it would make the entity's state"))
          .anySatisfy(reason -> assertThat(reason).startsWith("fact.type is 3008 bytes long"));
    }
  }

  @Test
  void shouldKeepWhenAChangeArrivedAndNonFiniteDoublesAsTaggedJson() throws Exception {
    // given: an artifact logged long ago at its site (event time 2020) and uploaded at "arrival"
    // (the journal record's Kafka timestamp, which ingest-service's producer sets), with a NaN and
    // an infinite metric value
    final String site = UniqueNames.of("edge");
    final String upload = UniqueNames.of("upload");
    final String uri = UniqueNames.identifier("uri");
    // In the past: the broker refuses timestamps more than an hour ahead of its clock.
    final long arrival = 1_750_000_000_000L;
    final JournalRecord logged = JournalRecords.of(site, 1L, Instant.parse("2020-01-01T00:00:00Z"), upload,
        artifact(uri, "Metrics", "metrics:" + uri, Map.of(), Map.of("accuracy", Double.NaN, "loss", Double.POSITIVE_INFINITY, "epochs", 3L)));
    final JournalRecord barrier = JournalRecords.of(site, null, Instant.now(), upload, BatchBarrier.newBuilder().setRecords(1).build());

    // when
    try (KafkaProducer<String, byte[]> producer = StackClients.producer()) {
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), null, arrival, site, JournalCodec.instance().encode(logged))).get();
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), null, arrival, site, JournalCodec.instance().encode(barrier))).get();
    }

    // then: synced is the arrival, not the site's time (V004), and the doubles JSON cannot hold are tagged
    await("the upload applied in PostgreSQL").atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM barriers WHERE upload = ?", upload) == 6);
    assertThat(count("SELECT synced FROM artifacts WHERE uri = ?", uri)).isEqualTo(arrival);
    assertThat(count("SELECT updated FROM artifacts WHERE uri = ?", uri)).isLessThan(arrival);
    assertThat(text("SELECT (custom_properties -> 'accuracy')::text FROM artifacts WHERE uri = ?", uri)).isEqualTo("{\"$double\": \"NaN\"}");
    assertThat(text("SELECT (custom_properties -> 'loss')::text FROM artifacts WHERE uri = ?", uri)).isEqualTo("{\"$double\": \"Infinity\"}");
    assertThat(text("SELECT (custom_properties -> 'epochs')::text FROM artifacts WHERE uri = ?", uri)).isEqualTo("3");
  }

  private long graphCount(final String cypher, final Map<String, Object> parameters) {
    return driver.executableQuery(cypher).withParameters(parameters).execute().records().get(0).get("n").asLong();
  }

  private long count(final String sql, final String parameter) throws Exception {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  private String text(final String sql, final String parameter) throws Exception {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static ExecutionFact executionOfType(final String uuid, final String type) {
    return ExecutionFact.newBuilder().setUuid(uuid).setPipeline("p").setStage("p/s").setType(type).build();
  }

  private static JournalRecord record(final String site, final long seq, final String upload, final IndexedRecord body) {
    return JournalRecords.of(site, seq, Instant.ofEpochMilli(1_700_000_000_000L + seq), upload, body);
  }

  private static KafkaConsumer<String, EntityChange> consumer() {
    return new KafkaConsumer<>(StackClients.readCommitted(), new StringDeserializer(), new EntityChangeSerde().deserializer());
  }

  private static KafkaConsumer<String, byte[]> rawConsumer() {
    return new KafkaConsumer<>(StackClients.readCommitted(), new StringDeserializer(), new ByteArrayDeserializer());
  }
}
