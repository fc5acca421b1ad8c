// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * Query latency on a large central state (issue #5). Prints numbers; asserts only that the
 * answers are real (non-empty, 200). Run it alone:
 *
 * <pre>./mvnw verify -pl e2e-tests -am -Dit.test=QueryBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dfailsafe.failIfNoSpecifiedTests=false [-Dcmf.bench.runs=125000] [-Dcmf.bench.requests=2000]</pre>
 *
 * <p>It starts cmf-stream as {@code ./cmf-stream up} does and loads a generated state through the
 * real replay path: journal records onto {@code cmf.journal.v1}, replayed into PostgreSQL and Neo4j,
 * each pipeline's upload closed by a barrier whose receipt says when it is applied. Each run of a
 * pipeline is four executions (prepare, featurize, train, evaluate) and four artifacts, in chains
 * with fan-in: featurize also reads the previous run's prepared data, every prepare reads the
 * pipeline's raw data set and the site's environment. The default 125,000 runs make 500,000
 * executions and 500,000 artifacts (plus 2 per pipeline and 1 per site).
 *
 * <p>Then, for each read: the p50 and p99 over HTTP (straight to query-service), and beside it the
 * bare store work the route rests on, timed the same way in the same run: the SQL through JDBC,
 * the depth-5 Cypher traversal through the driver; and the same lineage as a recursive CTE in
 * PostgreSQL. Requests alternate HTTP and bare, so both see the same machine.
 */
class QueryBenchmark {

  @TempDir static Path dataDir;

  private final BenchWorkload workload =
      new BenchWorkload(Integer.getInteger("cmf.bench.runs", 125_000), Integer.getInteger("cmf.bench.pipelines", 100));
  private final int runs = workload.runs;
  private final int pipelines = workload.pipelines;
  private final int requests = Integer.getInteger("cmf.bench.requests", 2_000);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldPrintQueryLatenciesBesideTheirBareStoreQueries() throws Exception {
    try (var cmf = RunningCmfStream.start(dataDir)) {
      final Properties ports = BenchWorkload.ports(dataDir);
      final String bootstrap = "127.0.0.1:" + ports.getProperty("kafka");
      final String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.getProperty("postgres") + "/postgres";
      final String bolt = "bolt://127.0.0.1:" + ports.getProperty("neo4j.bolt");

      final long loadStarted = System.nanoTime();
      final long records = workload.load(bootstrap);
      await("every upload applied in PostgreSQL and Neo4j").atMost(Duration.ofHours(2)).pollInterval(Duration.ofSeconds(2))
          .until(() -> workload.allApplied(cmf));
      final double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
      System.out.printf(Locale.ROOT, "%nloaded %,d journal records (%,d executions, %,d artifacts) through the replay in %.0f s: %,.0f records/s%n",
          records, runs * 4L, runs * 4L + pipelines + BenchWorkload.SITES, loadSeconds, records / loadSeconds);

      final URI query = cmf.urls().get("query");
      final Random random = new Random(7);
      try (Connection pg = DriverManager.getConnection(jdbc, "postgres", "");
          Driver neo4j = GraphDatabase.driver(bolt, AuthTokens.none());
          Session session = neo4j.session()) {
        final List<String[]> rows = new ArrayList<>();
        // 1. A filtered page of executions: a pipeline's stage, one property value.
        rows.add(measure("executions page, filtered", () -> {
          final int p = random.nextInt(pipelines);
          return get(query, "/api/v1/executions?pipeline=" + BenchWorkload.pipeline(p) + "&stage=" + BenchWorkload.pipeline(p) + "/train&property=seed:" + random.nextInt(100)
              + "&page_size=20");
        }, () -> {
          final int p = random.nextInt(pipelines);
          final int seed = random.nextInt(100);
          return sql(pg, "SELECT e.uuid, e.id, e.pipeline, e.stage, e.type, e.name, e.properties, e.custom_properties, e.uuids, e.created, "
              + "e.first_seen, e.updated FROM executions e WHERE e.pipeline = ? AND e.stage = ? AND (e.custom_properties @> ?::jsonb "
              + "OR e.properties @> ?::jsonb OR e.custom_properties @> ?::jsonb OR e.properties @> ?::jsonb) ORDER BY e.first_seen DESC, e.uuid LIMIT 21",
              BenchWorkload.pipeline(p), BenchWorkload.pipeline(p) + "/train", "{\"seed\":\"" + seed + "\"}", "{\"seed\":\"" + seed + "\"}", "{\"seed\":" + seed + "}",
              "{\"seed\":" + seed + "}");
        }));
        // 2. An artifact by its content hash, with its producers and consumers.
        rows.add(measure("artifact by hash", () -> get(query, "/api/v1/artifacts/" + workload.artifact(random, 1) + "/metadata"), () -> {
          final String uri = workload.artifact(random, 1);
          return sql(pg, "SELECT a.* FROM artifacts a WHERE a.uri = ?", uri)
              + sql(pg, "SELECT ev.* FROM events ev WHERE ev.artifact_uri = ?", uri)
              + sql(pg, "SELECT e.* FROM executions e WHERE e.uuid IN (SELECT ev.execution_uuid FROM events ev WHERE ev.artifact_uri = ?)", uri);
        }));
        // 3. Lineage at depth 5, both ways, from a featurized data set in the middle of its chain.
        rows.add(measure("lineage depth 5, both ways", () -> get(query, "/api/v1/lineage/artifacts/" + workload.artifact(random, 1) + "?direction=both&depth=5"),
            () -> cypher(session, workload.artifact(random, 1))));
        rows.add(bareOnly("  the same lineage as a recursive CTE (PostgreSQL)", () -> cte(pg, workload.artifact(random, 1))));
        print(rows);
      }
    }
  }

  // ---- the reads ----

  @FunctionalInterface
  private interface Call {
    int run() throws Exception;
  }

  private int get(final URI base, final String path) throws IOException, InterruptedException {
    final HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body().length;
  }

  private static int sql(final Connection pg, final String sql, final Object... parameters) throws SQLException {
    try (PreparedStatement statement = pg.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      int rows = 0;
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
      return rows;
    }
  }

  /** The bare depth-5 traversal: upstream and downstream, each a variable-length match, at most 500 nodes. */
  private static int cypher(final Session session, final String uri) {
    return session.run("MATCH (a:Artifact {uri: $uri}) CALL { WITH a MATCH (a)<-[:INPUT_TO|PRODUCED*1..5]-(n) RETURN n "
        + "UNION WITH a MATCH (a)-[:INPUT_TO|PRODUCED*1..5]->(n) RETURN n } RETURN count(DISTINCT n) AS nodes", Map.of("uri", uri))
        .single().get("nodes").asInt();
  }

  /** The same lineage in PostgreSQL: two recursive walks over events, up to 5 edges. */
  private static int cte(final Connection pg, final String uri) throws SQLException {
    return sql(pg, "WITH RECURSIVE up(kind, id, depth) AS ("
        + " SELECT 'a'::text, ?::text, 0 UNION"
        + " SELECT n.kind, n.id, u.depth + 1 FROM up u CROSS JOIN LATERAL ("
        + "   SELECT 'e'::text AS kind, ev.execution_uuid AS id FROM events ev WHERE u.kind = 'a' AND ev.artifact_uri = u.id AND ev.direction <> 'INPUT'"
        + "   UNION ALL SELECT 'a'::text, ev.artifact_uri FROM events ev WHERE u.kind = 'e' AND ev.execution_uuid = u.id AND ev.direction = 'INPUT') n"
        + " WHERE u.depth < 5),"
        + " down(kind, id, depth) AS ("
        + " SELECT 'a'::text, ?::text, 0 UNION"
        + " SELECT n.kind, n.id, d.depth + 1 FROM down d CROSS JOIN LATERAL ("
        + "   SELECT 'e'::text AS kind, ev.execution_uuid AS id FROM events ev WHERE d.kind = 'a' AND ev.artifact_uri = d.id AND ev.direction = 'INPUT'"
        + "   UNION ALL SELECT 'a'::text, ev.artifact_uri FROM events ev WHERE d.kind = 'e' AND ev.execution_uuid = d.id AND ev.direction <> 'INPUT') n"
        + " WHERE d.depth < 5)"
        + " SELECT DISTINCT kind, id FROM (SELECT kind, id FROM up UNION ALL SELECT kind, id FROM down) x LIMIT 500", uri, uri);
  }

  private String[] measure(final String name, final Call http, final Call bare) throws Exception {
    final int warmup = Math.max(100, requests / 10);
    for (int i = 0; i < warmup; i++) {
      assertThat(http.run()).isPositive();
      bare.run();
    }
    final long[] h = new long[requests];
    final long[] b = new long[requests];
    // Interleaved, so that both see the same machine.
    for (int i = 0; i < requests; i++) {
      long t = System.nanoTime();
      http.run();
      h[i] = System.nanoTime() - t;
      t = System.nanoTime();
      bare.run();
      b[i] = System.nanoTime() - t;
    }
    Arrays.sort(h);
    Arrays.sort(b);
    final double h50 = ms(h, 0.50);
    final double h99 = ms(h, 0.99);
    final double b50 = ms(b, 0.50);
    final double b99 = ms(b, 0.99);
    return new String[] {name, fmt(h50), fmt(h99), fmt(b50), fmt(b99), String.format(Locale.ROOT, "%.1fx", h99 / b99)};
  }

  private String[] bareOnly(final String name, final Call bare) throws Exception {
    for (int i = 0; i < Math.max(100, requests / 10); i++) {
      assertThat(bare.run()).isPositive();
    }
    final long[] b = new long[requests];
    for (int i = 0; i < requests; i++) {
      final long t = System.nanoTime();
      bare.run();
      b[i] = System.nanoTime() - t;
    }
    Arrays.sort(b);
    return new String[] {name, "", "", fmt(ms(b, 0.50)), fmt(ms(b, 0.99)), ""};
  }

  private static double ms(final long[] sorted, final double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static String fmt(final double ms) {
    return String.format(Locale.ROOT, "%.2f", ms);
  }

  private void print(final List<String[]> rows) {
    System.out.printf(Locale.ROOT, "%n%d requests each after a warm-up, sequential, times in ms%n", requests);
    System.out.printf(Locale.ROOT, "%-44s %9s %9s %9s %9s %8s%n", "read", "HTTP p50", "HTTP p99", "bare p50", "bare p99", "p99 ratio");
    for (final String[] r : rows) {
      System.out.printf(Locale.ROOT, "%-44s %9s %9s %9s %9s %8s%n", (Object[]) r);
    }
  }
}
