// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cmfstream.testing.FaultyLink;
import org.cmfstream.testing.StoreDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7: edge sites whose connection is cut in the middle of uploads, dozens of times; each
 * time a site resumes from the watermark the server gives it. A cut falls at a random byte of a
 * request (nothing of that upload is kept: one Kafka transaction) or of an answer (the upload is
 * kept but the site never learns it, so it sends those records again). Either way the central
 * state must end as the clean run's, and every site's watermark at the end of its journal.
 */
class CutLinkFault {

  private static final int CUTS = Integer.getInteger("cmf.reliability.cuts", 40);

  @TempDir Path dir;

  @Test
  void shouldEndWithTheCleanStateWhenUploadsAreCutDozensOfTimes() throws Exception {
    // given
    final StoreDump clean = Reliability.cleanState(dir);
    final long started = System.nanoTime();
    try (CmfSystem system = CmfSystem.start(dir.resolve("faulty"), 1);
        FaultyLink link = new FaultyLink(system.ingestUrl().getPort())) {
      final URI relay = URI.create("http://127.0.0.1:" + link.port());
      final List<EdgeSite> sites = new ArrayList<>();
      for (int s = 0; s < Reliability.SPEC.sites(); s++) {
        sites.add(new EdgeSite(Reliability.WORKLOAD, s, relay));
      }
      // A batch is some 80 kB: most cuts fall inside a request, a third inside an answer.
      final Random random = new Random(7);
      link.cutRepeatedly(
          () -> random.nextInt(3) == 0 ? new FaultyLink.Cut(Long.MAX_VALUE, random.nextInt(400)) : new FaultyLink.Cut(1 + random.nextInt(120_000), Long.MAX_VALUE),
          CUTS);

      // when: the sites upload one after the other, through the flaky link
      for (final EdgeSite site : sites) {
        site.upload(1, 10 * CUTS);
      }
      Reliability.awaitApplied(system, sites);
      final StoreDump state = system.centralState();

      // then
      final int broken = sites.stream().mapToInt(EdgeSite::broken).sum();
      final int resumes = sites.stream().mapToInt(EdgeSite::resumes).sum();
      final long sent = sites.stream().mapToLong(EdgeSite::sentRecords).sum();
      assertThat(link.cuts()).as("cuts").isEqualTo(CUTS);
      assertThat(broken).as("uploads whose connection broke").isPositive();
      assertThat(resumes).as("resumes from the watermark").isPositive();
      assertThat(sent).as("records accepted, some of them twice").isGreaterThan(Reliability.records());
      Reliability.assertSameAsClean(state, clean);
      Reliability.report("CutLinkFault", Reliability.seconds(started), link.cuts(),
          link.cuts() + " cuts; " + broken + " uploads broke, " + resumes + " resumes from the watermark; " + String.format("%,d", sent)
              + " records accepted in " + sites.stream().mapToInt(s -> s.receipts().size()).sum() + " uploads; dumps equal (" + state.rows().size() + " rows, "
              + state.graph().size() + " graph lines)");
    }
  }
}
