// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cmfstream.testing.StoreDump;
import org.cmfstream.workload.Workload;
import org.cmfstream.workload.WorkloadSpec;

/**
 * What the fault scenarios share: the workload, the central state of a clean run of it (computed
 * once per test JVM, the first time a scenario asks), the wait for everything applied, the
 * comparison, and the results file.
 *
 * <p>{@code -Dcmf.reliability.runs=<runs per pipeline>} scales the workload (default 40: about
 * 9,000 journal records over 4 sites).
 */
final class Reliability {

  /** Four sites, two pipelines each, four stages, 200-record uploads. */
  static final WorkloadSpec SPEC =
      WorkloadSpec.defaults().withSeed(7).withSites(4).withRuns(Integer.getInteger("cmf.reliability.runs", 40)).withBatchRecords(200);

  static final Workload WORKLOAD = Workload.of(SPEC);

  private static final Duration APPLIED = Duration.ofMinutes(10);
  private static StoreDump clean;
  private static double cleanSeconds;

  private Reliability() {}

  /** Every journal record of the workload, all sites. */
  static long records() {
    long total = 0;
    for (int s = 0; s < SPEC.sites(); s++) {
      total += WORKLOAD.journalRecords(s);
    }
    return total;
  }

  /** One edge site per site of the workload, uploading straight to ingest. */
  static List<EdgeSite> sites(final CmfSystem system) {
    final List<EdgeSite> sites = new ArrayList<>();
    for (int s = 0; s < SPEC.sites(); s++) {
      sites.add(new EdgeSite(WORKLOAD, s, system.ingestUrl()));
    }
    return sites;
  }

  /**
   * The central state after a clean run: one replay copy, every site uploading its journal once,
   * no fault. Computed once per JVM.
   */
  static synchronized StoreDump cleanState(final Path dir) {
    if (clean == null) {
      final long started = System.nanoTime();
      try (CmfSystem system = CmfSystem.start(dir.resolve("clean"), 1)) {
        final List<EdgeSite> sites = sites(system);
        sites.forEach(EdgeSite::uploadAll);
        awaitApplied(system, sites);
        clean = system.centralState();
      }
      cleanSeconds = (System.nanoTime() - started) / 1e9;
      assertThat(clean.rows()).as("the clean run's rows").hasSizeGreaterThan((int) (records() / 2));
      report("clean run (reference)", cleanSeconds, 0, "1 replay copy, no fault");
    }
    return clean;
  }

  /** Waits until every upload of every site is APPLIED and every site's watermark covers its whole journal. */
  static void awaitApplied(final CmfSystem system, final List<EdgeSite> sites) {
    await("every upload APPLIED").atMost(APPLIED).pollInterval(Duration.ofSeconds(1))
        .until(() -> sites.stream().allMatch(s -> s.allApplied(system.ingestUrl())));
    for (int s = 0; s < sites.size(); s++) {
      final EdgeSite site = sites.get(s);
      final long journal = WORKLOAD.journalRecords(s % SPEC.sites());
      await(site.site() + "'s watermark at the end of its journal").atMost(APPLIED).pollInterval(Duration.ofSeconds(1))
          .until(() -> site.watermark().path("completeThrough").asLong() == journal);
    }
  }

  /** Asserts the central state equals the clean run's, rows and graph, and says how big it is. */
  static void assertSameAsClean(final StoreDump state, final StoreDump cleanState) {
    assertThat(state.rows()).as("PostgreSQL rows").hasSameSizeAs(cleanState.rows());
    assertThat(state.graph()).as("Neo4j nodes and edges").hasSameSizeAs(cleanState.graph());
    assertThat(firstDifference(state.rows(), cleanState.rows())).as("the first PostgreSQL row that differs").isEmpty();
    assertThat(firstDifference(state.graph(), cleanState.graph())).as("the first Neo4j line that differs").isEmpty();
    assertThat(state).isEqualTo(cleanState);
  }

  private static String firstDifference(final List<String> a, final List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return "under fault: " + a.get(i) + "\nclean:       " + b.get(i);
      }
    }
    return "";
  }

  static double seconds(final long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** Prints a result line and appends it to {@code target/reliability-results.md}. */
  static void report(final String scenario, final double seconds, final int faults, final String details) {
    final String line = String.format(Locale.ROOT, "| %s | %.0f s | %d | %,d records, %d sites | %s |", scenario, seconds, faults, records(), SPEC.sites(), details);
    System.out.println("RELIABILITY " + line);
    try {
      Files.writeString(Path.of("target", "reliability-results.md"), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
