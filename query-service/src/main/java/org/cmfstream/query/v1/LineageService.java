// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.cmfstream.query.store.StoreUnavailable;
import org.cmfstream.query.v1.Views.LineageEdge;
import org.cmfstream.query.v1.Views.LineageNode;
import java.util.function.Function;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.QueryRunner;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * Lineage from the graph: a breadth-first walk from an artifact or an execution over
 * {@code (:Artifact)-[:INPUT_TO]->(:Execution)-[:PRODUCED]->(:Artifact)}, upstream, downstream or
 * both. One bounded, parameterised query per level (never a variable-length path, whose count
 * explodes with fan-in), all in one read transaction with a timeout. Each level's new nodes are
 * taken in a fixed order, so the walk is deterministic and a continuation is just an offset into it.
 */
@Singleton
public final class LineageService {

  public enum Direction { UPSTREAM, DOWNSTREAM, BOTH }

  /** The walk's outcome: nodes in walk order from {@code offset}, the edges among every node walked, and whether it was cut short. */
  public record Walk(List<LineageNode> nodes, List<LineageEdge> edges, boolean truncated, boolean timedOut) {}

  // Each query takes the frontier's artifacts and executions and returns one row per edge to a
  // neighbour: from, to, kind (edge type), and the neighbour's label info. LIMIT bounds a level.
  private static final String DOWN =
      "CALL { MATCH (a:Artifact)-[:INPUT_TO]->(e:Execution) WHERE a.uri IN $artifacts "
          + "RETURN 'artifact:' + a.uri AS from, 'execution:' + e.uuid AS to, 'INPUT_TO' AS kind, e.stage AS type, e.uuid AS key, e.stage AS label "
          + "UNION ALL MATCH (e:Execution)-[:PRODUCED]->(a:Artifact) WHERE e.uuid IN $executions "
          + "RETURN 'execution:' + e.uuid AS from, 'artifact:' + a.uri AS to, 'PRODUCED' AS kind, a.type AS type, a.uri AS key, head(a.names) AS label } "
          + "RETURN from, to, kind, type, key, label ORDER BY to, from LIMIT $limit";
  private static final String UP =
      "CALL { MATCH (e:Execution)-[:PRODUCED]->(a:Artifact) WHERE a.uri IN $artifacts "
          + "RETURN 'artifact:' + a.uri AS from, 'execution:' + e.uuid AS to, 'PRODUCED' AS kind, e.stage AS type, e.uuid AS key, e.stage AS label "
          + "UNION ALL MATCH (a:Artifact)-[:INPUT_TO]->(e:Execution) WHERE e.uuid IN $executions "
          + "RETURN 'execution:' + e.uuid AS from, 'artifact:' + a.uri AS to, 'INPUT_TO' AS kind, a.type AS type, a.uri AS key, head(a.names) AS label } "
          + "RETURN from, to, kind, type, key, label ORDER BY to, from LIMIT $limit";
  private static final String ROOT =
      "OPTIONAL MATCH (a:Artifact {uri: $key}) WITH a OPTIONAL MATCH (e:Execution {uuid: $key}) "
          + "RETURN a IS NOT NULL AS isArtifact, a.type AS artifactType, head(a.names) AS artifactName, e IS NOT NULL AS isExecution, e.stage AS stage";

  private final Driver driver;

  public LineageService(final Driver driver) {
    this.driver = driver;
  }

  /** The root node, if the graph has it. */
  public Optional<LineageNode> root(final String kind, final String key) {
    final Record r = read(tx -> tx.run(ROOT, Map.of("key", key)).single(), TransactionConfig.empty());
    if ("artifact".equals(kind) && r.get("isArtifact").asBoolean()) {
      return Optional.of(new LineageNode("artifact:" + key, "artifact", key, nullable(r.get("artifactType")), nullable(r.get("artifactName")), 0));
    }
    if ("execution".equals(kind) && r.get("isExecution").asBoolean()) {
      return Optional.of(new LineageNode("execution:" + key, "execution", key, nullable(r.get("stage")), nullable(r.get("stage")), 0));
    }
    return Optional.empty();
  }

  /**
   * Walks from {@code root} at most {@code depth} edges away, returning at most {@code budget}
   * nodes after skipping the first {@code offset} (the root is node 0).
   */
  public Walk walk(final LineageNode root, final Direction direction, final int depth, final int offset, final int budget, final Duration timeout) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    final Map<String, LineageNode> visited = new LinkedHashMap<>();
    visited.put(root.id(), root);
    final Map<String, LineageEdge> edges = new LinkedHashMap<>();
    List<LineageNode> frontier = List.of(root);
    final int wanted = offset + budget;
    boolean truncated = false;
    boolean timedOut = false;
    for (int level = 1; level <= depth && !frontier.isEmpty(); level++) {
      if (visited.size() > wanted) {
        truncated = true;
        break;
      }
      if (System.nanoTime() > deadline) {
        truncated = true;
        timedOut = true;
        break;
      }
      final List<String> artifacts = new ArrayList<>();
      final List<String> executions = new ArrayList<>();
      frontier.forEach(n -> ("artifact".equals(n.kind()) ? artifacts : executions).add(n.key()));
      // Enough rows for the nodes still wanted, and the edges among them; a level cut by the
      // limit is a truncated walk.
      final int limit = Math.max(64, (wanted - visited.size() + 1) * 8);
      final List<Record> rows = new ArrayList<>();
      final Duration left = Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
      try {
        if (direction != Direction.UPSTREAM) {
          final List<Record> down = level(DOWN, artifacts, executions, limit, left);
          truncated |= down.size() >= limit;
          rows.addAll(down);
        }
        if (direction != Direction.DOWNSTREAM) {
          final List<Record> up = level(UP, artifacts, executions, limit, left);
          truncated |= up.size() >= limit;
          rows.addAll(up);
        }
      } catch (LevelTimedOut e) {
        truncated = true;
        timedOut = true;
        break;
      }
      final Map<String, LineageNode> discovered = new TreeMap<>();
      for (final Record r : rows) {
        final String to = r.get("to").asString();
        final String from = r.get("from").asString();
        final boolean downstreamEdge = "artifact".equals(kindOf(from)) == "INPUT_TO".equals(r.get("kind").asString());
        // Edges point the way data flowed: artifact -INPUT_TO-> execution -PRODUCED-> artifact.
        final LineageEdge edge = downstreamEdge ? new LineageEdge(from, to, r.get("kind").asString()) : new LineageEdge(to, from, r.get("kind").asString());
        edges.putIfAbsent(edge.from() + '>' + edge.to(), edge);
        if (!visited.containsKey(to)) {
          discovered.putIfAbsent(to, new LineageNode(to, kindOf(to), r.get("key").asString(), nullable(r.get("type")), nullable(r.get("label")), level));
        }
      }
      final List<LineageNode> next = new ArrayList<>(discovered.values());
      next.sort(Comparator.comparing(LineageNode::id));
      next.forEach(n -> visited.put(n.id(), n));
      frontier = next;
    }
    final List<LineageNode> all = new ArrayList<>(visited.values());
    if (all.size() > wanted) {
      truncated = true;
    }
    final List<LineageNode> page = all.subList(Math.min(offset, all.size()), Math.min(wanted, all.size()));
    final Map<String, Boolean> known = new HashMap<>();
    all.subList(0, Math.min(wanted, all.size())).forEach(n -> known.put(n.id(), true));
    final List<LineageEdge> shown = edges.values().stream().filter(e -> known.containsKey(e.from()) && known.containsKey(e.to())).toList();
    return new Walk(List.copyOf(page), shown, truncated, timedOut);
  }

  private List<Record> level(final String cypher, final List<String> artifacts, final List<String> executions, final int limit, final Duration timeout) {
    try {
      return read(tx -> tx.run(cypher, Map.of("artifacts", artifacts, "executions", executions, "limit", limit)).list(),
          TransactionConfig.builder().withTimeout(timeout).build());
    } catch (ClientException e) {
      if (e.code() != null && e.code().contains("TransactionTimedOut")) {
        throw new LevelTimedOut();
      }
      throw e;
    }
  }

  /**
   * One read transaction, without the driver's retries: a lineage request answers now, or 503, and
   * never waits out a retry loop while Neo4j is down.
   */
  private <T> T read(final Function<QueryRunner, T> work, final TransactionConfig config) {
    try (Session session = driver.session(SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build());
        Transaction tx = session.beginTransaction(config)) {
      final T result = work.apply(tx);
      tx.commit();
      return result;
    } catch (ServiceUnavailableException | SessionExpiredException e) {
      throw new StoreUnavailable("Neo4j", e);
    } catch (TransientException e) {
      if (e.code() != null && e.code().contains("TransactionTimedOut")) {
        throw new LevelTimedOut();
      }
      throw new StoreUnavailable("Neo4j", e);
    }
  }

  private static String kindOf(final String id) {
    return id.substring(0, id.indexOf(':'));
  }

  private static String nullable(final Value value) {
    return value == null || value.isNull() ? null : value.asString();
  }

  private static final class LevelTimedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }
}
