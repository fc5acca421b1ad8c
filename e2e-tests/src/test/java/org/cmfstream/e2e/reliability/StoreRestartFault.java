// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.cmfstream.testing.StoreDump;
import org.cmfstream.workload.GeneratedPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;

/**
 * Issue #7: PostgreSQL stopped and started again in the middle of a replay, then Neo4j in the
 * middle of another (half the sites upload before each, since the store that stays up runs ahead
 * and would finish the first replay alone). While one
 * store is away its sink must wait and retry, and the other must go on; once it is back, the sink
 * must resume from the offsets it wrote with its rows. The central state must end as the clean
 * run's, and no replay copy may have died of it.
 */
class StoreRestartFault {

  @TempDir Path dir;

  @Test
  void shouldEndWithTheCleanStateWhenEachStoreIsRestartedMidReplay() {
    // given
    final StoreDump clean = Reliability.cleanState(dir);
    final long executions = Reliability.WORKLOAD.pipelines().mapToLong(GeneratedPipeline::executionCount).sum();
    final int half = Reliability.SPEC.sites() / 2;
    final long firstHalf = IntStream.range(0, half).boxed().flatMap(Reliability.WORKLOAD::pipelines).mapToLong(GeneratedPipeline::executionCount).sum();
    final long secondHalf = executions - firstHalf;
    final long started = System.nanoTime();
    try (CmfSystem system = CmfSystem.start(dir.resolve("faulty"), 2)) {
      final List<EdgeSite> sites = Reliability.sites(system);

      // when: the first half of the sites upload, and PostgreSQL goes away at a quarter of their
      // replay, while Neo4j's sink goes on
      sites.subList(0, half).parallelStream().forEach(EdgeSite::uploadAll);
      awaitRows(system, firstHalf / 4);
      final long graphAtPostgresStop = graphExecutions(system);
      final long rowsAtPostgresStop = system.count("SELECT count(*) FROM executions");
      system.stack().stop("postgres");
      await("Neo4j's sink going on without PostgreSQL").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> graphExecutions(system) >= Math.min(firstHalf, graphAtPostgresStop + firstHalf / 10));
      final long postgresDown = System.nanoTime();
      system.stack().restart("postgres");
      final double postgresOutage = Reliability.seconds(postgresDown);

      // and the other half upload, and Neo4j goes away at a quarter of their replay, while
      // PostgreSQL's sink goes on
      sites.subList(half, sites.size()).parallelStream().forEach(EdgeSite::uploadAll);
      await(firstHalf + secondHalf / 4 + " executions in Neo4j").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(100))
          .until(() -> graphExecutions(system) >= firstHalf + secondHalf / 4);
      final long rowsAtNeo4jStop = system.count("SELECT count(*) FROM executions");
      final long graphAtNeo4jStop = graphExecutions(system);
      system.stack().stop("neo4j");
      await("PostgreSQL's sink going on without Neo4j").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> system.count("SELECT count(*) FROM executions") >= Math.min(executions, rowsAtNeo4jStop + secondHalf / 10));
      system.stack().restart("neo4j");

      Reliability.awaitApplied(system, sites);
      final StoreDump state = system.centralState();

      // then
      assertThat(rowsAtPostgresStop).as("executions in PostgreSQL when it stopped").isLessThan(firstHalf);
      assertThat(graphAtNeo4jStop).as("executions in Neo4j when it stopped").isLessThan(executions);
      assertThat(system.deadReplays()).as("replay copies that died").isEmpty();
      Reliability.assertSameAsClean(state, clean);
      Reliability.report("StoreRestartFault", Reliability.seconds(started), 2,
          String.format("PostgreSQL stopped at %,d of %,d executions (Neo4j at %,d) and back after %.0f s; Neo4j stopped at %,d (PostgreSQL at %,d); ",
              rowsAtPostgresStop, executions, graphAtPostgresStop, postgresOutage, graphAtNeo4jStop, rowsAtNeo4jStop)
              + "2 replay copies, none died; dumps equal (" + state.rows().size() + " rows, " + state.graph().size() + " graph lines)");
    }
  }

  private static void awaitRows(final CmfSystem system, final long executions) {
    await(executions + " executions in PostgreSQL").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(100))
        .until(() -> system.count("SELECT count(*) FROM executions") >= executions);
  }

  private static long graphExecutions(final CmfSystem system) {
    try (Driver driver = system.neo4j()) {
      return driver.executableQuery("MATCH (e:Execution) RETURN count(e) AS n").execute().records().get(0).get("n").asLong();
    } catch (RuntimeException e) {
      // Away, or not yet there.
      return 0;
    }
  }
}
