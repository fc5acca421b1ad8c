// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;

/**
 * The replay's baselines: the simplest fast sinks writing the rows the replay wrote, read back
 * from the projection. Batched {@code INSERT}s (1,000 rows a statement batch, sent as multi-row
 * statements, one transaction per batch) into copies of the executions, artifacts and events tables, and batched
 * {@code UNWIND ... MERGE} of the same graph into Neo4j under other labels.
 */
final class RawSinks {

  /** How long each raw sink took for how many rows. */
  record Times(long rows, double postgresSeconds, double neo4jSeconds) {

    double slower() {
      return Math.max(postgresSeconds, neo4jSeconds);
    }
  }

  private RawSinks() {}

  /** Both raw sinks, one after the other, against the stores at {@code jdbc} and {@code bolt}. */
  static Times measure(final String jdbc, final String bolt) throws Exception {
    return measure(jdbc, bolt, () -> {});
  }

  /**
   * As {@link #measure(String, String)}, running {@code done} once both have written and before
   * their connections close: while PostgreSQL's backend of the raw sinks' connection still lives,
   * so a reading of its CPU then cannot miss it (once it ends, its CPU moves to the postmaster's
   * count of ended children, not at once).
   */
  static Times measure(final String jdbc, final String bolt, final Step done) throws Exception {
    // Multi-row INSERTs, as the replay's own PostgreSQL sink sends its batches.
    try (Connection pg = DriverManager.getConnection(jdbc + (jdbc.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true", "postgres", "");
        Driver neo4j = GraphDatabase.driver(bolt, AuthTokens.none());
        Session session = neo4j.session()) {
      final long t0 = System.nanoTime();
      final long rows = postgres(pg);
      final double pgSeconds = (System.nanoTime() - t0) / 1e9;
      final long t1 = System.nanoTime();
      neo4j(pg, session);
      final Times times = new Times(rows, pgSeconds, (System.nanoTime() - t1) / 1e9);
      done.run();
      return times;
    }
  }

  /** The rows of the projection tables the raw sinks copy. */
  static long rows(final String jdbc) throws Exception {
    long rows = 0;
    try (Connection pg = DriverManager.getConnection(jdbc, "postgres", ""); Statement s = pg.createStatement()) {
      for (final String table : List.of("executions", "artifacts", "events")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          rows += rs.getLong(1);
        }
      }
    }
    return rows;
  }

  /** Copies of the projection tables filled from the replay's rows, batched; returns the rows written. */
  static long postgres(final Connection pg) throws Exception {
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
          + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
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

  /**
   * The graph the replay's Neo4j sink builds from the same rows, under other labels, batched
   * {@code UNWIND ... MERGE}: pipelines and stages linked by {@code CONTAINS}, executions run by
   * their stage ({@code RUNS}), artifacts, and the events' edges, each edge with its first-seen time,
   * and the properties the replay sets on each node. Only the replay's bookkeeping (barrier and
   * offset nodes) is left out.
   */
  static void neo4j(final Connection pg, final Session session) throws Exception {
    for (final String constraint : List.of(
        "CREATE CONSTRAINT raw_pipeline IF NOT EXISTS FOR (n:RawPipeline) REQUIRE n.name IS UNIQUE",
        "CREATE CONSTRAINT raw_stage IF NOT EXISTS FOR (n:RawStage) REQUIRE n.name IS UNIQUE",
        "CREATE CONSTRAINT raw_execution IF NOT EXISTS FOR (n:RawExecution) REQUIRE n.uuid IS UNIQUE",
        "CREATE CONSTRAINT raw_artifact IF NOT EXISTS FOR (n:RawArtifact) REQUIRE n.uri IS UNIQUE")) {
      session.run(constraint).consume();
    }
    batches(pg, "SELECT name, pipeline, first_seen FROM stages WHERE pipeline IS NOT NULL",
        rs -> Map.of("s", rs.getString(1), "p", rs.getString(2), "t", rs.getLong(3)),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (s:RawStage {name: r.s}) MERGE (p:RawPipeline {name: r.p}) "
            + "MERGE (p)-[x:RAW_CONTAINS]->(s) ON CREATE SET x.firstSeen = r.t", Map.of("rows", rows)).consume()));
    batches(pg, "SELECT uuid, stage, type, pipeline, first_seen FROM executions WHERE stage IS NOT NULL",
        rs -> Map.of("uuid", rs.getString(1), "stage", rs.getString(2), "type", text(rs, 3), "pipeline", text(rs, 4), "t", rs.getLong(5)),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (e:RawExecution {uuid: r.uuid}) SET e.stage = r.stage, e.type = r.type, "
            + "e.pipeline = r.pipeline MERGE (s:RawStage {name: r.stage}) MERGE (s)-[x:RAW_RUNS]->(e) ON CREATE SET x.firstSeen = r.t",
            Map.of("rows", rows)).consume()));
    batches(pg, "SELECT uri, type, names FROM artifacts", rs -> Map.of("uri", rs.getString(1), "type", text(rs, 2), "names", List.of((String[]) rs.getArray(3).getArray())),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (a:RawArtifact {uri: r.uri}) SET a.type = r.type, a.names = r.names",
            Map.of("rows", rows)).consume()));
    batches(pg, "SELECT execution_uuid, artifact_uri, direction, first_seen FROM events",
        rs -> Map.of("e", rs.getString(1), "a", rs.getString(2), "d", rs.getString(3), "t", rs.getLong(4)),
        rows -> session.executeWrite(tx -> tx.run("UNWIND $rows AS r MERGE (e:RawExecution {uuid: r.e}) MERGE (a:RawArtifact {uri: r.a}) "
            + "FOREACH (_ IN CASE WHEN r.d = 'INPUT' THEN [1] ELSE [] END | MERGE (a)-[x:RAW_INPUT_TO]->(e) ON CREATE SET x.firstSeen = r.t) "
            + "FOREACH (_ IN CASE WHEN r.d <> 'INPUT' THEN [1] ELSE [] END | MERGE (e)-[x:RAW_PRODUCED]->(a) ON CREATE SET x.firstSeen = r.t)",
            Map.of("rows", rows)).consume()));
  }

  /** A text column's value, empty where it is null (a map of rows holds no nulls). */
  private static String text(final ResultSet rs, final int column) throws SQLException {
    final String value = rs.getString(column);
    return value == null ? "" : value;
  }

  /** What to run at a point of {@link #measure(String, String, Step)}. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
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
}
