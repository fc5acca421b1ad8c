// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.Fixtures;
import org.cmfstream.ingest.journal.NativeRecords;
import org.cmfstream.ingest.kafka.JournalPublisher;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.ThreadCpu;
import org.junit.jupiter.api.Test;

/**
 * Ingest throughput over loopback, beside its baseline: a raw kafka-clients producer sending the
 * same journal records (same keys, same Avro bytes, same producer settings) to the same broker
 * in the same run. Prints records/s and MB/s for native uploads, cmf pushes and the raw producer:
 * after the warm-up, the median of five rounds, the ratio to the raw producer, and where each
 * side's CPU went by thread group ({@link ThreadCpu}). Not part of {@code verify}: run it with
 *
 * <pre>
 * ./mvnw verify -pl ingest-service -am -Dit.test=IngestBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Both sides are measured warm, as they run in production: ingest's producers are pooled and
 * live as long as the service, so the raw producer too is made once and sends every round (it
 * was once made and closed in each round, which charged the baseline its start-up and shutdown).
 * The warm-up lasts until the JIT compilers of ingest and the broker take under 3% of a native
 * round's CPU (at least three rounds, at most 25): after three fixed rounds they still took 20-40%,
 * so the median was taken from a server still compiling. {@code -Dbench.warmup=<rounds>}, {@code
 * -Dbench.max-warmup=<rounds>} and {@code -Dbench.senders=<uploads at once>} change them.
 */
class IngestBenchmark {

  /** Measured rounds, after the warm-up rounds (JIT of broker and server) that are not counted. */
  private static final int ROUNDS = 5;
  private static final int WARMUP = Integer.getInteger("bench.warmup", 3);
  /** Warm-up goes on past {@link #WARMUP} rounds, up to this many, while the JIT compilers are still busy. */
  private static final int MAX_WARMUP = Integer.getInteger("bench.max-warmup", 25);
  /** Busy: the JIT compilers of the ingest JVM and the broker took more than this share of a native round's CPU. */
  private static final double JIT_QUIET = 0.03;
  private static final int BATCHES = 100;
  static final int BATCH_SIZE = 2_000;
  private static final int SITES = 4;
  /** Concurrent uploads: edge sites upload in parallel; uploads arriving together share a Kafka transaction. */
  private static final int SENDERS = Integer.getInteger("bench.senders", 8);
  /** The publisher's transactional producers (one per sender unless told). */
  private static final int PRODUCERS = Integer.getInteger("bench.producers", SENDERS);
  private static final int PUSHES = 300;
  /** Records per upload of the warm-up's small uploads. */
  private static final int SMALL_UPLOAD = 20;

  @Test
  void measureIngestAgainstARawProducer() throws Exception {
    final Map<String, Object> props = new HashMap<>(ServiceProperties.ofSharedStack());
    props.put("micronaut.server.port", -1);
    props.put("cmfstream.ingest.max-journal-records", BATCH_SIZE);
    props.put("cmfstream.ingest.publisher.producers", PRODUCERS);
    // No replay runs here: measure ingest alone, without waiting on receipts.
    props.put("cmfstream.ingest.receipt.timeout", "0s");
    try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
      final URI base = server.getURI();
      final List<byte[]> batches = new ArrayList<>();
      final List<List<byte[]>> encoded = new ArrayList<>();
      for (int b = 0; b < BATCHES; b++) {
        final String ndjson = batch(b);
        batches.add(ndjson.getBytes(StandardCharsets.UTF_8));
        final List<byte[]> avro = new ArrayList<>();
        for (final JournalRecord r : NativeRecords.read(ndjson.getBytes(StandardCharsets.UTF_8), true, site(b), "bench", Instant.now(), BATCH_SIZE)) {
          avro.add(JournalCodec.instance().encode(r));
        }
        encoded.add(avro);
      }
      final List<byte[]> small = smallUploads(batches);
      final byte[] push = Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY);
      final long records = (long) BATCHES * BATCH_SIZE;
      final long httpBytes = batches.stream().mapToLong(x -> x.length).sum();
      final long avroBytes = encoded.stream().flatMap(List::stream).mapToLong(x -> x.length).sum();

      final double[] raw = new double[ROUNDS];
      final double[] nat = new double[ROUNDS];
      final double[] cmf = new double[ROUNDS];
      final long broker = SharedLocalStack.stack().server("kafka").pid();
      final long self = ProcessHandle.current().pid();
      final double[] rawCpu = new double[2];
      final double[] natCpu = new double[2];
      final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      final Map<String, Long> rawClient = new HashMap<>();
      final Map<String, Long> rawBroker = new HashMap<>();
      final Map<String, Long> natIngest = new HashMap<>();
      final Map<String, Long> natBroker = new HashMap<>();
      final double[] rawSent = new double[3];
      final double[] natSent = new double[3];
      int warmups = 0;
      try (KafkaProducer<String, byte[]> producer = rawProducer()) {
        double jitShare = 1;
        while (warmups < WARMUP || jitShare > JIT_QUIET && warmups < MAX_WARMUP) {
          rawSends(producer, encoded);
          final ThreadCpu.Snapshot[] before = {ThreadCpu.of(self), ThreadCpu.of(broker)};
          nativeUploads(http, base, batches);
          final Map<String, Long> ingestUsed = ThreadCpu.of(self).since(before[0]);
          final Map<String, Long> brokerUsed = ThreadCpu.of(broker).since(before[1]);
          jitShare = (double) (ThreadCpu.jit(ingestUsed) + ThreadCpu.jit(brokerUsed)) / Math.max(1, ThreadCpu.total(ingestUsed) + ThreadCpu.total(brokerUsed));
          pushes(http, base, push);
          nativeUploads(http, base, small);
          warmups++;
          System.out.printf(Locale.ROOT, "warm-up round %d: the JIT compilers took %.0f%% of the CPU of the native uploads%n", warmups, jitShare * 100);
        }
        for (int round = 0; round < ROUNDS; round++) {
          final double[] before = {cpuSeconds(self), cpuSeconds(broker)};
          final ThreadCpu.Snapshot[] threadsBefore = {ThreadCpu.of(self), ThreadCpu.of(broker)};
          final double[] rawBefore = sent("producer-");
          raw[round] = records / seconds(() -> rawSends(producer, encoded));
          addSent(rawSent, rawBefore, sent("producer-"));
          final double[] natBefore = sent("cmf-ingest-");
          final double[] between = {cpuSeconds(self), cpuSeconds(broker)};
          final ThreadCpu.Snapshot[] threadsBetween = {ThreadCpu.of(self), ThreadCpu.of(broker)};
          nat[round] = records / seconds(() -> nativeUploads(http, base, batches));
          addSent(natSent, natBefore, sent("cmf-ingest-"));
          final double[] after = {cpuSeconds(self), cpuSeconds(broker)};
          final ThreadCpu.Snapshot[] threadsAfter = {ThreadCpu.of(self), ThreadCpu.of(broker)};
          for (int i = 0; i < 2; i++) {
            rawCpu[i] += (between[i] - before[i]) / ROUNDS;
            natCpu[i] += (after[i] - between[i]) / ROUNDS;
          }
          threadsBetween[0].since(threadsBefore[0]).forEach((group, ticks) -> rawClient.merge(group, ticks, Long::sum));
          threadsBetween[1].since(threadsBefore[1]).forEach((group, ticks) -> rawBroker.merge(group, ticks, Long::sum));
          threadsAfter[0].since(threadsBetween[0]).forEach((group, ticks) -> natIngest.merge(group, ticks, Long::sum));
          threadsAfter[1].since(threadsBetween[1]).forEach((group, ticks) -> natBroker.merge(group, ticks, Long::sum));
          cmf[round] = PUSHES / seconds(() -> pushes(http, base, push));
          System.out.printf(Locale.ROOT, "round %d: raw %.0f rec/s, native %.0f rec/s, cmf push %.1f pushes/s%n", round + 1, raw[round], nat[round], cmf[round]);
        }
      }
      final double rawMedian = median(raw);
      final double natMedian = median(nat);
      final double pushMedian = median(cmf);
      System.out.println();
      System.out.println("ingest benchmark: " + records + " records per round in " + BATCHES + " batches of " + BATCH_SIZE + ", " + SITES + " sites, "
          + SENDERS + " concurrent senders, " + PRODUCERS + " producers; medians of " + ROUNDS + " rounds after " + warmups + " warm-up rounds");
      System.out.printf(Locale.ROOT, "  %-34s %12s %10s %8s%n", "", "records/s", "MB/s", "ratio");
      System.out.printf(Locale.ROOT, "  %-34s %12.0f %10.1f %8s%n", "raw kafka-clients producer (Avro)", rawMedian, rawMedian * avroBytes / records / 1e6, "1.00");
      System.out.printf(Locale.ROOT, "  %-34s %12.0f %10.1f %8.2f%n", "native journal uploads (NDJSON)", natMedian, natMedian * httpBytes / records / 1e6, natMedian / rawMedian);
      System.out.printf(Locale.ROOT, "  %-34s %12.0f %10.1f %8.2f%n", "cmf pushes (39 records each)", pushMedian * 39, pushMedian * push.length / 1e6, pushMedian * 39 / rawMedian);
      System.out.printf(Locale.ROOT, "  CPU per record, mean of rounds: raw: client %.2f us + broker %.2f us; native: client and ingest %.2f us + broker %.2f us%n",
          rawCpu[0] * 1e6 / records, rawCpu[1] * 1e6 / records, natCpu[0] * 1e6 / records, natCpu[1] * 1e6 / records);
      final long measured = records * ROUNDS;
      System.out.println("  where the CPU went, us per record, by thread group (the JIT compilers are 'CN CompilerThre'):");
      System.out.println("    raw: client JVM: " + ThreadCpu.perRecord(rawClient, measured, 6));
      System.out.println("         broker: " + ThreadCpu.perRecord(rawBroker, measured, 6));
      System.out.println("    native: ingest JVM: " + ThreadCpu.perRecord(natIngest, measured, 6));
      System.out.println("            broker: " + ThreadCpu.perRecord(natBroker, measured, 6));
      System.out.printf(Locale.ROOT, "  requests to the broker (every kind), per request: raw %.0f records, %.0f bytes; native %.0f records, %.0f bytes%n",
          rawSent[0] / rawSent[1], rawSent[2] / rawSent[1], natSent[0] / natSent[1], natSent[2] / natSent[1]);
      assertThat(natMedian).isPositive();
    }
  }

  /**
   * The first batches cut into uploads of {@link #SMALL_UPLOAD} records, for the warm-up only: the
   * code that runs once per request (HTTP, routing, transactions) reaches the JIT's thresholds
   * after thousands of requests, while a round sends {@link #BATCHES}; the per-record code is
   * compiled long before.
   */
  private static List<byte[]> smallUploads(final List<byte[]> batches) {
    final List<byte[]> small = new ArrayList<>();
    for (final byte[] batch : batches.subList(0, 20)) {
      final String[] lines = new String(batch, StandardCharsets.UTF_8).split("\n");
      for (int from = 0; from < lines.length; from += SMALL_UPLOAD) {
        small.add((String.join("\n", Arrays.asList(lines).subList(from, Math.min(lines.length, from + SMALL_UPLOAD))) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return small;
  }

  private static String site(final int batch) {
    return "bench-" + (batch % SITES);
  }

  /** A batch of realistic facts: executions with their artifacts and the events between them. */
  static String batch(final int b) {
    final StringBuilder out = new StringBuilder();
    for (int i = 0; i < BATCH_SIZE; i++) {
      final long seq = (long) b * BATCH_SIZE + i;
      final String exec = String.format(Locale.ROOT, "%08x-0000-11ef-8000-%012x", b, i / 4);
      final String uri = String.format(Locale.ROOT, "%032x", seq * 2654435761L);
      final String fact =
          switch (i % 4) {
            case 0 -> "\"kind\":\"execution\",\"fact\":{\"uuid\":\"" + exec + "\",\"pipeline\":\"bench\",\"stage\":\"bench/train\",\"type\":\"Train\","
                + "\"customProperties\":{\"seed\":" + seq + ",\"lr\":0.001,\"Python_Env\":\"cmf_artifacts/python_env_0123.txt\"}}";
            case 1, 2 -> "\"kind\":\"artifact\",\"fact\":{\"uri\":\"" + uri + "\",\"type\":\"Dataset\",\"name\":\"artifacts/data-" + seq + ".csv:" + uri
                + "\",\"properties\":{\"url\":\"bench:/remote/files/md5/" + uri.substring(0, 2) + "/" + uri.substring(2) + "\",\"Commit\":\"" + uri + "\"}}";
            default -> "\"kind\":\"event\",\"fact\":{\"executionUuid\":\"" + exec + "\",\"artifactUri\":\"" + uri + "\",\"direction\":\"OUTPUT\"}";
          };
      out.append("{\"seq\":").append(seq).append(",\"time\":").append(1795414078432L + seq).append(',').append(fact).append("}\n");
    }
    return out.toString();
  }

  /**
   * Records sent, requests and bytes sent so far by the producers in this JVM whose client id
   * starts with the prefix, from their own cumulative metrics (requests of every kind: a
   * transactional producer's AddPartitionsToTxn and EndTxn too).
   */
  private static double[] sent(final String clientIdPrefix) throws Exception {
    final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    final double[] totals = new double[3];
    for (final ObjectName name : jmx.queryNames(new ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientIdPrefix + "*"), null)) {
      totals[0] += (Double) jmx.getAttribute(name, "record-send-total");
      totals[1] += (Double) jmx.getAttribute(name, "request-total");
      totals[2] += (Double) jmx.getAttribute(name, "outgoing-byte-total");
    }
    return totals;
  }

  /** Adds what the producers sent between two {@link #sent} snapshots to the running sums. */
  private static void addSent(final double[] sums, final double[] before, final double[] after) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += after[i] - before[i];
    }
  }

  /** The publisher's own settings, without its transactions: the baseline ingest is held to. */
  private static KafkaProducer<String, byte[]> rawProducer() {
    final Properties p = JournalPublisher.throughputSettings();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.endpoints().kafkaBootstrap());
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static void rawSends(final KafkaProducer<String, byte[]> producer, final List<List<byte[]>> encoded) {
    final AtomicLong failures = new AtomicLong();
    for (int b = 0; b < encoded.size(); b++) {
      for (final byte[] record : encoded.get(b)) {
        producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site(b), record), (m, e) -> {
          if (e != null) {
            failures.incrementAndGet();
          }
        });
      }
    }
    producer.flush();
    assertThat(failures.get()).isZero();
  }

  private static void nativeUploads(final HttpClient http, final URI base, final List<byte[]> batches) throws Exception {
    final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      final List<Future<Integer>> answers = new ArrayList<>();
      for (int b = 0; b < batches.size(); b++) {
        final HttpRequest request =
            HttpRequest.newBuilder(base.resolve("/api/v1/sites/" + site(b) + "/journal"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(batches.get(b)))
                .build();
        answers.add(senders.submit(() -> http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()));
      }
      for (final Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      senders.shutdown();
    }
  }

  private static void pushes(final HttpClient http, final URI base, final byte[] body) throws Exception {
    final ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      final List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < PUSHES; i++) {
        final HttpRequest request =
            HttpRequest.newBuilder(base.resolve("/api/mlmd_push")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        answers.add(senders.submit(() -> http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()));
      }
      for (final Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      senders.shutdown();
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  private static double seconds(final Work work) throws Exception {
    final long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** User plus system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
  private static double cpuSeconds(final long pid) {
    try {
      final String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
      final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the state field: utime is field 14 and stime field 15 of the whole line.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (java.io.IOException e) {
      return Double.NaN;
    }
  }

  private static double median(final double[] values) {
    final double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
