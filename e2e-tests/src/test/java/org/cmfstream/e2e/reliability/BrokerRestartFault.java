// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.cmfstream.testing.StoreDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7: the Kafka broker stopped and started again while the sites upload. Ingest answers 503
 * with {@code Retry-After} while the broker is away, and publishes nothing of an upload it could
 * not complete; the sites wait as told and send the same batch again. The replay copies lose the
 * broker too, and must come back to it. The central state must end as the clean run's.
 *
 * <p>Half the sites upload before the stop and half after it, so that uploads are certainly under
 * way while the broker is away: stopping it at a count of accepted records raced with uploads that
 * take a few seconds in all, and in a first version they had all finished before the stop was.
 */
class BrokerRestartFault {

  // Kept when the scenario fails: the services' logs under logs/ say what they did while the broker was away.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void shouldEndWithTheCleanStateWhenTheBrokerRestartsDuringUploads() {
    // given
    final StoreDump clean = Reliability.cleanState(dir);
    final long total = Reliability.records();
    final int half = Reliability.SPEC.sites() / 2;
    final long started = System.nanoTime();
    // The common pool has one thread on a 2-core machine: each late site gets a thread of its own.
    final ExecutorService lateSites = Executors.newFixedThreadPool(Reliability.SPEC.sites() - half);
    try (CmfSystem system = CmfSystem.start(dir.resolve("faulty"), 2)) {
      final List<EdgeSite> sites = Reliability.sites(system);

      // when: the first half of the sites have uploaded, the broker stops, and the other half
      // start uploading while it is away; it comes back once a site has been told to retry later
      sites.subList(0, half).parallelStream().forEach(EdgeSite::uploadAll);
      final long atStop = sites.stream().mapToLong(EdgeSite::sentRecords).sum();
      system.stack().stop("kafka");
      final long down = System.nanoTime();
      final CompletableFuture<?>[] uploads =
          sites.subList(half, sites.size()).stream().map(s -> CompletableFuture.runAsync(s::uploadAll, lateSites)).toArray(CompletableFuture[]::new);
      await("a site told to retry later").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .failFast("an upload failed otherwise", () -> List.of(uploads).stream().anyMatch(CompletableFuture::isCompletedExceptionally))
          .until(() -> sites.stream().mapToInt(EdgeSite::unavailable).sum() > 0);
      final long acceptedWhileDown = sites.stream().mapToLong(EdgeSite::sentRecords).sum() - atStop;
      system.stack().restart("kafka");
      final double outage = Reliability.seconds(down);
      CompletableFuture.allOf(uploads).join();
      Reliability.awaitApplied(system, sites);
      final StoreDump state = system.centralState();

      // then
      final int retried = sites.stream().mapToInt(EdgeSite::unavailable).sum();
      final int broken = sites.stream().mapToInt(EdgeSite::broken).sum();
      assertThat(atStop).as("records uploaded when the broker stopped").isLessThan(total);
      assertThat(acceptedWhileDown).as("records accepted while the broker was away").isZero();
      assertThat(retried).as("503 answers retried").isPositive();
      assertThat(system.deadReplays()).as("replay copies that died").isEmpty();
      Reliability.assertSameAsClean(state, clean);
      Reliability.report("BrokerRestartFault", Reliability.seconds(started), 1,
          String.format("broker stopped at %,d of %,d records uploaded, back after %.0f s; %d answers 503 retried after Retry-After, %d connections broke; ",
              atStop, total, outage, retried, broken)
              + "2 replay copies, none died; dumps equal (" + state.rows().size() + " PostgreSQL rows, " + state.graph().size() + " graph lines)");
    } finally {
      lateSites.shutdownNow();
    }
  }
}
