// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.journal.Topics;
import org.cmfstream.workload.CmfPush;
import org.cmfstream.workload.JournalBatch;
import org.cmfstream.workload.Workload;
import org.cmfstream.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * The whole system's benchmark report (issue #7): one run of {@code ./cmf-stream up} on the local
 * stack, a generated workload ({@link Workload}) sent through the front door as an edge site sends
 * it, and one table of figures, each beside its raw baseline measured in the same run:
 *
 * <ul>
 *   <li><b>ingest</b>: native journal uploads (NDJSON, {@value #SENDERS} concurrent uploads)
 *       through the front door, records/s, beside a raw kafka-clients producer sending the very
 *       records ingest published (read back from {@code cmf.journal.v1}: same bytes, same keys,
 *       the publisher's producer settings) to another topic on the same broker;
 *   <li><b>cmf pushes</b>: the same kind of metadata as {@code cmf metadata push} sends it, each
 *       push answered once its receipt is applied (as the real client expects), beside the same raw
 *       producer;
 *   <li><b>replay</b>: journal records per second from the first upload until every receipt is
 *       APPLIED in both PostgreSQL and Neo4j, beside the slower of a raw batched {@code INSERT} of
 *       the same rows and a raw {@code UNWIND ... MERGE} of the same nodes and edges ({@link
 *       RawSinks});
 *   <li><b>freshness</b>: push-to-queryable p50 and p99 under a steady 1,000 records/s of
 *       uploads ({@link Freshness}), beside its target;
 *   <li><b>queries</b>: p50 and p99 over HTTP of a filtered executions page, an artifact by hash
 *       and depth-5 lineage, beside the bare SQL and Cypher they rest on ({@link QueryReads});
 *   <li><b>memory</b>: each process's peak resident set, sampled every second during the run.
 * </ul>
 *
 * <p>The table is printed and written to {@code e2e-tests/target/bench-report.md}. Run it with
 * {@code ./cmf-stream bench}, or:
 *
 * <pre>./mvnw verify -pl e2e-tests -am -Dit.test=BenchReport -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dfailsafe.failIfNoSpecifiedTests=false [-Dcmf.bench.runs=40] [-Dcmf.bench.requests=1000]</pre>
 */
class BenchReport {

  private static final int SENDERS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;

  private final int runs = Integer.getInteger("cmf.bench.runs", 40);
  private final int requests = Integer.getInteger("cmf.bench.requests", 1_000);
  private final int rate = Integer.getInteger("cmf.bench.rate", 1_000);
  private final int seconds = Integer.getInteger("cmf.bench.seconds", 30);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldPrintTheWholeSystemsFiguresBesideTheirBaselines() throws Exception {
    // 12 sites of 10 pipelines of four stages; the runs set the size (40 runs: about 100,000 records).
    final Workload uploads = Workload.of(new WorkloadSpec(7L, 12, 10, 4, runs, 24, 25, 10, 50, 2_000));
    final Workload pushes = Workload.of(new WorkloadSpec(8L, 4, 6, 4, Math.max(2, runs / 4), 8, 25, 10, 50, 2_000));
    final List<JournalBatch> batches = IntStream.range(0, uploads.spec().sites()).boxed().flatMap(uploads::batches).toList();
    final List<CmfPush> cmfPushes = pushes.cmfPushes().toList();
    final long records = batches.stream().mapToLong(JournalBatch::records).sum();
    final long bodyBytes = batches.stream().mapToLong(b -> b.body().length).sum();

    try (var cmf = RunningCmfStream.start(dataDir)) {
      final Properties ports = BenchWorkload.ports(dataDir);
      final String bootstrap = "127.0.0.1:" + ports.getProperty("kafka");
      final String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.getProperty("postgres") + "/postgres";
      final String bolt = "bolt://127.0.0.1:" + ports.getProperty("neo4j.bolt");
      final Map<String, Long> peakMiB = new ConcurrentHashMap<>();
      final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> {
        try {
          ProcessStats.residentMiB(cmf).forEach((part, mib) -> peakMiB.merge(part, mib, Math::max));
        } catch (IOException e) {
          // a process ended between listing and reading: the next sample will tell
        }
      }, 0, 1, TimeUnit.SECONDS);
      final Report report = new Report();
      try {
        // 1. Ingest, and the replay behind it.
        final List<String> receipts = Collections.synchronizedList(new ArrayList<>());
        final long started = System.nanoTime();
        concurrently(batches, b -> {
          final HttpResponse<String> r = send(HttpRequest.newBuilder(cmf.frontDoor("/api/v1/sites/" + b.site() + "/journal"))
              .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(b.body())).build());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          receipts.add(JSON.readTree(r.body()).path("receipt").asText());
        });
        final double ingestSeconds = seconds(started);
        await("every upload applied").atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(250)).until(() -> allApplied(cmf, receipts));
        final double replaySeconds = seconds(started);

        // 2. cmf pushes, each answered once applied.
        final long pushRecords = cmfPushes.stream().mapToLong(CmfPush::records).sum();
        final long pushesStarted = System.nanoTime();
        concurrently(cmfPushes, p -> {
          final HttpResponse<String> r = send(HttpRequest.newBuilder(cmf.frontDoor("/api/mlmd_push")).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(p.requestBody(), StandardCharsets.UTF_8)).build());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("success");
        });
        final double pushSeconds = seconds(pushesStarted);

        // 3. The baselines of ingest and replay, on the same broker and stores.
        final double rawProducer = rawProducer(bootstrap);
        final RawSinks.Times raw = RawSinks.measure(jdbc, bolt);

        report.row("ingest: native uploads, records/s", records / ingestSeconds, "raw Kafka producer, same records", rawProducer);
        report.row("ingest: cmf pushes (answered when applied), records/s", pushRecords / pushSeconds, "raw Kafka producer, same records", rawProducer);
        report.row("replay into PostgreSQL and Neo4j, records/s", records / replaySeconds, "slower raw sink, same rows (" + slower(raw) + ")",
            records / raw.slower());

        // 4. Freshness under a steady load.
        final double[] latencies = Freshness.measure(cmf, rate, seconds, bootstrap);
        report.row(String.format(Locale.ROOT, "push-to-queryable p50 at %,d records/s, ms", rate), Freshness.percentile(latencies, 0.50), "", Double.NaN);
        report.row(String.format(Locale.ROOT, "push-to-queryable p99 at %,d records/s, ms", rate), Freshness.percentile(latencies, 0.99), "target",
            1_000);

        // 5. Queries on the state the run built.
        try (Connection pg = DriverManager.getConnection(jdbc, "postgres", "");
            Driver neo4j = GraphDatabase.driver(bolt, AuthTokens.none());
            Session session = neo4j.session()) {
          for (final QueryReads.Timing t : QueryReads.sample(cmf.urls().get("query"), pg, session, requests, 11).measureAll()) {
            if (!Double.isNaN(t.httpP50())) {
              report.row("query p50, ms: " + t.read(), t.httpP50(), "bare store query", t.bareP50());
              report.row("query p99, ms: " + t.read(), t.httpP99(), "bare store query", t.bareP99());
            } else {
              report.row("(for comparison) p99, ms:" + t.read().replaceFirst("^\\s+", " "), t.bareP99(), "", Double.NaN);
            }
          }
        }
      } finally {
        sampler.shutdownNow();
      }
      final String table = report.markdown(String.format(Locale.ROOT,
          "%,d journal records in %,d native uploads (%.1f MB of NDJSON) from %d sites; %,d cmf pushes (%,d records); %d cores, %s",
          records, batches.size(), bodyBytes / 1e6, uploads.spec().sites(), cmfPushes.size(), cmfPushes.stream().mapToLong(CmfPush::records).sum(),
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version")), new TreeMap<>(peakMiB));
      System.out.println();
      System.out.println(table);
      Files.writeString(Path.of("target", "bench-report.md"), table);
      assertThat(report.rows).isNotEmpty();
    }
  }

  private static String slower(final RawSinks.Times raw) {
    return raw.postgresSeconds() >= raw.neo4jSeconds() ? "PostgreSQL" : "Neo4j";
  }

  // ---- ingest and its baseline ----

  @FunctionalInterface
  private interface Upload<T> {
    void send(T item) throws Exception;
  }

  private static <T> void concurrently(final List<T> items, final Upload<T> upload) throws Exception {
    final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      final List<Future<?>> done = new ArrayList<>();
      for (final T item : items) {
        done.add(senders.submit(() -> {
          upload.send(item);
          return null;
        }));
      }
      for (final Future<?> f : done) {
        f.get();
      }
    } finally {
      senders.shutdown();
    }
  }

  private HttpResponse<String> send(final HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private boolean allApplied(final RunningCmfStream cmf, final List<String> receipts) throws IOException, InterruptedException {
    for (final String id : receipts) {
      final JsonNode receipt = JSON.readTree(cmf.get("/api/v1/receipts/" + id).body());
      if (!"APPLIED".equals(receipt.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every committed record of the journal, read back, then sent again by a plain producer to a
   * topic of the same partitions on the same broker; returns records/s of the sending alone.
   */
  private static double rawProducer(final String bootstrap) throws Exception {
    final List<ConsumerRecord<String, byte[]>> journal = readJournal(bootstrap);
    final String topic = "bench.raw.journal";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      final int partitions = admin.describeTopics(List.of(Topics.JOURNAL.name())).allTopicNames().get().get(Topics.JOURNAL.name()).partitions().size();
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    // The settings of ingest's JournalPublisher.throughputSettings(), without its transactions.
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
    final AtomicLong failures = new AtomicLong();
    final long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (final ConsumerRecord<String, byte[]> r : journal) {
        producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value()), (m, e) -> {
          if (e != null) {
            failures.incrementAndGet();
          }
        });
      }
      producer.flush();
    }
    final double elapsed = seconds(started);
    assertThat(failures.get()).isZero();
    return journal.size() / elapsed;
  }

  private static List<ConsumerRecord<String, byte[]>> readJournal(final String bootstrap) {
    final Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    final List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      final List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOURNAL.name()).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(500)).forEach(all::add);
      }
    }
    return all;
  }

  private static double seconds(final long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  /** The table: each figure, its baseline and their ratio; then memory. */
  private static final class Report {

    private record Row(String figure, double value, String baseline, double baselineValue) {}

    private final List<Row> rows = new ArrayList<>();

    void row(final String figure, final double value, final String baseline, final double baselineValue) {
      rows.add(new Row(figure, value, baseline, baselineValue));
    }

    String markdown(final String workload, final Map<String, Long> peakMiB) {
      final StringBuilder out = new StringBuilder();
      out.append("Workload: ").append(workload).append("\n\n");
      out.append("| figure | cmf-stream | baseline | baseline figure | ratio |\n|---|---:|---|---:|---:|\n");
      for (final Row r : rows) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", r.figure(), number(r.value()), r.baseline(), number(r.baselineValue()),
            Double.isNaN(r.baselineValue()) ? "" : String.format(Locale.ROOT, "%.2f", r.value() / r.baselineValue())));
      }
      out.append("\n| process | peak resident MiB |\n|---|---:|\n");
      peakMiB.forEach((part, mib) -> out.append("| ").append(part).append(" | ").append(mib).append(" |\n"));
      return out.toString();
    }

    private static String number(final double v) {
      if (Double.isNaN(v)) {
        return "";
      }
      return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
  }
}
