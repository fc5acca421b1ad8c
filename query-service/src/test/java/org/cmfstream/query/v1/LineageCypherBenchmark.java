// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.cmfstream.query.v1.LineageService.Bounds;
import org.cmfstream.query.v1.LineageService.Direction;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;

/**
 * Issue #5: the lineage Cypher alone, without HTTP, old beside new, on a graph shaped as
 * QueryBenchmark's (pipelines of runs of prepare, featurize, train, evaluate; featurize also reads
 * the previous run's prepared data; every prepare reads its pipeline's raw data and its site's
 * environment). Prints numbers, asserts only that both walks find the same nodes. Run it alone:
 *
 * <pre>./mvnw verify -pl query-service -am -Dit.test=LineageCypherBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dfailsafe.failIfNoSpecifiedTests=false [-Dcmf.bench.runs=20000] [-Dcmf.bench.requests=1000]</pre>
 *
 * <p>Old: the walk before the one-query search, a root look-up then one query per level (its text
 * kept here). New: {@link LineageService} as the route calls it. Both depth 5, both ways, a budget
 * of 500, from artifacts in the middle of a chain.
 */
class LineageCypherBenchmark {

  private static final int PIPELINES = 20;
  private static final int SITES = 6;
  private static final String[] STAGES = {"prepare", "featurize", "train", "evaluate"};
  /** Generous: the first walks on a freshly written graph are slow, and the limit is not what is measured. */
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private static final String OLD_LEVEL =
      "CALL { "
          + "MATCH (e:Execution)-[:PRODUCED]->(a:Artifact) WHERE a.uri IN $upArtifacts "
          + "RETURN 'up' AS walk, 'artifact:' + a.uri AS from, 'execution:' + e.uuid AS to, 'PRODUCED' AS kind, e.stage AS type, e.uuid AS key, e.stage AS label "
          + "UNION ALL MATCH (a:Artifact)-[:INPUT_TO]->(e:Execution) WHERE e.uuid IN $upExecutions "
          + "RETURN 'up' AS walk, 'execution:' + e.uuid AS from, 'artifact:' + a.uri AS to, 'INPUT_TO' AS kind, a.type AS type, a.uri AS key, head(a.names) AS label "
          + "UNION ALL MATCH (a:Artifact)-[:INPUT_TO]->(e:Execution) WHERE a.uri IN $downArtifacts "
          + "RETURN 'down' AS walk, 'artifact:' + a.uri AS from, 'execution:' + e.uuid AS to, 'INPUT_TO' AS kind, e.stage AS type, e.uuid AS key, e.stage AS label "
          + "UNION ALL MATCH (e:Execution)-[:PRODUCED]->(a:Artifact) WHERE e.uuid IN $downExecutions "
          + "RETURN 'down' AS walk, 'execution:' + e.uuid AS from, 'artifact:' + a.uri AS to, 'PRODUCED' AS kind, a.type AS type, a.uri AS key, head(a.names) AS label } "
          + "RETURN walk, from, to, kind, type, key, label ORDER BY walk DESC, to, from LIMIT $limit";
  private static final String OLD_ROOT = "MATCH (a:Artifact {uri: $key}) RETURN a.type AS type, head(a.names) AS label";

  private final int runs = Integer.getInteger("cmf.bench.runs", 20_000);
  private final int requests = Integer.getInteger("cmf.bench.requests", 1_000);
  private final String prefix = UniqueNames.of("bench");

  @Test
  void shouldPrintOldAndNewLineageCypherLatencies() {
    try (Driver driver = GraphDatabase.driver(SharedLocalStack.endpoints().boltUri(), AuthTokens.none())) {
      final long started = System.nanoTime();
      write(driver);
      System.out.printf(Locale.ROOT, "%nwrote %,d executions and %,d artifacts in %.0f s%n", runs * 4L, runs * 4L + PIPELINES + SITES,
          (System.nanoTime() - started) / 1e9);
      final LineageService service = new LineageService(driver);
      final Bounds bounds = new Bounds(5, 0, 500, LIMIT, 10_000);
      final Random random = new Random(7);
      final List<String> roots = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        roots.add(uri(random.nextInt(PIPELINES), 1 + random.nextInt(runs / PIPELINES - 2), random.nextInt(3)));
      }
      // the same nodes both ways, or the comparison means nothing
      for (final String root : roots.subList(0, 50)) {
        assertThat(oldWalk(driver, root)).isEqualTo(service.walk("artifact", root, Direction.BOTH, bounds).orElseThrow().nodes().size());
      }
      final long[] old = new long[requests];
      final long[] now = new long[requests];
      for (int i = -requests / 5; i < requests; i++) {
        final String root = roots.get(random.nextInt(roots.size()));
        long t = System.nanoTime();
        oldWalk(driver, root);
        final long o = System.nanoTime() - t;
        t = System.nanoTime();
        service.walk("artifact", root, Direction.BOTH, bounds).orElseThrow();
        final long n = System.nanoTime() - t;
        if (i >= 0) {
          old[i] = o;
          now[i] = n;
        }
      }
      System.out.printf(Locale.ROOT, "%nlineage depth 5 both ways, %d walks each after a warm-up, alternating, ms%n", requests);
      System.out.printf(Locale.ROOT, "%-48s %8s %8s%n", "walk", "p50", "p99");
      System.out.printf(Locale.ROOT, "%-48s %8.2f %8.2f%n", "old: root + a query per level", percentile(old, 0.5), percentile(old, 0.99));
      System.out.printf(Locale.ROOT, "%-48s %8.2f %8.2f%n", "new: one ANY SHORTEST query, nodes and edges", percentile(now, 0.5), percentile(now, 0.99));
    }
  }

  /** The old walk's queries, as the service ran them; the number of nodes it found. */
  private static int oldWalk(final Driver driver, final String key) {
    try (Session session = driver.session(SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build());
        Transaction tx = session.beginTransaction(TransactionConfig.builder().withTimeout(LIMIT).build())) {
      assertThat(tx.run(OLD_ROOT, Map.of("key", key)).list()).hasSize(1);
      final Set<String> visited = new HashSet<>(List.of("artifact:" + key));
      List<String> up = List.of("artifact:" + key);
      List<String> down = up;
      for (int level = 1; level <= 5 && (!up.isEmpty() || !down.isEmpty()); level++) {
        final int limit = Math.max(64, (500 - visited.size() + 1) * 8);
        final List<Record> rows = tx.run(OLD_LEVEL, Map.of("upArtifacts", keys(up, "artifact:"), "upExecutions", keys(up, "execution:"),
            "downArtifacts", keys(down, "artifact:"), "downExecutions", keys(down, "execution:"), "limit", limit)).list();
        final List<String> nextUp = new ArrayList<>();
        final List<String> nextDown = new ArrayList<>();
        for (final Record r : rows) {
          final String to = r.get("to").asString();
          if (visited.add(to)) {
            ("up".equals(r.get("walk").asString()) ? nextUp : nextDown).add(to);
          }
        }
        up = nextUp;
        down = nextDown;
      }
      return visited.size();
    }
  }

  private static List<String> keys(final List<String> ids, final String kind) {
    return ids.stream().filter(id -> id.startsWith(kind)).map(id -> id.substring(kind.length())).toList();
  }

  private String uri(final int pipeline, final int run, final int stage) {
    return prefix + "-a-" + pipeline + "-" + run + "-" + stage;
  }

  private String uuid(final int pipeline, final int run, final int stage) {
    return prefix + "-e-" + pipeline + "-" + run + "-" + stage;
  }

  /** The graph, a pipeline per transaction, as the sink writes it (nodes, then INPUT_TO and PRODUCED). */
  private void write(final Driver driver) {
    try (Session session = driver.session()) {
      session.run("CREATE CONSTRAINT execution_uuid IF NOT EXISTS FOR (n:Execution) REQUIRE n.uuid IS UNIQUE").consume();
      session.run("CREATE CONSTRAINT artifact_uri IF NOT EXISTS FOR (n:Artifact) REQUIRE n.uri IS UNIQUE").consume();
      final List<Map<String, Object>> envs = new ArrayList<>();
      for (int s = 0; s < SITES; s++) {
        envs.add(Map.of("uri", prefix + "-env-" + s, "type", "Environment"));
      }
      session.run("UNWIND $rows AS r CREATE (:Artifact {uri: r.uri, type: r.type, names: [r.uri]})", Map.of("rows", envs)).consume();
      final int perPipeline = runs / PIPELINES;
      for (int p = 0; p < PIPELINES; p++) {
        final List<Map<String, Object>> artifacts = new ArrayList<>(List.of(Map.of("uri", prefix + "-raw-" + p, "type", "Dataset")));
        final List<Map<String, Object>> executions = new ArrayList<>();
        final List<List<String>> inputs = new ArrayList<>();
        final List<List<String>> outputs = new ArrayList<>();
        for (int run = 0; run < perPipeline; run++) {
          for (int s = 0; s < STAGES.length; s++) {
            executions.add(Map.of("uuid", uuid(p, run, s), "stage", "p" + p + "/" + STAGES[s]));
            artifacts.add(Map.of("uri", uri(p, run, s), "type", s == 2 ? "Model" : s == 3 ? "Metrics" : "Dataset"));
            outputs.add(List.of(uuid(p, run, s), uri(p, run, s)));
            switch (s) {
              case 0 -> {
                inputs.add(List.of(prefix + "-raw-" + p, uuid(p, run, s)));
                inputs.add(List.of(prefix + "-env-" + p % SITES, uuid(p, run, s)));
              }
              case 1 -> {
                inputs.add(List.of(uri(p, run, 0), uuid(p, run, s)));
                if (run > 0) {
                  inputs.add(List.of(uri(p, run - 1, 0), uuid(p, run, s)));
                }
              }
              case 2 -> inputs.add(List.of(uri(p, run, 1), uuid(p, run, s)));
              default -> {
                inputs.add(List.of(uri(p, run, 2), uuid(p, run, s)));
                inputs.add(List.of(uri(p, run, 1), uuid(p, run, s)));
              }
            }
          }
        }
        session.executeWriteWithoutResult(tx -> {
          tx.run("UNWIND $rows AS r CREATE (:Artifact {uri: r.uri, type: r.type, names: [r.uri]})", Map.of("rows", artifacts)).consume();
          tx.run("UNWIND $rows AS r CREATE (:Execution {uuid: r.uuid, stage: r.stage})", Map.of("rows", executions)).consume();
          tx.run("UNWIND $pairs AS pair MATCH (a:Artifact {uri: pair[0]}), (e:Execution {uuid: pair[1]}) CREATE (a)-[:INPUT_TO]->(e)",
              Map.of("pairs", inputs)).consume();
          tx.run("UNWIND $pairs AS pair MATCH (e:Execution {uuid: pair[0]}), (a:Artifact {uri: pair[1]}) CREATE (e)-[:PRODUCED]->(a)",
              Map.of("pairs", outputs)).consume();
        });
      }
    }
  }

  private static double percentile(final long[] samples, final double q) {
    final long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))] / 1e6;
  }
}
