// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.cmfstream.journal.Topics;

/**
 * Push-to-queryable latency under a steady load: native uploads through the front door ({@code
 * rate} records/s, as uploads of 100 records, ten a second at 1,000 records/s), each with one
 * marker artifact; a poller asks query-service for the markers, oldest first, until each answers,
 * and the time from the upload's start to that answer is the upload's latency.
 */
final class Freshness {

  /**
   * The topics a marker passes on its way to PostgreSQL, each labelled with the hop whose commit
   * makes it visible there (the repartition topic is the replay's, under its default application id).
   */
  /** Measurements made so far in this JVM: each has its own site and markers. */
  private static final AtomicInteger RUNS = new AtomicInteger();

  private static final Map<String, String> HOPS = orderedMap(
      "journal: ingest's transaction committed", Topics.JOURNAL.name(),
      "by entity: replay's validating sub-topology committed", "cmf-stream-replay-by-entity-repartition",
      "entities: replay's merge committed", Topics.ENTITIES.name());

  private Freshness() {}

  private static Map<String, String> orderedMap(final String... pairs) {
    final Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  /**
   * Steady uploads of 100 records, each with a marker artifact, and the time until query-service
   * knows each marker; prints where that time went, hop by hop ({@link #HOPS}, seen on the broker
   * at {@code bootstrap}).
   */
  static double[] measure(final RunningCmfStream cmf, final int rate, final int seconds, final String bootstrap) throws Exception {
    try (FreshnessHops watch = new FreshnessHops(bootstrap, HOPS)) {
      return measure(cmf, rate, seconds, watch);
    }
  }

  private static double[] measure(final RunningCmfStream cmf, final int rate, final int seconds, final FreshnessHops hops) throws Exception {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final URI query = cmf.urls().get("query");
    final int perUpload = 100;
    final int uploadsPerSecond = Math.max(1, rate / perUpload);
    final int total = uploadsPerSecond * seconds;
    final ConcurrentNavigableMap<Integer, Long> pending = new ConcurrentSkipListMap<>();
    final List<Double> done = Collections.synchronizedList(new ArrayList<>());
    final Map<String, long[]> times = new ConcurrentHashMap<>();
    final ScheduledExecutorService uploader = Executors.newSingleThreadScheduledExecutor();
    // Each measurement of a run uploads as a site of its own, with markers of its own: a second one
    // must not re-send the first one's records, which would be duplicates, queryable at once.
    final int run = RUNS.incrementAndGet();
    final String site = run == 1 ? "fresh-site" : "fresh-site-" + run;
    final long[] seq = {0};
    final int[] sent = {0};
    uploader.scheduleAtFixedRate(() -> {
      if (sent[0] >= total) {
        return;
      }
      final int n = sent[0]++;
      final String marker = marker(run, n);
      final StringBuilder body = new StringBuilder();
      for (int i = 0; i < perUpload - 1; i++) {
        body.append("{\"seq\":").append(++seq[0]).append(",\"kind\":\"property\",\"fact\":{\"entity\":\"EXECUTION\",\"id\":\"fresh-e")
            .append(n % 50).append("\",\"key\":\"tick\",\"value\":").append(seq[0]).append("}}\n");
      }
      body.append("{\"seq\":").append(++seq[0]).append(",\"kind\":\"artifact\",\"fact\":{\"uri\":\"").append(marker)
          .append("\",\"type\":\"Dataset\",\"name\":\"fresh/").append(n).append(".csv\"}}\n");
      final long start = System.nanoTime();
      pending.put(n, start);
      try {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(cmf.frontDoor("/api/v1/sites/" + site + "/journal"))
            .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          pending.remove(n);
          System.out.println("upload refused: " + r.statusCode() + " " + r.body());
        } else {
          times.put(marker, new long[] {start, System.nanoTime(), 0});
        }
      } catch (Exception e) {
        pending.remove(n);
      }
    }, 0, 1_000_000 / uploadsPerSecond, TimeUnit.MICROSECONDS);
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
    while ((sent[0] < total || !pending.isEmpty()) && System.nanoTime() < deadline) {
      // Oldest first, and no further than the first marker not yet queryable: uploads of one site
      // are replayed in order, so this asks little of query-service (a poll per marker would load
      // it as much as the replay it measures), and a marker seen late is only measured as slower.
      for (final Map.Entry<Integer, Long> p : pending.entrySet()) {
        final HttpResponse<Void> r = http.send(HttpRequest.newBuilder(query.resolve("/api/v1/artifacts/" + marker(run, p.getKey()) + "/metadata")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
          break;
        }
        final long now = System.nanoTime();
        done.add((now - p.getValue()) / 1e6);
        times.computeIfPresent(marker(run, p.getKey()), (m, t) -> new long[] {t[0], t[1], now});
        pending.remove(p.getKey());
      }
      // Poll every 5 ms: finer than the figures measured, and it leaves the two cores to the system.
      LockSupport.parkNanos(5_000_000L);
    }
    uploader.shutdownNow();
    final double[] latencies = done.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(latencies);
    assertThat(pending).as("markers never queryable").isEmpty();
    printHops(times, hops);
    return latencies;
  }

  /** Each hop's time from the upload's start, p50, p99 and max; then the slowest uploads, hop by hop. */
  private static void printHops(final Map<String, long[]> times, final FreshnessHops hops) {
    final List<String> labels = new ArrayList<>(List.of("acknowledged (HTTP 200)"));
    labels.addAll(hops.hops());
    labels.add("queryable (the poller's answer)");
    final List<String> markers = times.entrySet().stream().filter(e -> e.getValue()[2] != 0).map(Map.Entry::getKey).sorted().toList();
    final double[][] at = new double[markers.size()][labels.size()];
    for (int i = 0; i < markers.size(); i++) {
      final long[] t = times.get(markers.get(i));
      at[i][0] = (t[1] - t[0]) / 1e6;
      for (int h = 0; h < hops.hops().size(); h++) {
        final Long seen = hops.seenAt(hops.hops().get(h), markers.get(i));
        at[i][h + 1] = seen == null ? Double.NaN : (seen - t[0]) / 1e6;
      }
      at[i][labels.size() - 1] = (t[2] - t[0]) / 1e6;
    }
    System.out.printf(Locale.ROOT, "%nwhere push-to-queryable time goes, ms from each upload's start (%d uploads)%n", markers.size());
    System.out.printf(Locale.ROOT, "%-52s %8s %8s %8s%n", "visible at", "p50", "p99", "max");
    for (int h = 0; h < labels.size(); h++) {
      final int hop = h;
      final double[] column = Arrays.stream(at).mapToDouble(row -> row[hop]).filter(v -> !Double.isNaN(v)).sorted().toArray();
      if (column.length > 0) {
        System.out.printf(Locale.ROOT, "%-52s %8.0f %8.0f %8.0f%n", labels.get(h), percentile(column, 0.5), percentile(column, 0.99), column[column.length - 1]);
      }
    }
    System.out.printf(Locale.ROOT, "the five slowest uploads, each row the times above in their order, ms:%n");
    Arrays.stream(at).sorted((a, b) -> Double.compare(b[b.length - 1], a[a.length - 1])).limit(5)
        .forEach(row -> System.out.println("  " + Arrays.stream(row).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
  }

  /**
   * The marker artifact's uri: 'f', 20 zeros (the prefix {@link FreshnessHops} looks for), then the
   * run and the upload in 11 hex digits.
   */
  static String marker(final int run, final int n) {
    return String.format(Locale.ROOT, "f%020x%03x%08x", 0, run, n);
  }

  /** The {@code q} quantile of sorted samples. */
  static double percentile(final double[] sorted, final double q) {
    return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
  }
}
