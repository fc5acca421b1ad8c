// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/**
 * Both projections as sorted lines of text, for the tests that compare one replay's stores with
 * another's: every row of the projection tables as JSON, and every node of the graph with each of
 * its outgoing edges. The sinks' own offsets are left out: they count Kafka offsets, which differ
 * with every run's aborted transactions.
 *
 * <p>Shared by the replay's integration tests and the fault-injection suite of the end-to-end
 * tests, which compare a run under faults with a clean run of the same workload.
 *
 * @param rows the PostgreSQL rows, {@code <table> <row as JSON>}
 * @param graph the Neo4j nodes and edges
 */
public record StoreDump(List<String> rows, List<String> graph) {

  /** Each projection table and the column that holds its entities' identities. */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("pipelines", "name");
    TABLES.put("stages", "name");
    TABLES.put("executions", "uuid");
    TABLES.put("artifacts", "uri");
    TABLES.put("events", "execution_uuid");
    TABLES.put("metrics", "execution_uuid");
    TABLES.put("conflicts", "split_part(entity_key, '/', 2)");
    TABLES.put("site_watermarks", "site");
    TABLES.put("barriers", "upload");
  }

  /**
   * What depends on who uploaded the facts, in which uploads: the barriers carry each upload's id
   * and counts (a repeated upload counts duplicates), the watermarks each site's name.
   */
  private static final Set<String> PER_UPLOAD_TABLES = Set.of("site_watermarks", "barriers");

  /**
   * The whole stores, or only the entities whose identity starts with {@code prefix}.
   *
   * @param withoutIds leave out the integer ids, which are derived from identities (so that two
   *     runs under different prefixes can be compared)
   * @param text applied to every line, e.g. to take a prefix out
   */
  public static StoreDump of(final Connection db, final Driver driver, final String prefix, final boolean withoutIds, final UnaryOperator<String> text)
      throws SQLException {
    return of(db, driver, prefix, withoutIds, text, true);
  }

  /**
   * The central state alone: every entity, event, metric and conflict in both stores, without the
   * barriers and site watermarks, which tell how and by whom it was uploaded, and without the
   * time each change arrived. The same facts uploaded once, twice, by two sites or over a cut link
   * give the same central state.
   */
  public static StoreDump centralState(final Connection db, final Driver driver) throws SQLException {
    return of(db, driver, null, false, line -> line, false);
  }

  private static StoreDump of(
      final Connection db, final Driver driver, final String prefix, final boolean withoutIds, final UnaryOperator<String> text, final boolean perUpload)
      throws SQLException {
    final List<String> rows = new ArrayList<>();
    for (final Map.Entry<String, String> table : TABLES.entrySet()) {
      if (!perUpload && PER_UPLOAD_TABLES.contains(table.getKey())) {
        continue;
      }
      // Never synced (V004): when a change arrived here, the Kafka timestamp of its upload, which
      // differs between two runs of the same journal by design (a rebuild from one topic keeps it).
      final String json = withoutIds && perUpload ? "(row_to_json(t)::jsonb - 'id' - 'synced')::text" : "(row_to_json(t)::jsonb - 'synced')::text";
      final String where = prefix == null ? "" : " WHERE " + table.getValue() + " LIKE ?";
      try (PreparedStatement s = db.prepareStatement("SELECT " + json + " FROM " + table.getKey() + " t" + where)) {
        if (prefix != null) {
          s.setString(1, prefix + "%");
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            rows.add(text.apply(table.getKey() + " " + rs.getString(1)));
          }
        }
      }
    }
    rows.sort(String::compareTo);
    final List<String> graph = new ArrayList<>();
    final Map<String, Object> parameters = new TreeMap<>();
    parameters.put("p", prefix == null ? "" : prefix);
    parameters.put("barriers", perUpload);
    for (final Record r : driver.executableQuery(
            "MATCH (n) WHERE NOT n:SinkOffset AND ($barriers OR NOT n:Barrier) AND ($p = '' OR coalesce(n.uri, n.uuid, n.name, '') STARTS WITH $p) OPTIONAL MATCH (n)-[x]->(m) "
                + "RETURN labels(n) AS l, properties(n) AS n, type(x) AS t, properties(x) AS x, properties(m) AS m")
        .withParameters(parameters).execute().records()) {
      graph.add(text.apply(r.get("l").asList() + " " + new TreeMap<>(r.get("n").asMap()) + " " + (r.get("t").isNull() ? "" : r.get("t").asString() + " "
          + new TreeMap<>(r.get("x").asMap()) + " " + new TreeMap<>(r.get("m").asMap()))));
    }
    graph.sort(String::compareTo);
    return new StoreDump(rows, graph);
  }

  /** Whether both stores hold nothing (of the prefix asked for). */
  public boolean isEmpty() {
    return rows.isEmpty() && graph.isEmpty();
  }
}
