// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.testing.ThreadCpu;

/**
 * Resident memory and CPU time of each part of a running cmf-stream, from {@code /proc}: each
 * server's JVM, each service's JVM, the launcher, and PostgreSQL's processes summed (for memory an
 * upper bound, since their shared buffers count more than once).
 */
final class ProcessStats {

  private static final Map<String, String> SERVICES = Map.of(
      "org.cmfstream.replay.ReplayApplication", "replay-service",
      "org.cmfstream.ingest.IngestApplication", "ingest-service",
      "org.cmfstream.query.QueryApplication", "query-service",
      "org.cmfstream.gateway.GatewayApplication", "gateway (front door)");

  private ProcessStats() {}

  /** MiB resident, by part, for the launcher and every process it started (postmaster included). */
  static Map<String, Long> residentMiB(final RunningCmfStream cmf) throws IOException {
    final Map<String, Long> kib = new TreeMap<>();
    kib.merge("launcher", rssKiB(cmf.launcher().pid()), Long::sum);
    for (final long pid : cmf.processes()) {
      kib.merge(part(pid), rssKiB(pid), Long::sum);
    }
    final Map<String, Long> mib = new TreeMap<>();
    kib.forEach((part, k) -> mib.put(part, k / 1024));
    return mib;
  }

  /** CPU seconds (user and system) used so far, by part; PostgreSQL's ended backends are not counted. */
  static Map<String, Double> cpuSeconds(final RunningCmfStream cmf) throws IOException {
    final long launcher = cmf.launcher().pid();
    final Map<String, Double> cpu = new TreeMap<>();
    for (final Map.Entry<Long, Double> e : byPid(cmf).entrySet()) {
      cpu.merge(e.getKey() == launcher ? "launcher" : part(e.getKey()), e.getValue(), Double::sum);
    }
    return cpu;
  }

  /** CPU used so far by each Java part's threads ({@link ThreadCpu}), by part; PostgreSQL and the launcher are left out. */
  static Map<String, ThreadCpu.Snapshot> threadCpu(final RunningCmfStream cmf) throws IOException {
    final Map<String, ThreadCpu.Snapshot> threads = new TreeMap<>();
    for (final long pid : cmf.processes()) {
      final String part = part(pid);
      if (!part.startsWith("postgres") && !part.equals("other") && !part.equals("gone")) {
        threads.put(part, ThreadCpu.of(pid));
      }
    }
    return threads;
  }

  /**
   * Waits until the whole of cmf-stream is quiet: every process together under {@code coreShare}
   * of one core over one {@code window}, as after a large load once autovacuum, checkpoints and
   * the log cleaner are done. Returns how long that took.
   */
  static Duration awaitQuiet(final RunningCmfStream cmf, final double coreShare, final Duration window, final Duration atMost) throws IOException {
    final long started = System.nanoTime();
    final Map<Long, Double> last = new HashMap<>(byPid(cmf));
    await("cmf-stream under " + coreShare + " of a core").atMost(atMost).pollDelay(window).pollInterval(window).until(() -> {
      final Map<Long, Double> now = byPid(cmf);
      // A process started in the window counts whole; one that ended in it is not counted.
      final double used = now.entrySet().stream().mapToDouble(e -> e.getValue() - last.getOrDefault(e.getKey(), 0.0)).sum();
      last.clear();
      last.putAll(now);
      return used < coreShare * window.toMillis() / 1000.0;
    });
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** CPU seconds used so far by the launcher and every process it started, by pid. */
  private static Map<Long, Double> byPid(final RunningCmfStream cmf) throws IOException {
    final Map<Long, Double> cpu = new HashMap<>();
    cpu.put(cmf.launcher().pid(), cpu(cmf.launcher().pid()));
    for (final long pid : cmf.processes()) {
      cpu.put(pid, cpu(pid));
    }
    return cpu;
  }

  private static double cpu(final long pid) {
    try {
      final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the state field: utime and stime, fields 14 and 15 of the line, then cutime and cstime
      // (16, 17: its children that have ended, such as PostgreSQL's backend of a closed connection or
      // an autovacuum worker), in clock ticks of 10 ms.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String part(final long pid) throws IOException {
    final Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
    if (!Files.exists(cmdline)) {
      return "gone";
    }
    final List<String> args = List.of(Files.readString(cmdline, StandardCharsets.UTF_8).split("\0"));
    for (final Map.Entry<String, String> service : SERVICES.entrySet()) {
      if (args.contains(service.getKey())) {
        return service.getValue();
      }
    }
    final int server = args.indexOf("org.cmfstream.deploy.stack.ServerMain");
    if (server >= 0 && server + 1 < args.size()) {
      return args.get(server + 1) + " (JVM)";
    }
    // pg_ctl detached the postmaster and its workers from every JVM.
    return args.isEmpty() || !args.get(0).contains("postgres") ? "other" : "postgres (processes)";
  }

  private static long rssKiB(final long pid) {
    try {
      for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // The process ended in between: it holds no memory.
    }
    return 0;
  }
}
