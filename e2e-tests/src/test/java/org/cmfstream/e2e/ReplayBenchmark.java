// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.cmfstream.testing.ThreadCpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay throughput and freshness (issue #4). Prints numbers; asserts only that the work was done.
 * Run it alone:
 *
 * <pre>./mvnw verify -pl e2e-tests -am -Dit.test=ReplayBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dfailsafe.failIfNoSpecifiedTests=false [-Dcmf.bench.runs=25000] [-Dcmf.bench.rate=1000] [-Dcmf.bench.seconds=30]</pre>
 *
 * <p><b>Throughput.</b> After a warm-up (rounds of a tenth of the load, on pipelines of their own,
 * until the JIT compilers take under 5% of a round's CPU), a generated journal ({@link
 * BenchWorkload}) is written to {@code cmf.journal.v1} and timed until every upload's receipt says APPLIED in both stores. In the same
 * run, the rows the replay wrote are read back and written again by the simplest fast sinks
 * ({@link RawSinks}); the replay's rows per second are set beside the slower raw sink's, and each
 * store's CPU per row in the replay beside its CPU per row in the raw sinks.
 *
 * <p><b>Freshness.</b> Push-to-queryable latency under a steady load of native uploads through
 * the front door ({@link Freshness}), by default 1,000 records/s: once right after the load above,
 * while the stores still digest it, and once more after cmf-stream has settled (under a fifth of
 * a core), which is how a central server spends most of its time.
 */
class ReplayBenchmark {

  /** The warm-up's pipelines start here, far above the measured load's. */
  private static final int WARM_UP_PIPELINES = 1_000_000;

  /** Warm-up rounds go on until the JIT compilers take less than this share of a round's CPU... */
  private static final double MAX_JIT_SHARE = 0.05;

  /** ...or this many rounds have run. */
  private static final int MAX_WARM_UP_ROUNDS = 8;

  @TempDir static Path dataDir;

  private final BenchWorkload workload = new BenchWorkload(Integer.getInteger("cmf.bench.runs", 25_000), Integer.getInteger("cmf.bench.pipelines", 50));
  private final int rate = Integer.getInteger("cmf.bench.rate", 1_000);
  private final int seconds = Integer.getInteger("cmf.bench.seconds", 30);

  @Test
  void shouldPrintReplayThroughputBesideRawSinksAndFreshnessUnderLoad() throws Exception {
    try (var cmf = RunningCmfStream.start(dataDir)) {
      final Properties ports = BenchWorkload.ports(dataDir);
      final String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.getProperty("postgres") + "/postgres";
      final String bolt = "bolt://127.0.0.1:" + ports.getProperty("neo4j.bolt");

      // Warm-up: rounds of a tenth of the load, each on pipelines of its own, until the JIT
      // compilers take under a twentieth of a round's CPU, as on a server that has run for a while
      // (after a single round they still took about a quarter of the timed replay's CPU, in every
      // JVM: a tenth of the load leaves much of each store's code below C2's thresholds).
      long warmUpRecords = 0;
      for (int round = 1; ; round++) {
        final BenchWorkload warmUp =
            new BenchWorkload(Math.max(workload.pipelines, workload.runs / 10), workload.pipelines, WARM_UP_PIPELINES + round * workload.pipelines);
        final Map<String, ThreadCpu.Snapshot> before = ProcessStats.threadCpu(cmf);
        final long roundStarted = System.nanoTime();
        warmUpRecords += warmUp.load("127.0.0.1:" + ports.getProperty("kafka"));
        await("every warm-up upload applied").atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(250)).until(() -> warmUp.allApplied(cmf));
        final double roundSeconds = (System.nanoTime() - roundStarted) / 1e9;
        // The compilers' queues drain once the load is applied: wait for that, and count it.
        ProcessStats.awaitQuiet(cmf, 0.2, Duration.ofSeconds(2), Duration.ofMinutes(10));
        final double jitShare = jitShare(before, ProcessStats.threadCpu(cmf));
        System.out.printf(Locale.ROOT, "warm-up round %d: applied in %.1f s; the JIT compilers took %.0f%% of the JVMs' CPU%n", round, roundSeconds, 100 * jitShare);
        if (jitShare < MAX_JIT_SHARE || round == MAX_WARM_UP_ROUNDS) {
          break;
        }
      }
      final long warmUpRows = RawSinks.rows(jdbc);
      System.out.printf(Locale.ROOT, "warm-up: %,d journal records, %,d rows%n", warmUpRecords, warmUpRows);

      // Throughput: journal to both stores; where the time goes, every 10 s and by process.
      final Map<String, Double> cpuBefore = ProcessStats.cpuSeconds(cmf);
      final Map<String, ThreadCpu.Snapshot> threadsBefore = ProcessStats.threadCpu(cmf);
      final long started = System.nanoTime();
      final long records = workload.load("127.0.0.1:" + ports.getProperty("kafka"));
      try (ReplayProgress progress = ReplayProgress.start("127.0.0.1:" + ports.getProperty("kafka"), jdbc, bolt, Duration.ofSeconds(10))) {
        await("every upload applied").atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(250)).until(() -> workload.allApplied(cmf));
      }
      final double replaySeconds = (System.nanoTime() - started) / 1e9;
      final Map<String, Double> cpuAfter = ProcessStats.cpuSeconds(cmf);
      final Map<String, ThreadCpu.Snapshot> threadsAfter = ProcessStats.threadCpu(cmf);
      System.out.printf(Locale.ROOT, "%nCPU seconds during the replay (%.1f s of wall time on %d cores):%n", replaySeconds, Runtime.getRuntime().availableProcessors());
      cpuAfter.forEach((part, cpu) -> System.out.printf(Locale.ROOT, "  %-24s %7.1f%n", part, cpu - cpuBefore.getOrDefault(part, 0.0)));
      System.out.println("CPU microseconds per journal record by thread group, the busiest of each JVM:");
      threadsAfter.forEach((part, after) -> {
        if (threadsBefore.containsKey(part)) {
          System.out.printf(Locale.ROOT, "  %-24s %s%n", part, ThreadCpu.perRecord(after.since(threadsBefore.get(part)), records, 8));
        }
      });
      System.out.printf(Locale.ROOT, "the JIT compilers took %.0f%% of the JVMs' CPU during the replay%n", 100 * jitShare(threadsBefore, threadsAfter));

      final long replayRows = RawSinks.rows(jdbc) - warmUpRows;
      // The raw sinks copy every row, the warm-up's too: speeds are compared as rows per second.
      final Map<String, Double> rawCpuBefore = ProcessStats.cpuSeconds(cmf);
      final Map<String, ThreadCpu.Snapshot> rawThreadsBefore = ProcessStats.threadCpu(cmf);
      final Map<String, Double> rawCpuAfter = new HashMap<>();
      final Map<String, ThreadCpu.Snapshot> rawThreadsAfter = new HashMap<>();
      final RawSinks.Times raw = RawSinks.measure(jdbc, bolt, () -> {
        rawCpuAfter.putAll(ProcessStats.cpuSeconds(cmf));
        rawThreadsAfter.putAll(ProcessStats.threadCpu(cmf));
      });
      final double replayRate = replayRows / replaySeconds;
      final double rawRate = raw.rows() / raw.slower();
      System.out.printf(Locale.ROOT, "%nreplay: %,d journal records into PostgreSQL and Neo4j (%,d rows) in %.1f s: %,.0f records/s, %,.0f rows/s%n",
          records, replayRows, replaySeconds, records / replaySeconds, replayRate);
      System.out.printf(Locale.ROOT, "raw PostgreSQL batched INSERT of the %,d rows (the warm-up's too): %.1f s; raw Neo4j UNWIND MERGE of the same nodes and edges: %.1f s;"
          + " the slower: %,.0f rows/s%n", raw.rows(), raw.postgresSeconds(), raw.neo4jSeconds(), rawRate);
      System.out.printf(Locale.ROOT, "replay at %.0f%% of the slower raw sink's speed (both stores, merge and exactly-once included)%n",
          100 * replayRate / rawRate);
      // What each store spent per row in the replay and in its raw sink: how much of the gap is the stores' own work.
      final String graph = "neo4j (JVM)";
      for (final String store : List.of(graph, "postgres (processes)")) {
        System.out.printf(Locale.ROOT, "%s CPU per row: %.1f µs in the replay, %.1f µs while the raw sinks ran%n", store,
            1e6 * (cpuAfter.get(store) - cpuBefore.getOrDefault(store, 0.0)) / replayRows,
            1e6 * (rawCpuAfter.get(store) - rawCpuBefore.getOrDefault(store, 0.0)) / raw.rows());
      }
      System.out.printf(Locale.ROOT, "  neo4j, µs per row by thread group in the replay: %s%n  and in the raw sinks: %s%n",
          ThreadCpu.perRecord(threadsAfter.get(graph).since(threadsBefore.get(graph)), replayRows, 5),
          ThreadCpu.perRecord(rawThreadsAfter.get(graph).since(rawThreadsBefore.get(graph)), raw.rows(), 5));

      // Freshness: push to queryable under a steady load, twice: at once, while the stores and the
      // replay's state still digest the load above (checkpoints, compactions, autovacuum), and
      // again once everything has settled, as a central server runs most of its days.
      final double[] right = freshness(cmf, ports, "right after the load");
      final Duration quiet = ProcessStats.awaitQuiet(cmf, 0.2, Duration.ofSeconds(2), Duration.ofMinutes(10));
      System.out.printf(Locale.ROOT, "%nsettled: %.0f s until cmf-stream used under a fifth of a core%n", quiet.toMillis() / 1e3);
      final double[] settled = freshness(cmf, ports, "settled");
      assertThat(right).isNotEmpty();
      assertThat(settled).isNotEmpty();
    }
  }

  /** The JIT compilers' share of the CPU every JVM used between two snapshots. */
  private static double jitShare(final Map<String, ThreadCpu.Snapshot> before, final Map<String, ThreadCpu.Snapshot> after) {
    long jit = 0;
    long total = 0;
    for (final Map.Entry<String, ThreadCpu.Snapshot> part : after.entrySet()) {
      if (before.containsKey(part.getKey())) {
        final Map<String, Long> used = part.getValue().since(before.get(part.getKey()));
        jit += ThreadCpu.jit(used);
        total += ThreadCpu.total(used);
      }
    }
    return (double) jit / Math.max(1, total);
  }

  private double[] freshness(final RunningCmfStream cmf, final Properties ports, final String when) throws Exception {
    System.out.printf(Locale.ROOT, "%nfreshness, %s:%n", when);
    final double[] latencies = Freshness.measure(cmf, rate, seconds, "127.0.0.1:" + ports.getProperty("kafka"));
    System.out.printf(Locale.ROOT, "freshness %s, at %,d records/s for %d s (%,d uploads): push-to-queryable p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        when, rate, seconds, latencies.length, Freshness.percentile(latencies, 0.50), Freshness.percentile(latencies, 0.99), latencies[latencies.length - 1]);
    return latencies;
  }
}
