// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.neo4j.driver.Session;

/**
 * The reads the query benchmarks time, each over HTTP beside the bare store query it rests on:
 * a filtered executions page (the SQL through JDBC), an artifact by hash with its producers and
 * consumers (the SQL), depth-5 lineage both ways (the service's Cypher through the driver), and
 * the same lineage as a recursive CTE in PostgreSQL. Requests alternate HTTP and bare, so both see
 * the same machine.
 *
 * <p>The keys are sampled from the projection itself, so any loaded state will do: stages with one
 * of their executions' property values, and artifacts from the middle of a chain (produced by one
 * execution and read by another), deterministically for a given state.
 */
final class QueryReads {

  /** One read's latencies in milliseconds; the HTTP figures are NaN for a bare-only row. */
  record Timing(String read, double httpP50, double httpP99, double bareP50, double bareP99) {

    double ratio() {
      return httpP99 / bareP99;
    }
  }

  private static final int SAMPLES = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final URI query;
  private final Connection pg;
  private final Session session;
  private final int requests;
  private final Random random;
  /** pipeline, stage, property name, property value. */
  private final List<String[]> filters;
  private final List<String> artifacts;

  private QueryReads(final URI query, final Connection pg, final Session session, final int requests, final long seed) throws SQLException {
    this.query = query;
    this.pg = pg;
    this.session = session;
    this.requests = requests;
    this.random = new Random(seed);
    // As query-service's connections: every query planned with its values.
    try (Statement statement = pg.createStatement()) {
      statement.execute("SET plan_cache_mode = force_custom_plan");
    }
    this.filters = rows(pg, "SELECT e.pipeline, e.stage, k.key, k.value FROM (SELECT pipeline, stage, custom_properties FROM executions "
        + "WHERE stage IS NOT NULL ORDER BY md5(uuid) LIMIT " + SAMPLES + ") e CROSS JOIN LATERAL jsonb_each_text(e.custom_properties) k "
        + "WHERE jsonb_typeof(e.custom_properties -> k.key) IN ('number', 'string', 'boolean')");
    this.artifacts = rows(pg, "SELECT o.artifact_uri FROM events o WHERE o.direction <> 'INPUT' AND EXISTS (SELECT 1 FROM events i "
        + "WHERE i.artifact_uri = o.artifact_uri AND i.direction = 'INPUT') ORDER BY md5(o.artifact_uri || o.execution_uuid) LIMIT " + SAMPLES)
        .stream().map(r -> r[0]).toList();
    assertThat(filters).as("executions with properties to filter on").isNotEmpty();
    assertThat(artifacts).as("artifacts in the middle of a chain").isNotEmpty();
  }

  /** Samples the keys from the projection {@code pg} holds; {@code query} is query-service's base URL. */
  static QueryReads sample(final URI query, final Connection pg, final Session session, final int requests, final long seed) throws SQLException {
    return new QueryReads(query, pg, session, requests, seed);
  }

  /** Times every read, {@code requests} times each after a warm-up of a tenth as many (at least 100). */
  List<Timing> measureAll() throws Exception {
    final List<Timing> timings = new ArrayList<>();
    timings.add(measure("executions page, filtered", () -> {
      final String[] f = pick(filters);
      return get("/api/v1/executions?pipeline=" + enc(f[0]) + "&stage=" + enc(f[1]) + "&property=" + enc(f[2] + ":" + f[3]) + "&page_size=20");
    }, () -> {
      final String[] f = pick(filters);
      return page(f[0], f[1], f[2], f[3]);
    }));
    timings.add(measure("artifact by hash", () -> get("/api/v1/artifacts/" + pick(artifacts) + "/metadata"), () -> {
      final String uri = pick(artifacts);
      return sql("SELECT a.* FROM artifacts a WHERE a.uri = ?", uri)
          + sql("SELECT ev.* FROM events ev WHERE ev.artifact_uri = ?", uri)
          + sql("SELECT e.* FROM executions e WHERE e.uuid IN (SELECT ev.execution_uuid FROM events ev WHERE ev.artifact_uri = ?)", uri);
    }));
    timings.add(measure("lineage depth 5, both ways", () -> get("/api/v1/lineage/artifacts/" + pick(artifacts) + "?direction=both&depth=5"),
        () -> cypher(pick(artifacts))));
    timings.add(bareOnly("  the same lineage as a recursive CTE", () -> cte(pick(artifacts))));
    return timings;
  }

  /** The table the benchmarks print. */
  static void print(final List<Timing> timings, final int requests) {
    System.out.printf(Locale.ROOT, "%n%d requests each after a warm-up, sequential, times in ms%n", requests);
    System.out.printf(Locale.ROOT, "%-44s %9s %9s %9s %9s %8s%n", "read", "HTTP p50", "HTTP p99", "bare p50", "bare p99", "p99 ratio");
    for (final Timing t : timings) {
      System.out.printf(Locale.ROOT, "%-44s %9s %9s %9.2f %9.2f %8s%n", t.read(), fmt(t.httpP50()), fmt(t.httpP99()), t.bareP50(), t.bareP99(),
          Double.isNaN(t.httpP99()) ? "" : String.format(Locale.ROOT, "%.1fx", t.ratio()));
    }
  }

  // ---- the reads ----

  @FunctionalInterface
  private interface Call {
    int run() throws Exception;
  }

  private <T> T pick(final List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static String enc(final String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private int get(final String path) throws IOException, InterruptedException {
    final HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(query.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body().length;
  }

  /** The page's SQL as query-service runs it: a property value matches as a string, and as the number or boolean it spells. */
  private int page(final String pipeline, final String stage, final String name, final String value) throws Exception {
    final List<Object> parameters = new ArrayList<>(List.of(pipeline, stage));
    parameters.add(JSON.createObjectNode().put(name, value).toString());
    final JsonNode typed = typed(value);
    final boolean scalar = typed != null && (typed.isNumber() || typed.isBoolean());
    if (scalar) {
      parameters.add(JSON.createObjectNode().set(name, typed).toString());
    }
    final String match = "e.custom_properties @> ?::jsonb OR e.properties @> ?::jsonb";
    final List<Object> doubled = new ArrayList<>(parameters.subList(0, 2));
    parameters.subList(2, parameters.size()).forEach(p -> {
      doubled.add(p);
      doubled.add(p);
    });
    return sql("SELECT e.uuid, e.id, e.pipeline, e.stage, e.type, e.name, e.properties, e.custom_properties, e.uuids, e.created, "
        + "e.first_seen, e.updated FROM executions e WHERE e.pipeline = ? AND e.stage = ? AND (" + match + (scalar ? " OR " + match : "")
        + ") ORDER BY e.first_seen DESC, e.uuid LIMIT 21", doubled.toArray());
  }

  private static JsonNode typed(final String value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      // not a number: only the string form can match
      return null;
    }
  }

  private int sql(final String sql, final Object... parameters) throws SQLException {
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

  private static List<String[]> rows(final Connection pg, final String sql) throws SQLException {
    final List<String[]> rows = new ArrayList<>();
    try (PreparedStatement statement = pg.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
      final int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        final String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
          row[i] = rs.getString(i + 1);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * The bare depth-5 lineage: the one query query-service's LineageService runs for this route
   * (its nodes in one {@code ANY SHORTEST} search and the edges among them), with the same text
   * and parameters (the default budget of 500, the one-query limit of 10,000), as an auto-commit
   * query like the route's. Keep it in step with LineageService's onePassQuery.
   */
  private int cypher(final String uri) {
    final org.neo4j.driver.Record walk = session.run(LINEAGE, Map.of("key", uri, "scan", 10_000, "limit", 501, "wanted", 500)).single();
    return walk.get("nodes").size() + walk.get("edges").size();
  }

  private static final String LINEAGE = "MATCH (root:Artifact {uri: $key}) CALL { WITH root RETURN root AS n, 0 AS rank "
      + "UNION ALL WITH root MATCH p = ANY SHORTEST (root)<-[:INPUT_TO|PRODUCED]-{1,5}(n) RETURN n, length(p) * 4 + 1 AS rank "
      + "UNION ALL WITH root MATCH p = ANY SHORTEST (root)-[:INPUT_TO|PRODUCED]->{1,5}(n) RETURN n, length(p) * 4 + 2 AS rank } "
      + "WITH n, rank LIMIT $scan WITH collect([n, rank]) AS found WITH size(found) AS scanned, found UNWIND found AS f "
      + "WITH scanned, f[0] AS n, min(f[1]) AS rank WITH scanned, rank, n, CASE WHEN n:Artifact THEN 'artifact' ELSE 'execution' END AS kind "
      + "WITH scanned, rank, n, kind, CASE kind WHEN 'artifact' THEN n.uri ELSE n.uuid END AS key, CASE kind WHEN 'artifact' THEN n.type ELSE n.stage END AS type, "
      + "CASE kind WHEN 'artifact' THEN head(n.names) ELSE n.stage END AS label "
      + "WITH scanned, rank, kind, key, type, label, n ORDER BY rank, kind, key LIMIT $limit "
      + "WITH scanned, collect({depth: rank / 4, kind: kind, key: key, type: type, label: label, n: n}) AS rows "
      + "WITH scanned, rows, [r IN rows[0..$wanted] | r.n] AS known "
      + "CALL { WITH scanned, known "
      + "UNWIND CASE WHEN scanned < $scan THEN known ELSE [] END AS e WITH e WHERE e:Execution "
      + "CALL { WITH e MATCH (a:Artifact)-[:INPUT_TO]->(e) RETURN a, true AS input UNION ALL WITH e MATCH (e)-[:PRODUCED]->(a:Artifact) RETURN a, false AS input } "
      + "RETURN collect(CASE WHEN input THEN ['artifact:' + a.uri, 'execution:' + e.uuid, 'INPUT_TO'] "
      + "ELSE ['execution:' + e.uuid, 'artifact:' + a.uri, 'PRODUCED'] END) AS edges } "
      + "RETURN scanned, [r IN rows | r {.depth, .kind, .key, .type, .label}] AS nodes, edges";

  /** The same lineage in PostgreSQL: two recursive walks over events, up to 5 edges. */
  private int cte(final String uri) throws SQLException {
    return sql("WITH RECURSIVE up(kind, id, depth) AS ("
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

  private Timing measure(final String name, final Call overHttp, final Call bare) throws Exception {
    for (int i = 0; i < warmup(); i++) {
      assertThat(overHttp.run()).isPositive();
      bare.run();
    }
    final long[] h = new long[requests];
    final long[] b = new long[requests];
    for (int i = 0; i < requests; i++) {
      long t = System.nanoTime();
      overHttp.run();
      h[i] = System.nanoTime() - t;
      t = System.nanoTime();
      bare.run();
      b[i] = System.nanoTime() - t;
    }
    return new Timing(name, percentile(h, 0.50), percentile(h, 0.99), percentile(b, 0.50), percentile(b, 0.99));
  }

  private Timing bareOnly(final String name, final Call bare) throws Exception {
    for (int i = 0; i < warmup(); i++) {
      assertThat(bare.run()).isPositive();
    }
    final long[] b = new long[requests];
    for (int i = 0; i < requests; i++) {
      final long t = System.nanoTime();
      bare.run();
      b[i] = System.nanoTime() - t;
    }
    return new Timing(name, Double.NaN, Double.NaN, percentile(b, 0.50), percentile(b, 0.99));
  }

  private int warmup() {
    return Math.max(100, requests / 10);
  }

  /** The {@code q} quantile of nanosecond samples, in milliseconds. */
  static double percentile(final long[] samples, final double q) {
    final long[] sorted = samples.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))] / 1e6;
  }

  private static String fmt(final double ms) {
    return Double.isNaN(ms) ? "" : String.format(Locale.ROOT, "%.2f", ms);
  }
}
