// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.StageFact;
import org.cmfstream.deploy.stack.LocalStack;
import org.cmfstream.deploy.stack.LoopbackPorts;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.testing.StoreDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/**
 * Scale-out, as operators run it (DESIGN.md, "replay-service ... scales by running more copies"):
 * the same journal is replayed once by a single replay process on a stack of its own, and once by
 * three replay processes sharing the partitions on another stack, one of which is killed with
 * SIGKILL in the middle. Both end with the same PostgreSQL and Neo4j contents, row for row and node
 * for node: nothing lost and nothing applied twice.
 */
class ReplayScaleOutIT {

  private static final int PIPELINES = 24;
  private static final int RUNS = 150;
  private static final int SITES = 6;
  private static final String[] STAGES = {"prepare", "train", "evaluate"};

  @TempDir Path dir;

  @Test
  void shouldEndWithTheStateOfASingleCopyWhenOneOfThreeCopiesIsKilledMidReplay() throws Exception {
    // given: the journal replayed by one copy
    final StoreDump single;
    try (LocalStack stack = LocalStack.startWithoutShutdownHook(dir.resolve("single"))) {
      final int uploads = publish(stack.endpoints());
      final List<Process> copies = List.of(startCopy(stack.endpoints(), "single-0"));
      try {
        awaitApplied(stack.endpoints(), uploads);
        single = dump(stack.endpoints());
      } finally {
        stop(copies);
      }
    }
    assertThat(single.rows()).hasSizeGreaterThan(PIPELINES * RUNS * STAGES.length);

    // when: the same journal replayed by three copies, one of them SIGKILLed halfway
    final StoreDump scaled;
    try (LocalStack stack = LocalStack.startWithoutShutdownHook(dir.resolve("scaled"))) {
      final int uploads = publish(stack.endpoints());
      final List<Process> copies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        copies.add(startCopy(stack.endpoints(), "scaled-" + i));
      }
      try {
        final long expected = (long) PIPELINES * RUNS * STAGES.length;
        await("a third of the executions replayed").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
            .until(() -> count(stack.endpoints(), "SELECT count(*) FROM executions") >= expected / 3);
        final long atKill = count(stack.endpoints(), "SELECT count(*) FROM executions");
        copies.get(1).destroyForcibly();
        assertThat(copies.get(1).waitFor(30, TimeUnit.SECONDS)).isTrue();
        System.out.printf(Locale.ROOT, "killed one of three replay copies with SIGKILL at %,d of %,d executions%n", atKill, expected);
        assertThat(atKill).isLessThan(expected);
        awaitApplied(stack.endpoints(), uploads);
        scaled = dump(stack.endpoints());
      } finally {
        stop(copies);
      }
    }

    // then
    assertThat(scaled.rows()).isEqualTo(single.rows());
    assertThat(scaled.graph()).isEqualTo(single.graph());
  }

  // ---- the journal: pipelines of three stages, chained runs with fan-in, metrics, property changes ----

  private int publish(final StackEndpoints stack) throws Exception {
    final Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    final var codec = JournalCodec.journal();
    final Instant base = Instant.parse("2026-01-01T00:00:00Z");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int p = 0; p < PIPELINES; p++) {
        final String site = "site-" + (p % SITES);
        final String upload = UUID.nameUUIDFromBytes(("upload-" + p).getBytes(StandardCharsets.UTF_8)).toString();
        final String pipeline = "pipeline-" + p;
        final List<IndexedRecord> bodies = new ArrayList<>();
        bodies.add(PipelineFact.newBuilder().setName(pipeline).build());
        for (final String stage : STAGES) {
          bodies.add(StageFact.newBuilder().setPipeline(pipeline).setName(pipeline + "/" + stage).build());
        }
        final String env = String.format(Locale.ROOT, "e%031x", p % SITES);
        bodies.add(artifact(env, "Environment"));
        for (int run = 0; run < RUNS; run++) {
          for (int s = 0; s < STAGES.length; s++) {
            final String uuid = String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", p, run * 4L + s);
            final String out = String.format(Locale.ROOT, "%08x%08x%016x", p, s, run);
            bodies.add(ExecutionFact.newBuilder().setUuid(uuid).setPipeline(pipeline).setStage(pipeline + "/" + STAGES[s]).setType(STAGES[s])
                .setProperties(Map.of("Git_End_Commit", "c" + run)).setCustomProperties(Map.of("seed", (long) run)).setCreateTime(base.toEpochMilli() + run).build());
            bodies.add(artifact(out, s == 2 ? "Metrics" : "Dataset"));
            bodies.add(event(uuid, out, Direction.OUTPUT));
            bodies.add(event(uuid, env, Direction.INPUT));
            if (s > 0) {
              bodies.add(event(uuid, String.format(Locale.ROOT, "%08x%08x%016x", p, s - 1, run), Direction.INPUT));
            }
            if (s == 0 && run > 0) {
              bodies.add(event(uuid, String.format(Locale.ROOT, "%08x%08x%016x", p, 0, run - 1), Direction.INPUT));
            }
            if (s == 2) {
              bodies.add(MetricPoint.newBuilder().setExecutionUuid(uuid).setName("loss").setStep(0).setValue(1.0 / (run + 1)).build());
            }
            // A later value of a mutable property: the last writer must win in every run.
            bodies.add(PropertyChange.newBuilder().setEntity(EntityKind.EXECUTION).setId(uuid).setKey("status").setValue("done-" + (run % 3)).build());
          }
        }
        // A duplicate of every tenth record: counted as a duplicate, never applied twice.
        final int size = bodies.size();
        for (int i = 0; i < size; i += 10) {
          bodies.add(bodies.get(i));
        }
        long seq = 0;
        for (final IndexedRecord body : bodies) {
          seq++;
          final JournalRecord record = JournalRecords.of(site, null, base.plusMillis(seq), upload, body);
          producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, codec.encode(record)));
        }
        final JournalRecord barrier = JournalRecords.of(site, null, base, upload, BatchBarrier.newBuilder().setRecords(bodies.size()).build());
        producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, codec.encode(barrier))).get();
      }
    }
    return PIPELINES;
  }

  private static ArtifactFact artifact(final String uri, final String type) {
    return ArtifactFact.newBuilder().setUri(uri).setType(type).setName("artifacts/" + uri + ":" + uri).setProperties(Map.of("url", "p:/remote/" + uri)).build();
  }

  private static EventFact event(final String execution, final String artifact, final Direction direction) {
    return EventFact.newBuilder().setExecutionUuid(execution).setArtifactUri(artifact).setDirection(direction).build();
  }

  // ---- replay copies: separate processes, as an operator runs them ----

  private Process startCopy(final StackEndpoints stack, final String name) throws IOException {
    final Path log = dir.resolve(name + ".log");
    final ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.cmfstream.deploy.stack.WatchedMain",
                "org.cmfstream.replay.ReplayApplication")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    final Map<String, String> env = builder.environment();
    env.putAll(stack.environment());
    env.put("CMFSTREAM_REPLAY_STATE_DIR", dir.resolve(name + "-state").toString());
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(LoopbackPorts.free()));
    return builder.start();
  }

  private static void stop(final List<Process> copies) throws InterruptedException {
    for (final Process p : copies) {
      p.destroy();
    }
    for (final Process p : copies) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** Every upload's barrier marked on every entity partition, in PostgreSQL and in Neo4j. */
  private static void awaitApplied(final StackEndpoints stack, final int uploads) {
    final long marks = (long) uploads * Topics.ENTITIES.partitions();
    await("every upload applied in both stores").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(500))
        .until(() -> count(stack, "SELECT count(*) FROM barriers") == marks && graphCount(stack, "MATCH (b:Barrier) RETURN count(b)") == marks);
  }

  private static long count(final StackEndpoints stack, final String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
        Statement s = c.createStatement()) {
      final ResultSet rs = s.executeQuery(sql);
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      // The schema may not be migrated yet by the first copy.
      if ("42P01".equals(e.getSQLState())) {
        return 0;
      }
      throw e;
    }
  }

  private static long graphCount(final StackEndpoints stack, final String cypher) {
    try (Driver driver = GraphDatabase.driver(stack.boltUri(), AuthTokens.none())) {
      return driver.executableQuery(cypher).execute().records().get(0).get(0).asLong();
    }
  }

  private static StoreDump dump(final StackEndpoints stack) throws SQLException {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
        Driver driver = GraphDatabase.driver(stack.boltUri(), AuthTokens.none())) {
      return StoreDump.of(c, driver, null, false, line -> line);
    }
  }
}
