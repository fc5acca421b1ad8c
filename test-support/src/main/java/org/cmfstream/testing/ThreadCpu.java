// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a process's threads from {@code /proc/<pid>/task}, summed by thread name with its
 * digits blanked, so a pool's threads make one entry ({@code C2 CompilerThread0} and {@code 1}
 * are {@code CN CompilerThreN}; {@code /proc} cuts names to 15 characters). Says where a process
 * spent its CPU between two snapshots: in the service's own threads, in the JIT compiler, in GC.
 */
public final class ThreadCpu {

  /** Clock ticks (10 ms) by thread group, at one moment. */
  public record Snapshot(Map<String, Long> ticks) {

    /** What each thread group used since {@code earlier}; threads that ended meanwhile are not counted. */
    public Map<String, Long> since(final Snapshot earlier) {
      final Map<String, Long> used = new HashMap<>();
      ticks.forEach((group, now) -> used.put(group, Math.max(0, now - earlier.ticks.getOrDefault(group, 0L))));
      return used;
    }
  }

  private ThreadCpu() {}

  public static Snapshot of(final long pid) {
    final Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(task -> {
        final String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          // The thread ended between the listing and the read.
          return;
        }
        final String group = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
        // After the name: state is the first field, utime the 12th and stime the 13th.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks.merge(group, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the threads of process " + pid, e);
    }
    return new Snapshot(ticks);
  }

  /** Whether a thread group is the JIT compiler's (C1 and C2 threads, and the code sweeper). */
  public static boolean isJit(final String group) {
    return group.contains("CompilerThre") || group.startsWith("Sweeper");
  }

  /** The ticks of the JIT compiler among {@code used}. */
  public static long jit(final Map<String, Long> used) {
    return used.entrySet().stream().filter(e -> isJit(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }

  public static long total(final Map<String, Long> used) {
    return used.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The busiest thread groups of {@code used}, as microseconds per record, on one line. */
  public static String perRecord(final Map<String, Long> used, final long records, final int top) {
    final StringBuilder out = new StringBuilder();
    used.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> out.append(out.isEmpty() ? "" : ", ").append(e.getKey().strip())
            .append(String.format(Locale.ROOT, " %.2f", e.getValue() * 1e4 / records)));
    return out.toString();
  }
}
