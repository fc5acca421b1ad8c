// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cmfstream.testing.StoreDump;
import org.cmfstream.workload.GeneratedPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7: a replay copy killed with SIGKILL several times during a large replay, with two other
 * copies running throughout. Each time the killed copy is started again on its state directory,
 * as a restarted pod would be; the group rebalances around it each way. The central state at the
 * end must be the clean run's: nothing lost, nothing applied twice.
 */
class ReplayKillFault {

  private static final int KILLS = 4;
  private static final String VICTIM = "replay-1";

  @TempDir Path dir;

  @Test
  void shouldEndWithTheCleanStateWhenACopyIsKilledRepeatedlyMidReplay() {
    // given
    final StoreDump clean = Reliability.cleanState(dir);
    final long executions = Reliability.WORKLOAD.pipelines().mapToLong(GeneratedPipeline::executionCount).sum();
    final long started = System.nanoTime();
    try (CmfSystem system = CmfSystem.start(dir.resolve("faulty"), 3)) {
      final List<EdgeSite> sites = Reliability.sites(system);
      sites.parallelStream().forEach(EdgeSite::uploadAll);

      // when: killed at a fifth, two fifths, ... of the executions replayed, and started again each time
      final List<Long> atKill = new ArrayList<>();
      for (int k = 1; k <= KILLS; k++) {
        final long threshold = executions * k / (KILLS + 1);
        await("replayed " + threshold + " of " + executions + " executions").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(100))
            .until(() -> system.count("SELECT count(*) FROM executions") >= threshold);
        system.killReplay(VICTIM);
        atKill.add(system.count("SELECT count(*) FROM executions"));
        system.startReplay(VICTIM);
      }
      Reliability.awaitApplied(system, sites);
      final StoreDump state = system.centralState();

      // then
      assertThat(atKill).as("executions in PostgreSQL at each kill").hasSize(KILLS).allMatch(n -> n < executions);
      assertThat(system.deadReplays()).as("copies that died on their own").isEmpty();
      Reliability.assertSameAsClean(state, clean);
      Reliability.report("ReplayKillFault", Reliability.seconds(started), KILLS,
          "SIGKILL of one of three replay copies at " + atKill + " of " + executions + " executions; dumps equal (" + state.rows().size() + " rows, "
              + state.graph().size() + " graph lines)");
    }
  }
}
