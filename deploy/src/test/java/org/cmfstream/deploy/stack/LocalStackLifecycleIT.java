// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.journal.Topics;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/** The stack's whole life: it starts, it stops without leaving anything behind, its data persists. */
class LocalStackLifecycleIT {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

  @Nested
  class WhenTheStackJvmGoesAway {

    @TempDir Path dataDir;

    @Test
    void shouldStopEveryProcessOnSigterm() throws Exception {
      // given
      final RunningStack stack = RunningStack.launch(dataDir, false);
      // when: what Ctrl-C or `kill` sends
      stack.process.destroy();
      // then
      assertThat(stack.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertNothingLeft(stack.pids);
    }

    @Test
    void shouldStopEveryProcessWhenTheJvmExitsNormally() throws Exception {
      // given / when: main returns right after the stack is ready
      final RunningStack stack = RunningStack.launch(dataDir, true);
      // then
      assertThat(stack.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertNothingLeft(stack.pids);
    }

    @Test
    void shouldStopEveryProcessEvenWhenTheStackJvmIsKilled() throws Exception {
      // given
      final RunningStack stack = RunningStack.launch(dataDir, false);
      // when: SIGKILL runs no shutdown hook; the servers notice their parent is gone
      stack.process.destroyForcibly();
      // then
      assertThat(stack.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertNothingLeft(stack.pids);
    }

    private void assertNothingLeft(final List<Long> pids) {
      await("every process of the stack has exited")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(Processes.running(pids)).isEmpty());
    }
  }

  @Nested
  class WhenStartedAgainOnTheSameDirectory {

    @TempDir Path dataDir;

    @Test
    void shouldKeepTheDataOfEveryServer() throws Exception {
      // given: one fact written to each server
      final StackEndpoints first;
      try (LocalStack stack = LocalStack.start(dataDir)) {
        first = stack.endpoints();
        try (Connection c = jdbc(first); Statement s = c.createStatement()) {
          s.execute("CREATE TABLE kept (v text)");
          s.execute("INSERT INTO kept VALUES ('postgres-fact')");
        }
        try (KafkaProducer<String, String> producer = producer(first)) {
          producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), 0, "site", "kafka-fact")).get();
        }
        try (Driver driver = neo4j(first)) {
          driver.executableQuery("CREATE (:Kept {v: 'neo4j-fact'})").execute();
        }
        try (MinioClient s3 = s3(first)) {
          final byte[] body = "s3-fact".getBytes(StandardCharsets.UTF_8);
          s3.putObject(
              PutObjectArgs.builder().bucket(first.s3Bucket()).object("kept.txt").stream(new ByteArrayInputStream(body), body.length, -1).build());
        }
      }

      // when
      try (LocalStack stack = LocalStack.start(dataDir)) {
        final StackEndpoints again = stack.endpoints();

        // then: same addresses, same data
        assertThat(again).isEqualTo(first);
        try (Connection c = jdbc(again); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("postgres-fact");
        }
        try (KafkaConsumer<String, String> consumer = consumer(again)) {
          final TopicPartition p0 = new TopicPartition(Topics.JOURNAL.name(), 0);
          consumer.assign(List.of(p0));
          consumer.seekToBeginning(List.of(p0));
          final List<String> values = new java.util.ArrayList<>();
          await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
              values.add(r.value());
            }
            return !values.isEmpty();
          });
          assertThat(values).containsExactly("kafka-fact");
        }
        try (Driver driver = neo4j(again)) {
          assertThat(driver.executableQuery("MATCH (k:Kept) RETURN k.v AS v").execute().records())
              .extracting(r -> r.get("v").asString())
              .containsExactly("neo4j-fact");
        }
        try (MinioClient s3 = s3(again);
            InputStream in = s3.getObject(GetObjectArgs.builder().bucket(again.s3Bucket()).object("kept.txt").build())) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("s3-fact");
        }
      }
    }
  }

  private static Connection jdbc(final StackEndpoints e) throws Exception {
    return DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
  }

  private static KafkaProducer<String, String> producer(final StackEndpoints e) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(final StackEndpoints e) {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }

  private static Driver neo4j(final StackEndpoints e) {
    return GraphDatabase.driver(e.boltUri(), AuthTokens.none());
  }

  private static MinioClient s3(final StackEndpoints e) {
    return MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey()).region("us-east-1").build();
  }

  /** {@link LocalStackMain} in a JVM of its own, as a user would run it. */
  private record RunningStack(Process process, List<Long> pids) {

    static RunningStack launch(final Path dataDir, final boolean exitWhenReady) throws Exception {
      final List<String> command =
          new java.util.ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LocalStackMain.class.getName(),
                  dataDir.toString()));
      if (exitWhenReady) {
        command.add("--exit");
      }
      final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      final Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    lines.add(line);
                  }
                } catch (java.io.IOException e) {
                  // The process ended.
                }
              });
      reader.setDaemon(true);
      reader.start();
      final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      final StringBuilder output = new StringBuilder();
      while (System.nanoTime() < deadline) {
        final String line = lines.poll(1, TimeUnit.SECONDS);
        if (line == null) {
          if (!process.isAlive() && lines.isEmpty()) {
            break;
          }
          continue;
        }
        output.append(line).append('\n');
        if (line.startsWith("pids=")) {
          final List<Long> pids = Arrays.stream(line.substring(5).split(",")).map(Long::parseLong).toList();
          // Kafka, Neo4j, S3 and PostgreSQL JVMs, plus the postmaster.
          assertThat(pids).hasSizeGreaterThanOrEqualTo(5);
          if (!exitWhenReady) {
            assertThat(Processes.running(pids)).hasSameSizeAs(pids);
          }
          return new RunningStack(process, pids);
        }
      }
      process.destroyForcibly();
      throw new AssertionError("the stack did not report ready; its output:\n" + output);
    }
  }
}
