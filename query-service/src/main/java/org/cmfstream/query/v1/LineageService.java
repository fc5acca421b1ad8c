// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * Lineage from the graph: the artifacts and executions within {@code depth} edges of a root over
 * {@code (:Artifact)-[:INPUT_TO]->(:Execution)-[:PRODUCED]->(:Artifact)}, upstream, downstream or
 * both. Upstream and downstream are two walks, each going only its own way (both directions is
 * their union, not a zig-zag through shared inputs such as an environment every execution reads).
 *
 * <p>The answer is one fixed order, so a continuation is just an offset into it: by distance from
 * the root (each node once, at its shortest distance), upstream before downstream at the same
 * distance, then by id. The edges of a page are those among the nodes up to the page's end that
 * touch the page, so a client that joins the pages has every edge once.
 *
 * <p>Usually one query finds it all, in one round trip: Neo4j's {@code ANY SHORTEST} path search
 * walks breadth-first on the server and reaches each node once (a variable-length match instead
 * counts paths, which explode with fan-in), and the same query fetches the edges among the nodes.
 * That query stops after {@link Bounds#onePassRows()} nodes; a lineage wider than that (an
 * environment every execution reads, say) is walked a level at a time instead, each level one
 * query cut at the node budget, in the same order, then its edges, all in one read transaction.
 * Each has the time left as its timeout; a walk the limit cuts answers the nodes it found, with
 * their edges, and says {@code truncated}.
 */
@Singleton
public final class LineageService {

  public enum Direction { UPSTREAM, DOWNSTREAM, BOTH }

  /** Beyond any configured depth cap: the depth is written into the query's text, so it is checked here too. */
  static final int MAX_DEPTH = 100;

  /**
   * How far, how wide and how long one walk may go, and which part of it to answer.
   *
   * @param depth at most this many edges from the root
   * @param offset the nodes to skip, in walk order (the root is node 0)
   * @param budget at most this many nodes to answer
   * @param timeLimit how long the walk may take
   * @param onePassRows how many nodes the one-query walk may find before the level walk takes over
   */
  public record Bounds(int depth, int offset, int budget, Duration timeLimit, int onePassRows) {

    public Bounds {
      if (depth < 1 || depth > MAX_DEPTH || offset < 0 || budget < 1 || onePassRows < 1 || timeLimit.isNegative()) {
        throw new IllegalArgumentException("lineage bounds out of range: " + depth + ", " + offset + ", " + budget + ", " + timeLimit + ", " + onePassRows);
      }
    }

    /** The nodes up to the end of the page; a cursor's offset never comes near the int range, but a bad one must not wrap. */
    int wanted() {
      return (int) Math.min(Integer.MAX_VALUE - 1L, (long) offset + budget);
    }
  }

  /** The walk's outcome: nodes in walk order from {@code offset}, the edges that touch them, and whether it was cut short. */
  public record Walk(List<LineageNode> nodes, List<LineageEdge> edges, boolean truncated, boolean timedOut) {}

  /** One row per node: its kind, key, type, label; from a node {@code n}. */
  private static final String PROJECT =
      "WITH %s n, CASE WHEN n:Artifact THEN 'artifact' ELSE 'execution' END AS kind "
          + "WITH %s kind, CASE kind WHEN 'artifact' THEN n.uri ELSE n.uuid END AS key, CASE kind WHEN 'artifact' THEN n.type ELSE n.stage END AS type, "
          + "CASE kind WHEN 'artifact' THEN head(n.names) ELSE n.stage END AS label ";

  private static final String ARTIFACT_ROOT = "MATCH (root:Artifact {uri: $key}) ";
  private static final String EXECUTION_ROOT = "MATCH (root:Execution {uuid: $key}) ";

  /**
   * The walks' nodes and, for a walk that did not reach {@code $scan}, the edges of the executions
   * among the first {@code $wanted} of them: the whole answer in one round trip. Which of those
   * edges also end at one of those nodes is decided by the caller, in a hash set: a Cypher {@code
   * IN} over a list of up to 5,000 nodes would scan it once per edge. {@code rank} is distance × 4, plus
   * 1 upstream or 2 downstream, so one sort gives the walk order; a node both ways (only in a
   * cycle) keeps its smallest. The {@code LIMIT $scan} before the sort bounds the search; {@code
   * scanned} tells whether it was reached. The edges are reached from their executions, as in
   * {@link #EDGES}, and for the same reason. The depth is a number written in by this class (a
   * path quantifier takes no parameter).
   */
  private static final String UP_NODES = "UNION ALL WITH root MATCH p = ANY SHORTEST (root)<-[:INPUT_TO|PRODUCED]-{1,%1$d}(n) RETURN n, length(p) * 4 + 1 AS rank ";
  private static final String DOWN_NODES = "UNION ALL WITH root MATCH p = ANY SHORTEST (root)-[:INPUT_TO|PRODUCED]->{1,%1$d}(n) RETURN n, length(p) * 4 + 2 AS rank ";
  private static final String NODES =
      "CALL { WITH root RETURN root AS n, 0 AS rank %s} WITH n, rank LIMIT $scan "
          + "WITH collect([n, rank]) AS found WITH size(found) AS scanned, found UNWIND found AS f WITH scanned, f[0] AS n, min(f[1]) AS rank "
          + PROJECT.formatted("scanned, rank,", "scanned, rank, n,")
          + "WITH scanned, rank, kind, key, type, label, n ORDER BY rank, kind, key LIMIT $limit "
          + "WITH scanned, collect({depth: rank / 4, kind: kind, key: key, type: type, label: label, n: n}) AS rows "
          + "WITH scanned, rows, [r IN rows[0..$wanted] | r.n] AS known "
          + "CALL { WITH scanned, known "
          + "UNWIND CASE WHEN scanned < $scan THEN known ELSE [] END AS e WITH e WHERE e:Execution "
          + "CALL { WITH e MATCH (a:Artifact)-[:INPUT_TO]->(e) RETURN a, true AS input UNION ALL WITH e MATCH (e)-[:PRODUCED]->(a:Artifact) RETURN a, false AS input } "
              + "RETURN collect(CASE WHEN input THEN ['artifact:' + a.uri, 'execution:' + e.uuid, 'INPUT_TO'] "
          + "ELSE ['execution:' + e.uuid, 'artifact:' + a.uri, 'PRODUCED'] END) AS edges } "
          + "RETURN scanned, [r IN rows | r {.depth, .kind, .key, .type, .label}] AS nodes, edges";

  /**
   * One level of the level walk: the new neighbours of the frontiers, each once, in walk order, at
   * most {@code $limit} (one more than the nodes still wanted, so a full answer means a cut walk).
   */
  private static final String LEVEL =
      "CALL { "
          + "MATCH (n:Execution)-[:PRODUCED]->(a:Artifact) WHERE a.uri IN $upArtifacts RETURN n, 1 AS walk "
          + "UNION ALL MATCH (n:Artifact)-[:INPUT_TO]->(e:Execution) WHERE e.uuid IN $upExecutions RETURN n, 1 AS walk "
          + "UNION ALL MATCH (a:Artifact)-[:INPUT_TO]->(n:Execution) WHERE a.uri IN $downArtifacts RETURN n, 2 AS walk "
          + "UNION ALL MATCH (e:Execution)-[:PRODUCED]->(n:Artifact) WHERE e.uuid IN $downExecutions RETURN n, 2 AS walk } "
          + "WITH n, min(walk) AS walk "
          + PROJECT.formatted("walk,", "walk,")
          + "WITH walk, kind, key, type, label WHERE NOT (kind + ':' + key) IN $visited "
          + "RETURN walk, kind, key, type, label ORDER BY walk, kind, key LIMIT $limit";

  /** The root alone, for a walk the time limit cut before its first answer. */
  private static final String ROOT = "WITH root AS n " + PROJECT.formatted("", "") + "RETURN kind, key, type, label";

  /**
   * Every edge among the nodes given, the way data flowed. Each edge is reached from its execution:
   * an execution has the few inputs and outputs it logged, while an artifact such as a site's
   * environment is read by every execution there is, and expanding from it (what the planner chose
   * for a plain pattern) cost 20 ms per lineage on a graph of a million nodes. The expansion sits in
   * a subquery that sees only the execution, so no plan can start it from the artifact side; the
   * artifacts are filtered after it.
   */
  static final String EDGES =
      "MATCH (e:Execution) WHERE e.uuid IN $executions CALL { WITH e MATCH (a:Artifact)-[:INPUT_TO]->(e) RETURN a } WITH e, a WHERE a.uri IN $artifacts "
          + "RETURN 'artifact:' + a.uri AS from, 'execution:' + e.uuid AS to, 'INPUT_TO' AS kind "
          + "UNION ALL MATCH (e:Execution) WHERE e.uuid IN $executions CALL { WITH e MATCH (e)-[:PRODUCED]->(a:Artifact) RETURN a } WITH e, a WHERE a.uri IN $artifacts "
          + "RETURN 'execution:' + e.uuid AS from, 'artifact:' + a.uri AS to, 'PRODUCED' AS kind";

  /**
   * After the time limit, how long the one look-up that completes the answer may take: the root
   * alone or the edges among the nodes found, both index seeks bounded by the node budget.
   */
  private static final Duration FOLLOW_UP = Duration.ofSeconds(1);

  private final Driver driver;

  public LineageService(final Driver driver) {
    this.driver = driver;
  }

  /** The one-pass query (nodes and edges) from a root of {@code kind}; QueryBenchmark's bare Cypher (QueryReads) runs this text, copied. */
  static String onePassQuery(final String kind, final Direction direction, final int depth) {
    final String walks = (direction == Direction.DOWNSTREAM ? "" : UP_NODES.formatted(depth)) + (direction == Direction.UPSTREAM ? "" : DOWN_NODES.formatted(depth));
    return rootMatch(kind) + NODES.formatted(walks);
  }

  /**
   * Walks from the artifact or execution {@code key} within {@code bounds}; empty when the graph
   * has no such root.
   */
  public Optional<Walk> walk(final String kind, final String key, final Direction direction, final Bounds bounds) {
    final long deadline = System.nanoTime() + bounds.timeLimit().toNanos();
    final Found found = new Found();
    try (Session session = driver.session(SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build())) {
      try {
        // Usually the whole answer in one round trip: an auto-commit query has no BEGIN and no
        // ROLLBACK to wait for, and each round trip is one more chance of a scheduling stall.
        if (!onePass(session, kind, key, direction, bounds, found) && found.hasRoot()) {
          // Wider than one pass may go: level by level in one transaction, in the time left.
          inTransaction(session, remaining(deadline), tx -> {
            levels(tx, direction, bounds, deadline, found);
            found.edges = edges(tx, found, bounds);
          });
        }
      } catch (ClientException | TransientException e) {
        if (!timedOut(e)) {
          throw e;
        }
        // The server ended the walk at the time limit: answer what was found, completed by one
        // short look-up in a new transaction (the root, if nothing came back at all).
        found.truncated = true;
        found.timedOut = true;
        inTransaction(session, FOLLOW_UP, tx -> {
          if (!found.hasRoot()) {
            tx.run(rootMatch(kind) + ROOT, Map.of("key", key)).list().forEach(r -> found.add(node(r, 0)));
          }
          if (found.hasRoot()) {
            found.edges = edges(tx, found, bounds);
          }
        });
      }
    } catch (ServiceUnavailableException | SessionExpiredException e) {
      throw new StoreUnavailable("Neo4j", e);
    } catch (TransientException | ClientException e) {
      if (e instanceof ClientException && !timedOut(e)) {
        throw e;
      }
      throw new StoreUnavailable("Neo4j", e);
    }
    if (!found.hasRoot()) {
      return Optional.empty();
    }
    final List<LineageNode> all = found.nodes;
    final boolean truncated = found.truncated || all.size() > bounds.wanted();
    final List<LineageNode> page = all.subList(Math.min(bounds.offset(), all.size()), Math.min(bounds.wanted(), all.size()));
    return Optional.of(new Walk(List.copyOf(page), found.edges, truncated, found.timedOut));
  }

  /**
   * The one-pass query, in an auto-commit transaction with the time limit: true when it found the
   * whole walk (its nodes and edges are then in {@code found}); false when there is no root, or
   * when the walk is wider than one pass may go ({@code found} then holds only the root).
   */
  private static boolean onePass(final Session session, final String kind, final String key, final Direction direction, final Bounds bounds,
      final Found found) {
    final List<Record> rows = session.run(onePassQuery(kind, direction, bounds.depth()),
        Map.of("key", key, "scan", bounds.onePassRows(), "limit", bounds.wanted() + 1, "wanted", bounds.wanted()),
        TransactionConfig.builder().withTimeout(bounds.timeLimit()).build()).list();
    if (rows.isEmpty()) {
      return false;
    }
    final Record row = rows.get(0);
    final List<Value> nodes = row.get("nodes").asList(v -> v);
    if (row.get("scanned").asInt() >= bounds.onePassRows()) {
      // The root is always the first node.
      found.add(node(nodes.get(0), 0));
      return false;
    }
    nodes.forEach(n -> found.add(node(n, n.get("depth").asInt())));
    final List<LineageEdge> edges = row.get("edges").asList(v -> new LineageEdge(v.get(0).asString(), v.get(1).asString(), v.get(2).asString()));
    found.edges = onPage(edges, found, bounds);
    return true;
  }

  /** Time left before {@code deadline}, at least a millisecond (a zero timeout would mean none). */
  private static Duration remaining(final long deadline) {
    return Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
  }

  private static void levels(final QueryRunner tx, final Direction direction, final Bounds bounds, final long deadline, final Found found) {
    final LineageNode root = found.nodes.get(0);
    List<LineageNode> up = direction == Direction.DOWNSTREAM ? List.of() : List.of(root);
    List<LineageNode> down = direction == Direction.UPSTREAM ? List.of() : List.of(root);
    for (int level = 1; level <= bounds.depth() && (!up.isEmpty() || !down.isEmpty()); level++) {
      if (System.nanoTime() - deadline > 0) {
        found.truncated = true;
        found.timedOut = true;
        return;
      }
      final int limit = bounds.wanted() - found.nodes.size() + 1;
      final List<Record> rows = tx.run(LEVEL, Map.of("upArtifacts", keys(up, "artifact"), "upExecutions", keys(up, "execution"),
          "downArtifacts", keys(down, "artifact"), "downExecutions", keys(down, "execution"), "visited", found.ids(), "limit", limit)).list();
      final List<LineageNode> nextUp = new ArrayList<>();
      final List<LineageNode> nextDown = new ArrayList<>();
      for (final Record r : rows) {
        final LineageNode n = node(r, level);
        if (found.add(n)) {
          (r.get("walk").asInt() == 1 ? nextUp : nextDown).add(n);
        }
      }
      if (rows.size() >= limit) {
        // More than the budget: the rest of this level, and what lies beyond it, is for a cursor.
        found.truncated = true;
        return;
      }
      up = nextUp;
      down = nextDown;
    }
  }

  /** The edges among the nodes up to the page's end that touch the page, in a fixed order. */
  private static List<LineageEdge> edges(final QueryRunner tx, final Found found, final Bounds bounds) {
    final List<LineageNode> all = found.nodes;
    final List<LineageNode> known = all.subList(0, Math.min(bounds.wanted(), all.size()));
    if (known.size() < 2 || bounds.offset() >= known.size()) {
      return List.of();
    }
    final List<LineageEdge> edges = new ArrayList<>();
    for (final Record r : tx.run(EDGES, Map.of("artifacts", keys(known, "artifact"), "executions", keys(known, "execution"))).list()) {
      edges.add(new LineageEdge(r.get("from").asString(), r.get("to").asString(), r.get("kind").asString()));
    }
    return onPage(edges, found, bounds);
  }

  /** Of {@code candidates}, the edges among the nodes up to the page's end that touch the page, in a fixed order. */
  private static List<LineageEdge> onPage(final List<LineageEdge> candidates, final Found found, final Bounds bounds) {
    final List<LineageNode> all = found.nodes;
    final int end = Math.min(bounds.wanted(), all.size());
    final Set<String> known = new HashSet<>();
    all.subList(0, end).forEach(n -> known.add(n.id()));
    final Set<String> onPage = new HashSet<>();
    all.subList(Math.min(bounds.offset(), end), end).forEach(n -> onPage.add(n.id()));
    final List<LineageEdge> edges = new ArrayList<>();
    for (final LineageEdge edge : candidates) {
      if (known.contains(edge.from()) && known.contains(edge.to()) && (onPage.contains(edge.from()) || onPage.contains(edge.to()))) {
        edges.add(edge);
      }
    }
    edges.sort(Comparator.comparing(LineageEdge::from).thenComparing(LineageEdge::to));
    return List.copyOf(edges);
  }

  private static String rootMatch(final String kind) {
    return "artifact".equals(kind) ? ARTIFACT_ROOT : EXECUTION_ROOT;
  }

  private static LineageNode node(final Record r, final int depth) {
    return node(r.get("kind"), r.get("key"), r.get("type"), r.get("label"), depth);
  }

  private static LineageNode node(final Value v, final int depth) {
    return node(v.get("kind"), v.get("key"), v.get("type"), v.get("label"), depth);
  }

  private static LineageNode node(final Value kindValue, final Value keyValue, final Value type, final Value label, final int depth) {
    final String kind = kindValue.asString();
    final String key = keyValue.asString();
    return new LineageNode(kind + ":" + key, kind, key, nullable(type), nullable(label), depth);
  }

  private static List<String> keys(final List<LineageNode> nodes, final String kind) {
    return nodes.stream().filter(n -> kind.equals(n.kind())).map(LineageNode::key).toList();
  }

  /** What a walk found so far, kept across the transaction the time limit may end. */
  private static final class Found {

    private final Map<String, LineageNode> byId = new LinkedHashMap<>();
    private final List<LineageNode> nodes = new ArrayList<>();
    private List<LineageEdge> edges = List.of();
    private boolean truncated;
    private boolean timedOut;

    /** Adds a node not seen before, in walk order; the first is the root. */
    boolean add(final LineageNode node) {
      if (byId.putIfAbsent(node.id(), node) != null) {
        return false;
      }
      nodes.add(node);
      return true;
    }

    boolean hasRoot() {
      return !nodes.isEmpty();
    }

    List<String> ids() {
      return List.copyOf(byId.keySet());
    }
  }

  /**
   * One read transaction, without the driver's retries: a lineage request answers now, or 503, and
   * never waits out a retry loop while Neo4j is down.
   */
  private static void inTransaction(final Session session, final Duration timeout, final Consumer<QueryRunner> work) {
    final Transaction tx = session.beginTransaction(TransactionConfig.builder().withTimeout(timeout).build());
    try {
      work.accept(tx);
    } finally {
      // A read has nothing to commit; closing rolls back, and a transaction the server already
      // ended for its timeout has nothing left to close.
      try {
        tx.close();
      } catch (RuntimeException e) {
        // already ended
      }
    }
  }

  private static boolean timedOut(final Neo4jException e) {
    return e.code() != null && e.code().contains("TransactionTimedOut");
  }

  private static String nullable(final Value value) {
    return value == null || value.isNull() ? null : value.asString();
  }
}
