// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.neo4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.EntityKey;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/** {@link GraphWriter} against the real Neo4j: the edges it links and the locks it takes. */
class GraphWriterIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String stage = UniqueNames.of("graph-writer-stage");
  private final String dataset = UniqueNames.of("s3://graph-writer/dataset");
  private Driver driver;

  @BeforeEach
  void connect() {
    driver = GraphDatabase.driver(SharedLocalStack.endpoints().boltUri(), AuthTokens.none());
    try (Session session = driver.session()) {
      GraphWriter.CONSTRAINTS.forEach(constraint -> session.run(constraint).consume());
    }
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldNotHoldAnotherWriterBackOnTheStageAndDatasetTheirExecutionsShare() throws Exception {
    // given: a stage and a dataset that an execution committed before; one writer's transaction,
    // still open, has linked another execution to them
    final String earlier = UniqueNames.of("exec");
    write(execution(earlier, 50L), input(earlier, 50L));
    final String first = UniqueNames.of("exec");
    final String second = UniqueNames.of("exec");
    final CountDownLatch written = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CompletableFuture<Void> open = CompletableFuture.runAsync(() -> {
      try (Session session = driver.session()) {
        session.executeWriteWithoutResult(tx -> {
          GraphWriter.write(tx, List.of(execution(first, 200L), input(first, 200L)));
          written.countDown();
          awaitQuietly(release);
        });
      }
    });
    assertThat(written.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // when: another writer links another execution to the same two nodes
    final CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try (Session session = driver.session()) {
        session.executeWriteWithoutResult(tx -> GraphWriter.write(tx, List.of(execution(second, 100L), input(second, 100L))));
      }
    });

    // then: it commits while the first is still open, and the first commits after it
    try {
      other.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
    open.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(edges()).containsExactlyInAnyOrder("RUNS " + earlier + " 50", "INPUT_TO " + earlier + " 50",
        "RUNS " + first + " 200", "RUNS " + second + " 100", "INPUT_TO " + first + " 200", "INPUT_TO " + second + " 100");
  }

  @Test
  void shouldLinkOnceAndKeepTheEarliestTimeWhateverOrderTheChangesCome() {
    // given: an execution and its input, first seen at 300
    final String exec = UniqueNames.of("exec");
    write(execution(exec, 300L), input(exec, 300L));

    // when: the same changes come again, then later ones, then earlier ones
    write(execution(exec, 300L), input(exec, 300L));
    write(execution(exec, 400L), input(exec, 400L));
    write(execution(exec, 250L), input(exec, 250L));

    // then: one edge each, with the earliest time
    assertThat(edges()).containsExactlyInAnyOrder("RUNS " + exec + " 250", "INPUT_TO " + exec + " 250");
  }

  private void write(final EntityChange... changes) {
    try (Session session = driver.session()) {
      session.executeWriteWithoutResult(tx -> GraphWriter.write(tx, List.of(changes)));
    }
  }

  /** Every edge of the test's stage and dataset: its type, its execution and when it was first seen. */
  private List<String> edges() {
    return driver.executableQuery(
            "MATCH (n)-[x]-(e:Execution) WHERE (n:Stage AND n.name = $stage) OR (n:Artifact AND n.uri = $dataset) "
                + "RETURN type(x) + ' ' + e.uuid + ' ' + x.firstSeen AS edge")
        .withParameters(Map.of("stage", stage, "dataset", dataset)).execute().records().stream().map(r -> r.get("edge").asString()).toList();
  }

  private EntityChange execution(final String uuid, final long firstSeen) {
    return change("execution/" + uuid, "execution", Map.of("stage", List.<Object>of(stage), "type", List.<Object>of("Train")), firstSeen);
  }

  private EntityChange input(final String uuid, final long firstSeen) {
    return change("event/" + uuid + EntityKey.SEPARATOR + dataset + EntityKey.SEPARATOR + "INPUT", "event", Map.of(), firstSeen);
  }

  private static EntityChange change(final String key, final String kind, final Map<String, List<Object>> facts, final long firstSeen) {
    return EntityChange.newBuilder().setKey(key).setKind(kind).setFacts(facts).setProperties(Map.of()).setSets(Map.of())
        .setEarliest(Map.of("firstSeen", firstSeen)).setBarrier(null).build();
  }

  private static void awaitQuietly(final CountDownLatch latch) {
    try {
      latch.await(2 * WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
