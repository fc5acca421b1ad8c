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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Push-to-queryable latency under a steady load: native uploads through the front door ({@code
 * rate} records/s, as uploads of 100 records, ten a second at 1,000 records/s), each with one
 * marker artifact; a poller asks query-service for the markers, oldest first, until each answers,
 * and the time from the upload's start to that answer is the upload's latency.
 */
final class Freshness {

  private Freshness() {}

  /** Steady uploads of 100 records, each with a marker artifact, and the time until query-service knows each marker. */
  static double[] measure(final RunningCmfStream cmf, final int rate, final int seconds) throws Exception {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final URI query = cmf.urls().get("query");
    final int perUpload = 100;
    final int uploadsPerSecond = Math.max(1, rate / perUpload);
    final int total = uploadsPerSecond * seconds;
    final ConcurrentNavigableMap<Integer, Long> pending = new ConcurrentSkipListMap<>();
    final List<Double> done = Collections.synchronizedList(new ArrayList<>());
    final ScheduledExecutorService uploader = Executors.newSingleThreadScheduledExecutor();
    final long[] seq = {0};
    final int[] sent = {0};
    uploader.scheduleAtFixedRate(() -> {
      if (sent[0] >= total) {
        return;
      }
      final int n = sent[0]++;
      final String marker = marker(n);
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
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(cmf.frontDoor("/api/v1/sites/fresh-site/journal"))
            .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          pending.remove(n);
          System.out.println("upload refused: " + r.statusCode() + " " + r.body());
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
        final HttpResponse<Void> r = http.send(HttpRequest.newBuilder(query.resolve("/api/v1/artifacts/" + marker(p.getKey()) + "/metadata")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
          break;
        }
        done.add((System.nanoTime() - p.getValue()) / 1e6);
        pending.remove(p.getKey());
      }
      // Poll every 5 ms: finer than the figures measured, and it leaves the two cores to the system.
      LockSupport.parkNanos(5_000_000L);
    }
    uploader.shutdownNow();
    final double[] latencies = done.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(latencies);
    assertThat(pending).as("markers never queryable").isEmpty();
    return latencies;
  }

  private static String marker(final int n) {
    return String.format(Locale.ROOT, "f%031x", n);
  }

  /** The {@code q} quantile of sorted samples. */
  static double percentile(final double[] sorted, final double q) {
    return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
  }
}
