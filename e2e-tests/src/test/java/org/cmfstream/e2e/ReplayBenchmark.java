// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * Replay throughput and freshness (issue #4). Prints numbers; asserts only that the work was done.
 * Run it alone:
 *
 * <pre>./mvnw verify -pl e2e-tests -am -Dit.test=ReplayBenchmark -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dfailsafe.failIfNoSpecifiedTests=false [-Dcmf.bench.runs=25000] [-Dcmf.bench.rate=1000] [-Dcmf.bench.seconds=30]</pre>
 *
 * <p><b>Throughput.</b> A generated journal ({@link BenchWorkload}) is written to
 * {@code cmf.journal.v1} and timed until every upload's receipt says APPLIED in both stores. In the
 * same run, the rows the replay wrote are read back and written again by the simplest fast sinks:
 * batched {@code INSERT}s (1,000 rows a statement batch, one transaction per batch) into copies of
 * the tables, and batched {@code UNWIND ... MERGE} of the same nodes and edges into Neo4j under
 * other labels. The replay's time is set beside the slower raw sink's.
 *
 * <p><b>Freshness.</b> A steady load of native uploads through the front door (by default 1,000
 * records/s: ten uploads of 100 records a second), each with one marker artifact; a poller asks
 * query-service for every marker until it answers, and the time from the upload's start to that
 * answer is its push-to-queryable latency.
 */
class ReplayBenchmark {

  @TempDir static Path dataDir;

  private final BenchWorkload workload = new BenchWorkload(Integer.getInteger("cmf.bench.runs", 25_000), Integer.getInteger("cmf.bench.pipelines", 50));
  private final int rate = Integer.getInteger("cmf.bench.rate", 1_000);
  private final int seconds = Integer.getInteger("cmf.bench.seconds", 30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void shouldPrintReplayThroughputBesideRawSinksAndFreshnessUnderLoad() throws Exception {
    try (var cmf = RunningCmfStream.start(dataDir)) {
      final Properties ports = BenchWorkload.ports(dataDir);
      final String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.getProperty("postgres") + "/postgres";
      final String bolt = "bolt://127.0.0.1:" + ports.getProperty("neo4j.bolt");

      // Throughput: journal to both stores.
      final long started = System.nanoTime();
      final long records = workload.load("127.0.0.1:" + ports.getProperty("kafka"));
      await("every upload applied").atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(250)).until(() -> workload.allApplied(cmf));
      final double replaySeconds = (System.nanoTime() - started) / 1e9;

      final double pgSeconds;
      final double neoSeconds;
      final long rows;
      try (Connection pg = DriverManager.getConnection(jdbc, "postgres", "");
          Driver neo4j = GraphDatabase.driver(bolt, AuthTokens.none());
          Session session = neo4j.session()) {
        final long t0 = System.nanoTime();
        rows = rawPostgres(pg);
        pgSeconds = (System.nanoTime() - t0) / 1e9;
        final long t1 = System.nanoTime();
        rawNeo4j(pg, session);
        neoSeconds = (System.nanoTime() - t1) / 1e9;
      }
      final double slower = Math.max(pgSeconds, neoSeconds);
      System.out.printf(Locale.ROOT, "%nreplay: %,d journal records into PostgreSQL and Neo4j (%,d rows) in %.1f s: %,.0f records/s%n",
          records, rows, replaySeconds, records / replaySeconds);
      System.out.printf(Locale.ROOT, "raw PostgreSQL batched INSERT of the same %,d rows: %.1f s; raw Neo4j UNWIND MERGE of the same nodes and edges: %.1f s%n",
          rows, pgSeconds, neoSeconds);
      System.out.printf(Locale.ROOT, "replay at %.0f%% of the slower raw sink's speed (both stores, merge and exactly-once included)%n",
          100 * slower / replaySeconds);

      // Freshness: push to queryable under a steady load.
      final double[] latencies = freshness(cmf);
      System.out.printf(Locale.ROOT, "freshness at %,d records/s for %d s (%,d uploads): push-to-queryable p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          rate, seconds, latencies.length, percentile(latencies, 0.50), percentile(latencies, 0.99), latencies[latencies.length - 1]);
      assertThat(latencies).isNotEmpty();
    }
  }

  /** Copies of the projection tables filled from the replay's rows, batched; returns the rows written. */
  private static long rawPostgres(final Connection pg) throws Exception {
    long rows = 0;
    try (Statement s = pg.createStatement()) {
      for (final String table : List.of("executions", "artifacts", "events")) {
        s.execute("DROP TABLE IF EXISTS raw_" + table);
        s.execute("CREATE TABLE raw_" + table + " (LIKE " + table + " INCLUDING ALL)");
      }
    }
    pg.setAutoCommit(false);
    for (final String table : List.of("executions", "artifacts", "events")) {
      final List<String> columns = new ArrayList<>();
      try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          columns.add(rs.getMetaData().getColumnName(i));
        }
      }
      final List<Object[]> data = new ArrayList<>();
      try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
        while (rs.next()) {
          final Object[] row = new Object[columns.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = rs.getObject(i + 1);
          }
          data.add(row);
        }
      }
      pg.commit();
      final String insert = "INSERT INTO raw_" + table + " (" + String.join(", ", columns) + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
      try (PreparedStatement ps = pg.prepareStatement(insert)) {
        int batched = 0;
        for (final Object[] row : data) {
          for (int i = 0; i < row.length; i++) {
            ps.setObject(i + 1, row[i]);
          }
          ps.addBatch();
          if (++batched == 1_000) {
            ps.executeBatch();
            pg.commit();
            batched = 0;
          }
        }
        ps.executeBatch();
        pg.commit();
      }
      rows += data.size();
    }
    pg.setAutoCommit(true);
    return rows;
  }

  /** The same executions, artifacts and events as nodes and edges under other labels, batched UNWIND MERGE. */
  private static void rawNeo4j(final Connection pg, final Session session) throws Exception {
    session.run("CREATE CONSTRAINT raw_execution IF NOT EXISTS FOR (n:RawExecution) REQUIRE n.uuid IS UNIQUE").consume();
    session.run("CREATE CONSTRAINT raw_artifact IF NOT EXISTS FOR (n:RawArtifact) REQUIRE n.uri IS UNIQUE").consume();
    batches(pg, "SELECT uuid, stage, type FROM executions", rs -> Map.of("uuid", rs.getString(1), "stage", rs.getString(2), "type", rs.getString(3)),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (e:RawExecution {uuid: r.uuid}) SET e.stage = r.stage, e.type = r.type",
            Map.of("rows", rows)).consume()));
    batches(pg, "SELECT uri, type FROM artifacts", rs -> Map.of("uri", rs.getString(1), "type", rs.getString(2) == null ? "" : rs.getString(2)),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (a:RawArtifact {uri: r.uri}) SET a.type = r.type", Map.of("rows", rows)).consume()));
    batches(pg, "SELECT execution_uuid, artifact_uri, direction, first_seen FROM events",
        rs -> Map.of("e", rs.getString(1), "a", rs.getString(2), "d", rs.getString(3), "t", rs.getLong(4)),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (e:RawExecution {uuid: r.e}) MERGE (a:RawArtifact {uri: r.a}) "
            + "FOREACH (_ IN CASE WHEN r.d = 'INPUT' THEN [1] ELSE [] END | MERGE (a)-[x:RAW_INPUT_TO]->(e) ON CREATE SET x.firstSeen = r.t) "
            + "FOREACH (_ IN CASE WHEN r.d <> 'INPUT' THEN [1] ELSE [] END | MERGE (e)-[x:RAW_PRODUCED]->(a) ON CREATE SET x.firstSeen = r.t)",
            Map.of("rows", rows)).consume()));
  }

  @FunctionalInterface
  private interface RowReader {
    Map<String, Object> read(ResultSet rs) throws Exception;
  }

  @FunctionalInterface
  private interface BatchWriter {
    void write(List<Map<String, Object>> rows) throws Exception;
  }

  /** Reads all rows first (not timed apart: the read is small beside the write), then writes them 1,000 at a time. */
  private static void batches(final Connection pg, final String sql, final RowReader reader, final BatchWriter writer) throws Exception {
    final List<Map<String, Object>> all = new ArrayList<>();
    try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        all.add(reader.read(rs));
      }
    }
    for (int i = 0; i < all.size(); i += 1_000) {
      writer.write(all.subList(i, Math.min(all.size(), i + 1_000)));
    }
  }

  /** Steady uploads of 100 records, each with a marker artifact, and the time until query-service knows each marker. */
  private double[] freshness(final RunningCmfStream cmf) throws Exception {
    final URI query = cmf.urls().get("query");
    final int perUpload = 100;
    final int uploadsPerSecond = Math.max(1, rate / perUpload);
    final int total = uploadsPerSecond * seconds;
    final Map<String, Long> pending = new ConcurrentHashMap<>();
    final List<Double> done = java.util.Collections.synchronizedList(new ArrayList<>());
    final ScheduledExecutorService uploader = Executors.newSingleThreadScheduledExecutor();
    final long[] seq = {0};
    final int[] sent = {0};
    uploader.scheduleAtFixedRate(() -> {
      if (sent[0] >= total) {
        return;
      }
      final int n = sent[0]++;
      final String marker = String.format(Locale.ROOT, "f%031x", n);
      final StringBuilder body = new StringBuilder();
      for (int i = 0; i < perUpload - 1; i++) {
        body.append("{\"seq\":").append(++seq[0]).append(",\"kind\":\"property\",\"fact\":{\"entity\":\"EXECUTION\",\"id\":\"fresh-e")
            .append(n % 50).append("\",\"key\":\"tick\",\"value\":").append(seq[0]).append("}}\n");
      }
      body.append("{\"seq\":").append(++seq[0]).append(",\"kind\":\"artifact\",\"fact\":{\"uri\":\"").append(marker)
          .append("\",\"type\":\"Dataset\",\"name\":\"fresh/").append(n).append(".csv\"}}\n");
      final long start = System.nanoTime();
      pending.put(marker, start);
      try {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(cmf.frontDoor("/api/v1/sites/fresh-site/journal"))
            .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          pending.remove(marker);
          System.out.println("upload refused: " + r.statusCode() + " " + r.body());
        }
      } catch (Exception e) {
        pending.remove(marker);
      }
    }, 0, 1_000_000 / uploadsPerSecond, TimeUnit.MICROSECONDS);
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
    while ((sent[0] < total || !pending.isEmpty()) && System.nanoTime() < deadline) {
      for (final Map.Entry<String, Long> p : new HashMap<>(pending).entrySet()) {
        final HttpResponse<Void> r = http.send(HttpRequest.newBuilder(query.resolve("/api/v1/artifacts/" + p.getKey() + "/metadata")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          done.add((System.nanoTime() - p.getValue()) / 1e6);
          pending.remove(p.getKey());
        }
      }
      // Poll every 5 ms: finer than the figures measured, and it leaves the two cores to the system.
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
    }
    uploader.shutdownNow();
    final double[] latencies = done.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(latencies);
    assertThat(pending).as("markers never queryable").isEmpty();
    return latencies;
  }

  private static double percentile(final double[] sorted, final double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
