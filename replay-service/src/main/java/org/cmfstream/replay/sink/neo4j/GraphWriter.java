// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.neo4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.EntityKey;
import org.neo4j.driver.TransactionContext;

/**
 * Writes entity changes into the lineage graph (DESIGN.md, "Stores"):
 * {@code (:Pipeline)-[:CONTAINS]->(:Stage)-[:RUNS]->(:Execution)} and
 * {@code (:Artifact)-[:INPUT_TO]->(:Execution)-[:PRODUCED]->(:Artifact)}, every edge with the
 * time it was first seen. Batched, parameterised {@code UNWIND ... MERGE}: applying a change twice
 * gives the same graph, and a node an edge names before its own record arrives is created bare and
 * filled in later.
 */
final class GraphWriter {

  /** The constraints the writes rely on; created once, if missing. */
  static final List<String> CONSTRAINTS =
      List.of(
          "CREATE CONSTRAINT pipeline_name IF NOT EXISTS FOR (n:Pipeline) REQUIRE n.name IS UNIQUE",
          "CREATE CONSTRAINT stage_name IF NOT EXISTS FOR (n:Stage) REQUIRE n.name IS UNIQUE",
          "CREATE CONSTRAINT execution_uuid IF NOT EXISTS FOR (n:Execution) REQUIRE n.uuid IS UNIQUE",
          "CREATE CONSTRAINT artifact_uri IF NOT EXISTS FOR (n:Artifact) REQUIRE n.uri IS UNIQUE",
          "CREATE CONSTRAINT barrier_id IF NOT EXISTS FOR (n:Barrier) REQUIRE n.id IS UNIQUE",
          "CREATE CONSTRAINT sink_offset_id IF NOT EXISTS FOR (n:SinkOffset) REQUIRE n.id IS UNIQUE");

  /** The earlier of edge {@code %1$s}'s {@code firstSeen} and the row's. */
  private static final String EARLIER = "CASE WHEN r.firstSeen < %1$s.firstSeen THEN r.firstSeen ELSE %1$s.firstSeen END";

  /**
   * {@code (%1$s)-[x:%2$s]->(%3$s)}, created if missing, else given the earlier {@code firstSeen},
   * for an edge that one entity alone brings: a stage's {@code CONTAINS}, an execution's {@code
   * RUNS}, an input event's {@code INPUT_TO}. Not a {@code MERGE}, which locks both nodes until the
   * commit before it creates an edge: every batch links new executions to the same few dense nodes
   * (a stage, a shared dataset), so the writers waited on each other's commits (a sixth of their
   * time, ReplayBenchmark run 33). Without that lock no other transaction can create the edge
   * meanwhile, since an entity's changes are applied by one transaction at a time (their
   * partition's offset node is locked first, {@link #storeOffsets}) and a batch holds each entity
   * once. The relationship's own creation still locks what the store needs, at the commit.
   */
  private static final String LINK_ONCE =
      "WITH %1$s, %3$s, r OPTIONAL MATCH (%1$s)-[x:%2$s]->(%3$s) "
          + "FOREACH (_ IN CASE WHEN x IS NULL THEN [1] ELSE [] END | CREATE (%1$s)-[:%2$s {firstSeen: r.firstSeen}]->(%3$s)) "
          + "SET x.firstSeen = " + EARLIER.formatted("x");

  // An edge is linked to every value its entity's fact ever had (a conflict links them all), and
  // keeps the earliest time it was seen: both only grow, so every order of changes ends the same.
  private static final String STAGES =
      "UNWIND $rows AS r MERGE (s:Stage {name: r.name}) WITH s, r UNWIND r.pipelines AS pipeline "
          + "MERGE (p:Pipeline {name: pipeline}) " + LINK_ONCE.formatted("p", "CONTAINS", "s");
  private static final String EXECUTIONS =
      "UNWIND $rows AS r MERGE (e:Execution {uuid: r.uuid}) SET e.type = r.type, e.pipeline = r.pipeline, e.stage = r.stage "
          + "WITH e, r UNWIND r.stages AS stage MERGE (s:Stage {name: stage}) " + LINK_ONCE.formatted("s", "RUNS", "e");
  private static final String INPUTS =
      "UNWIND $rows AS r MERGE (a:Artifact {uri: r.artifact}) MERGE (e:Execution {uuid: r.execution}) " + LINK_ONCE.formatted("a", "INPUT_TO", "e");
  // A MERGE here: an OUTPUT and an INTERNAL_OUTPUT event of the same pair are two entities, perhaps
  // in two partitions, that make one edge; its lock keeps two writers from both creating it.
  private static final String PRODUCED =
      "UNWIND $rows AS r MERGE (e:Execution {uuid: r.execution}) MERGE (a:Artifact {uri: r.artifact}) "
          + "MERGE (e)-[x:PRODUCED]->(a) ON CREATE SET x.firstSeen = r.firstSeen ON MATCH SET x.firstSeen = " + EARLIER.formatted("x");

  private GraphWriter() {}

  static void write(final TransactionContext tx, final List<EntityChange> changes) {
    final Map<String, EntityChange> latest = new LinkedHashMap<>();
    for (final EntityChange change : changes) {
      latest.remove(change.getKey());
      latest.put(change.getKey(), change);
    }
    final Map<String, List<Map<String, Object>>> rows = new HashMap<>();
    for (final EntityChange c : latest.values()) {
      final String id = EntityKey.identity(c.getKey());
      final Map<String, Object> row = new HashMap<>();
      switch (c.getKind()) {
        case "pipeline" -> row.put("name", id);
        case "stage" -> {
          row.put("name", id);
          row.put("pipelines", all(c, "pipeline"));
          row.put("firstSeen", c.getEarliest().get("firstSeen"));
        }
        case "execution" -> {
          row.put("uuid", id);
          row.put("type", fact(c, "type"));
          row.put("stage", fact(c, "stage"));
          row.put("stages", all(c, "stage"));
          row.put("pipeline", fact(c, "pipeline"));
          row.put("firstSeen", c.getEarliest().get("firstSeen"));
        }
        case "artifact" -> {
          row.put("uri", id);
          row.put("type", fact(c, "type"));
          row.put("names", c.getSets().getOrDefault("names", List.of()));
        }
        case "event" -> {
          final List<String> parts = EntityKey.parts(c.getKey());
          final String direction = parts.get(2);
          row.put("execution", parts.get(0));
          row.put("artifact", parts.get(1));
          row.put("firstSeen", c.getEarliest().get("firstSeen"));
          rows.computeIfAbsent("OUTPUT".equals(direction) || "INTERNAL_OUTPUT".equals(direction) ? "produced" : "input", k -> new ArrayList<>()).add(row);
          continue;
        }
        case "barrier" -> row.put("id", c.getBarrier().getUpload() + "/" + c.getBarrier().getPartition());
        default -> {
          // metrics and site watermarks are not part of the lineage graph
          continue;
        }
      }
      rows.computeIfAbsent(c.getKind(), k -> new ArrayList<>()).add(row);
    }
    run(tx, rows, "pipeline", "UNWIND $rows AS r MERGE (:Pipeline {name: r.name})");
    run(tx, rows, "stage", STAGES);
    run(tx, rows, "execution", EXECUTIONS);
    run(tx, rows, "artifact", "UNWIND $rows AS r MERGE (a:Artifact {uri: r.uri}) SET a.type = r.type, a.names = r.names");
    run(tx, rows, "input", INPUTS);
    run(tx, rows, "produced", PRODUCED);
    run(tx, rows, "barrier", "UNWIND $rows AS r MERGE (:Barrier {id: r.id})");
  }

  /**
   * Records the next offset of each partition, in the same transaction as the writes, locking the
   * offsets' nodes until it ends; returns the offsets stored before (partition to next offset), for
   * the partitions that had one.
   */
  static Map<Integer, Long> storeOffsets(final TransactionContext tx, final String topic, final Map<Integer, Long> next) {
    final List<Map<String, Object>> rows = new ArrayList<>();
    next.forEach((partition, offset) -> rows.add(Map.of("id", "neo4j/" + topic + "/" + partition, "partition", partition, "offset", offset)));
    final Map<Integer, Long> before = new HashMap<>();
    // The first SET takes the node's write lock, so the offset read after it is the last committed
    // one and no other transaction can store one until this one ends (MERGE alone locks nothing
    // that already exists).
    tx.run("UNWIND $rows AS r MERGE (o:SinkOffset {id: r.id}) SET o.partition = r.partition WITH o, r, o.nextOffset AS before "
            + "SET o.nextOffset = r.offset RETURN r.partition AS partition, before",
        Map.of("rows", rows)).list().forEach(record -> {
          if (!record.get("before").isNull()) {
            before.put(record.get("partition").asInt(), record.get("before").asLong());
          }
        });
    return before;
  }

  private static void run(final TransactionContext tx, final Map<String, List<Map<String, Object>>> rows, final String kind, final String cypher) {
    final List<Map<String, Object>> batch = rows.get(kind);
    if (batch != null && !batch.isEmpty()) {
      tx.run(cypher, Map.of("rows", batch)).consume();
    }
  }

  /** Every value a fact has had (more than one when they conflict), sorted. */
  private static List<Object> all(final EntityChange c, final String field) {
    final List<Object> values = new ArrayList<>(c.getFacts().getOrDefault(field, List.of()));
    values.sort(java.util.Comparator.comparing(String::valueOf));
    return values;
  }

  private static Object fact(final EntityChange c, final String field) {
    final List<Object> values = c.getFacts().get(field);
    return values == null || values.size() != 1 ? null : values.get(0);
  }
}
