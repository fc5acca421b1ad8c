// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.testing.StoreDump;
import org.cmfstream.workload.CmfPush;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7: the same workload uploaded by two sites at once, then uploaded again by the first,
 * then pushed once more in the cmf client's form. Every record after the first copy is a
 * duplicate by its content hash: the central state must be the clean run's, and each cmf push
 * must answer {@code exists}, as cmf-server does for executions it already holds.
 */
class DoubleUploadFault {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void shouldEndWithTheCleanStateWhenTheWorkloadIsUploadedByTwoSitesAndTwice() throws Exception {
    // given
    final StoreDump clean = Reliability.cleanState(dir);
    final long started = System.nanoTime();
    try (CmfSystem system = CmfSystem.start(dir.resolve("faulty"), 2)) {
      final List<EdgeSite> first = Reliability.sites(system);
      final List<EdgeSite> twins = new ArrayList<>();
      for (int s = 0; s < Reliability.SPEC.sites(); s++) {
        twins.add(new EdgeSite(Reliability.WORKLOAD, s, Reliability.WORKLOAD.site(s) + "-twin", system.ingestUrl()));
      }
      final List<EdgeSite> all = new ArrayList<>(first);
      all.addAll(twins);

      // when: both copies at once, each site and its twin concurrently
      all.parallelStream().forEach(EdgeSite::uploadAll);
      // and the first copy once more, from its first record
      first.parallelStream().forEach(EdgeSite::uploadAll);
      Reliability.awaitApplied(system, all);
      // and every pipeline pushed as the cmf client pushes it
      final Map<String, Long> statuses = new TreeMap<>();
      final HttpClient http = HttpClient.newHttpClient();
      for (final CmfPush push : Reliability.WORKLOAD.cmfPushes().toList()) {
        final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(system.ingestUrl().resolve("/api/mlmd_push")).timeout(Duration.ofSeconds(90))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(push.requestBody())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        statuses.merge(JSON.readTree(answer.body()).path("status").asText(), 1L, Long::sum);
      }
      final StoreDump state = system.centralState();

      // then
      final long uploads = all.stream().mapToLong(s -> s.receipts().size()).sum();
      final long sent = all.stream().mapToLong(EdgeSite::sentRecords).sum();
      assertThat(sent).isEqualTo(3 * Reliability.records());
      assertThat(statuses).as("the cmf pushes' answers").containsOnlyKeys("exists");
      Reliability.assertSameAsClean(state, clean);
      Reliability.report("DoubleUploadFault", Reliability.seconds(started), 2,
          "each site's journal uploaded by it and by a twin at once, then by it again (" + uploads + " uploads, " + String.format("%,d", sent)
              + " records), then " + statuses.values().stream().mapToLong(Long::longValue).sum() + " cmf pushes answered " + statuses + "; dumps equal ("
              + state.rows().size() + " rows, " + state.graph().size() + " graph lines)");
    }
  }
}
