// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.cmfstream.query.store.StoreUnavailable;
import org.cmfstream.query.v1.Views.LineageEdge;
import org.cmfstream.query.v1.Views.LineageNode;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.QueryRunner;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * Lineage from the graph: a breadth-first walk from an artifact or an execution over
 * {@code (:Artifact)-[:INPUT_TO]->(:Execution)-[:PRODUCED]->(:Artifact)}, upstream, downstream or
 * both. Upstream and downstream are two walks, each going only its own way (both directions is
 * their union, not a zig-zag through shared inputs such as an environment every execution reads).
 *
 * <p>One bounded, parameterised query per level takes both walks a step further (never a
 * variable-length path, whose count explodes with fan-in), all in one read transaction with a
 * timeout, the root's lookup included. Each level's new nodes are taken in a fixed order, so the
 * walk is deterministic and a continuation is just an offset into it.
 */
@Singleton
public final class LineageService {

  public enum Direction { UPSTREAM, DOWNSTREAM, BOTH }

  /** The walk's outcome: nodes in walk order from {@code offset}, the edges among them and the nodes before, and whether it was cut short. */
  public record Walk(List<LineageNode> nodes, List<LineageEdge> edges, boolean truncated, boolean timedOut) {}

  /**
   * One level of both walks: a row per edge from a frontier node to a neighbour, with the walk it
   * belongs to ({@code up} or {@code down}), the edge's type and the neighbour's label. The LIMIT
   * bounds a level; ORDER BY makes what a limit cuts the same every time.
   */
  private static final String LEVEL =
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

  private static final String ARTIFACT_ROOT = "MATCH (a:Artifact {uri: $key}) RETURN a.type AS type, head(a.names) AS label";
  private static final String EXECUTION_ROOT = "MATCH (e:Execution {uuid: $key}) RETURN e.stage AS type, e.stage AS label";

  private final Driver driver;

  public LineageService(final Driver driver) {
    this.driver = driver;
  }

  /**
   * Walks from the artifact or execution {@code key} at most {@code depth} edges away, returning at
   * most {@code budget} nodes after skipping the first {@code offset} (the root is node 0); empty
   * when the graph has no such root.
   */
  public Optional<Walk> walk(final String kind, final String key, final Direction direction, final int depth, final int offset, final int budget,
      final Duration timeout) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    return read(tx -> root(tx, kind, key).map(root -> walk(tx, root, direction, depth, offset, budget, deadline)),
        TransactionConfig.builder().withTimeout(timeout).build());
  }

  private static Optional<LineageNode> root(final QueryRunner tx, final String kind, final String key) {
    final List<Record> found = tx.run("artifact".equals(kind) ? ARTIFACT_ROOT : EXECUTION_ROOT, Map.of("key", key)).list();
    return found.stream().findFirst()
        .map(r -> new LineageNode(kind + ":" + key, kind, key, nullable(r.get("type")), nullable(r.get("label")), 0));
  }

  private static Walk walk(final QueryRunner tx, final LineageNode root, final Direction direction, final int depth, final int offset, final int budget,
      final long deadline) {
    final Map<String, LineageNode> visited = new LinkedHashMap<>();
    visited.put(root.id(), root);
    final Map<String, LineageEdge> edges = new LinkedHashMap<>();
    List<LineageNode> up = direction == Direction.DOWNSTREAM ? List.of() : List.of(root);
    List<LineageNode> down = direction == Direction.UPSTREAM ? List.of() : List.of(root);
    final int wanted = offset + budget;
    boolean truncated = false;
    boolean timedOut = false;
    for (int level = 1; level <= depth && (!up.isEmpty() || !down.isEmpty()); level++) {
      if (visited.size() > wanted) {
        truncated = true;
        break;
      }
      if (System.nanoTime() > deadline) {
        truncated = true;
        timedOut = true;
        break;
      }
      // Enough rows for the nodes still wanted, and the edges among them; a level cut by the
      // limit is a truncated walk.
      final int limit = Math.max(64, (wanted - visited.size() + 1) * 8);
      final List<Record> rows;
      try {
        rows = tx.run(LEVEL, Map.of("upArtifacts", keys(up, "artifact"), "upExecutions", keys(up, "execution"), "downArtifacts", keys(down, "artifact"),
            "downExecutions", keys(down, "execution"), "limit", limit)).list();
      } catch (ClientException | TransientException e) {
        if (!timedOut(e)) {
          throw e;
        }
        truncated = true;
        timedOut = true;
        break;
      }
      truncated |= rows.size() >= limit;
      up = discover(rows, "up", level, visited, edges);
      down = discover(rows, "down", level, visited, edges);
    }
    final List<LineageNode> all = new ArrayList<>(visited.values());
    truncated |= all.size() > wanted;
    final List<LineageNode> page = all.subList(Math.min(offset, all.size()), Math.min(wanted, all.size()));
    final Set<String> known = new HashSet<>();
    all.subList(0, Math.min(wanted, all.size())).forEach(n -> known.add(n.id()));
    final List<LineageEdge> shown = edges.values().stream().filter(e -> known.contains(e.from()) && known.contains(e.to())).toList();
    return new Walk(List.copyOf(page), shown, truncated, timedOut);
  }

  private static List<String> keys(final List<LineageNode> frontier, final String kind) {
    return frontier.stream().filter(n -> kind.equals(n.kind())).map(LineageNode::key).toList();
  }

  /** One walk's new nodes of this level, in a fixed order, added to {@code visited}; its edges added to {@code edges}. */
  private static List<LineageNode> discover(
      final List<Record> rows, final String walk, final int level, final Map<String, LineageNode> visited, final Map<String, LineageEdge> edges) {
    final Map<String, LineageNode> discovered = new TreeMap<>();
    for (final Record r : rows) {
      if (!walk.equals(r.get("walk").asString())) {
        continue;
      }
      final String to = r.get("to").asString();
      final String from = r.get("from").asString();
      final String kind = r.get("kind").asString();
      // Edges point the way data flowed: artifact -INPUT_TO-> execution -PRODUCED-> artifact.
      final LineageEdge edge = "down".equals(walk) ? new LineageEdge(from, to, kind) : new LineageEdge(to, from, kind);
      edges.putIfAbsent(edge.from() + '>' + edge.to(), edge);
      if (!visited.containsKey(to)) {
        discovered.putIfAbsent(to, new LineageNode(to, to.substring(0, to.indexOf(':')), r.get("key").asString(), nullable(r.get("type")),
            nullable(r.get("label")), level));
      }
    }
    final List<LineageNode> next = new ArrayList<>(discovered.values());
    next.forEach(n -> visited.put(n.id(), n));
    return next;
  }

  /**
   * One read transaction, without the driver's retries: a lineage request answers now, or 503, and
   * never waits out a retry loop while Neo4j is down.
   */
  private <T> T read(final Function<QueryRunner, T> work, final TransactionConfig config) {
    try (Session session = driver.session(SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build())) {
      final Transaction tx = session.beginTransaction(config);
      try {
        return work.apply(tx);
      } finally {
        // A read has nothing to commit; closing rolls back, and a transaction the server already
        // ended for its timeout has nothing left to close.
        try {
          tx.close();
        } catch (RuntimeException e) {
          // already ended
        }
      }
    } catch (ServiceUnavailableException | SessionExpiredException e) {
      throw new StoreUnavailable("Neo4j", e);
    } catch (TransientException | ClientException e) {
      if (e instanceof ClientException && !timedOut(e)) {
        throw e;
      }
      if (timedOut(e)) {
        throw new StoreUnavailable("Neo4j (the lineage time limit passed before its first answer)", e);
      }
      throw new StoreUnavailable("Neo4j", e);
    }
  }

  private static boolean timedOut(final org.neo4j.driver.exceptions.Neo4jException e) {
    return e.code() != null && e.code().contains("TransactionTimedOut");
  }

  private static String nullable(final Value value) {
    return value == null || value.isNull() ? null : value.asString();
  }
}
