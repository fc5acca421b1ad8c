// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.replay.sink.neo4j.GraphSinkSettings;
import org.cmfstream.replay.sink.postgres.SinkSettings;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.StoreDump;
import org.cmfstream.testing.UniqueNames;
import org.neo4j.driver.Driver;

/**
 * The merge is a join (DESIGN.md, "Merge is a join"), tested through the real topology and both
 * real sinks: a generated journal is replayed once in order and once shuffled with duplicates,
 * under two name prefixes, and the canonical dumps of PostgreSQL and Neo4j (the prefix taken out)
 * must be equal. Facts overlap on purpose (a few executions and artifacts, events and property
 * changes between them, contradicting immutable facts), so the order really matters if the merge is
 * wrong. Every record keeps its event time wherever it lands in the shuffle, as a resent record does.
 * Each sink runs three writers, so transactions on different partitions overlap and touch the same
 * nodes and rows in any order, as on a machine with cores to spare.
 */
class ReplayJoinPropertyIT {

  private static ApplicationContext replay;

  @BeforeContainer
  static void startReplay() {
    final Map<String, Object> p = new HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.replay.application-id", UniqueNames.of("replay-join"));
    p.put("cmfstream.replay.state-dir", "target/replay-join-state");
    p.put("cmfstream.sink.neo4j.writers", "3");
    p.put("cmfstream.sink.postgres.writers", "3");
    replay = ApplicationContext.run(p, "test");
    assertThat(replay.getBean(GraphSinkSettings.class).writers()).isEqualTo(3);
    assertThat(replay.getBean(SinkSettings.class).writers()).isEqualTo(3);
  }

  @AfterContainer
  static void stopReplay() {
    if (replay != null) {
      replay.close();
    }
  }

  /** One fact of the journal, to be written under a prefix: {@code P} in its text stands for it. */
  record Fact(Function<String, IndexedRecord> body, String shape) {
    @Override
    public String toString() {
      return shape;
    }
  }

  @Property(tries = 6, seed = "20261123")
  void shouldGiveTheCleanRunsStoresWhateverTheOrderAndTheDuplicates(@ForAll("journals") final List<Fact> journal, @ForAll final long shuffleSeed)
      throws Exception {
    final String clean = prefix();
    final String shuffled = prefix();
    // the clean run: every fact once, in order
    final List<Integer> order = new ArrayList<>();
    for (int i = 0; i < journal.size(); i++) {
      order.add(i);
    }
    publish(clean, journal, order);
    // the other: shuffled, a third of the facts sent again at random places
    final Random random = new Random(shuffleSeed);
    final List<Integer> messy = new ArrayList<>(order);
    for (int i = 0; i < journal.size(); i += 3) {
      messy.add(random.nextInt(journal.size()));
    }
    Collections.shuffle(messy, random);
    publish(shuffled, journal, messy);

    assertThat(dump(shuffled)).isEqualTo(dump(clean));
  }

  @Provide
  Arbitrary<List<Fact>> journals() {
    final Arbitrary<Integer> execution = Arbitraries.integers().between(0, 3);
    final Arbitrary<Integer> artifact = Arbitraries.integers().between(0, 4);
    final Arbitrary<Fact> executions = Combinators.combine(execution, Arbitraries.of("train", "test"), Arbitraries.of("c1", "c2"), Arbitraries.longs().between(0, 3))
        .as((e, stage, commit, seed) -> new Fact(p -> ExecutionFact.newBuilder().setUuid(p + "-e" + e).setPipeline(p + "pipe").setStage(p + "pipe/" + stage)
            .setType(stage).setProperties(Map.of("Git_End_Commit", commit)).setCustomProperties(Map.of("seed", seed)).setCreateTime(1000L + e).build(),
            "execution e" + e + " " + stage + " " + commit + " " + seed));
    final Arbitrary<Fact> artifacts = Combinators.combine(artifact, Arbitraries.of("Dataset", "Model"), Arbitraries.of("x", "y"), Arbitraries.of("r1", "r2"))
        .as((a, type, label, remote) -> new Fact(p -> ArtifactFact.newBuilder().setUri(p + "a" + a).setType(type).setName("data/" + a + ".csv:" + p + "a" + a)
            .setProperties(Map.of("url", "P:/" + remote)).setCustomProperties(Map.of("label", label)).build(),
            "artifact a" + a + " " + type + " " + label + " " + remote));
    final Arbitrary<Fact> events = Combinators.combine(execution, artifact, Arbitraries.of(Direction.INPUT, Direction.OUTPUT))
        .as((e, a, d) -> new Fact(p -> EventFact.newBuilder().setExecutionUuid(p + "-e" + e).setArtifactUri(p + "a" + a).setDirection(d).build(),
            "event e" + e + " a" + a + " " + d));
    final Arbitrary<Fact> changes = Combinators.combine(artifact, Arbitraries.of("stage", "owner"), Arbitraries.strings().alpha().ofLength(3))
        .as((a, key, value) -> new Fact(p -> PropertyChange.newBuilder().setEntity(EntityKind.ARTIFACT).setId(p + "a" + a).setKey(key).setValue(value).build(),
            "change a" + a + " " + key + "=" + value));
    final Arbitrary<Fact> metrics = Combinators.combine(execution, Arbitraries.integers().between(0, 2), Arbitraries.doubles().between(0, 1))
        .as((e, step, value) -> new Fact(p -> MetricPoint.newBuilder().setExecutionUuid(p + "-e" + e).setName("loss").setStep(step).setValue(value).build(),
            "metric e" + e + " " + step + " " + value));
    return Arbitraries.frequencyOf(Tuple(3, executions), Tuple(3, artifacts), Tuple(4, events), Tuple(2, changes), Tuple(1, metrics))
        .list().ofMinSize(10).ofMaxSize(60);
  }

  private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends Fact>> Tuple(final int weight, final Arbitrary<Fact> arbitrary) {
    return net.jqwik.api.Tuple.of(weight, arbitrary);
  }

  private static String prefix() {
    // Same length every time, so that sorting the prefixed texts sorts them as the unprefixed.
    return "j" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Publishes the facts in {@code order}, each with the event time of its place in the journal, then the upload's barrier; waits until both stores hold it. */
  private static void publish(final String prefix, final List<Fact> journal, final List<Integer> order) throws Exception {
    final String site = prefix + "-site";
    final String upload = UUID.nameUUIDFromBytes(prefix.getBytes(StandardCharsets.UTF_8)).toString();
    final Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.endpoints().kafkaBootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    final Instant base = Instant.parse("2026-01-01T00:00:00Z");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (final int i : order) {
        final IndexedRecord body = journal.get(i).body().apply(prefix);
        producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site,
            JournalCodec.instance().encode(JournalRecords.of(site, null, base.plusSeconds(i), upload, body))));
      }
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, JournalCodec.instance().encode(
          JournalRecords.of(site, null, base, upload, BatchBarrier.newBuilder().setRecords(order.size()).build())))).get();
    }
    final DataSource db = replay.getBean(DataSource.class);
    final Driver graph = replay.getBean(Driver.class);
    await("the upload applied in both stores").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM barriers WHERE upload = ?")) {
        s.setString(1, upload);
        final ResultSet rs = s.executeQuery();
        rs.next();
        if (rs.getLong(1) < Topics.ENTITIES.partitions()) {
          return false;
        }
      }
      return graph.executableQuery("MATCH (b:Barrier) WHERE b.id STARTS WITH $u RETURN count(b) AS n").withParameters(Map.of("u", upload + "/"))
          .execute().records().get(0).get("n").asLong() == Topics.ENTITIES.partitions();
    });
  }

  /** Everything both stores hold of one run, its prefix replaced by {@code P} and the prefix-derived ids left out. */
  private static List<String> dump(final String prefix) throws Exception {
    try (Connection c = replay.getBean(DataSource.class).getConnection()) {
      final StoreDump dump = StoreDump.of(c, replay.getBean(Driver.class), prefix, true, line -> line.replace(prefix, "P"));
      assertThat(dump.isEmpty()).isFalse();
      final List<String> all = new ArrayList<>(dump.rows());
      all.addAll(dump.graph());
      return all;
    }
  }
}
