// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Locale;
import java.util.Optional;
import org.cmfstream.query.v1.LineageService.Bounds;
import org.cmfstream.query.v1.LineageService.Direction;
import org.cmfstream.query.v1.LineageService.Walk;
import org.cmfstream.query.v1.Views.Lineage;
import org.cmfstream.query.web.InvalidParameter;
import org.cmfstream.query.web.Responses;

/**
 * v1 lineage of an artifact or an execution, from Neo4j: {@code direction}, {@code depth} (default
 * and cap configured), a node budget ({@code max_nodes}), {@code truncated} when the budget or the
 * time limit cut the walk short, and a {@code cursor} that continues it.
 */
@Controller("/api/v1/lineage")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "v1")
final class LineageController {

  /**
   * How many of the largest pages a cursor may skip. A page at offset {@code o} walks {@code o}
   * nodes more than its budget, so an offset a client can forge must be capped as the budget is:
   * a cursor up to {@code Integer.MAX_VALUE} let one request walk, hold and send to Neo4j as the
   * visited list every node within its depth.
   */
  static final int CURSOR_PAGES = 20;

  private final LineageService lineage;
  private final QuerySettings settings;

  LineageController(final LineageService lineage, final QuerySettings settings) {
    this.lineage = lineage;
    this.settings = settings;
  }

  @Operation(summary = "lineage of an artifact, by content hash")
  @Get("/artifacts/{hash}")
  HttpResponse<?> artifact(
      @PathVariable final String hash,
      @Nullable @Parameter(description = "upstream, downstream or both (default)") @QueryValue final String direction,
      @Nullable @QueryValue final Integer depth,
      @Nullable @QueryValue("max_nodes") final Integer maxNodes,
      @Nullable @QueryValue final String cursor) {
    return walk("artifact", hash, direction, depth, maxNodes, cursor);
  }

  @Operation(summary = "lineage of an execution, by uuid")
  @Get("/executions/{uuid}")
  HttpResponse<?> execution(
      @PathVariable final String uuid,
      @Nullable @Parameter(description = "upstream, downstream or both (default)") @QueryValue final String direction,
      @Nullable @QueryValue final Integer depth,
      @Nullable @QueryValue("max_nodes") final Integer maxNodes,
      @Nullable @QueryValue final String cursor) {
    return walk("execution", uuid, direction, depth, maxNodes, cursor);
  }

  private HttpResponse<?> walk(final String kind, final String key, final String direction, final Integer depth, final Integer maxNodes, final String cursor) {
    final Direction d = direction(direction);
    final int levels = depth == null ? settings.getDefaultLineageDepth() : depth;
    if (levels < 1 || levels > settings.getMaxLineageDepth()) {
      throw new InvalidParameter("depth", "must be between 1 and " + settings.getMaxLineageDepth() + ", got " + levels);
    }
    final int budget = maxNodes == null ? settings.getDefaultLineageNodes() : maxNodes;
    if (budget < 1 || budget > settings.getMaxLineageNodes()) {
      throw new InvalidParameter("max_nodes", "must be between 1 and " + settings.getMaxLineageNodes() + ", got " + budget);
    }
    final String query = "lineage|" + kind + '|' + key + '|' + d + '|' + levels + '|' + budget;
    int offset = 0;
    if (cursor != null) {
      final JsonNode position = PageToken.decode(cursor, query, "cursor");
      if (!position.path("o").canConvertToInt() || position.get("o").asInt() < 1) {
        throw new InvalidParameter("cursor", "not a cursor this API issued");
      }
      offset = position.get("o").asInt();
      if (offset > cursorReach()) {
        throw new InvalidParameter("cursor", "not a cursor this API issued: a walk answers at most " + cursorReach() + " nodes, a page at a time");
      }
    }
    final Optional<Walk> found =
        lineage.walk(kind, key, d, new Bounds(levels, offset, budget, settings.getLineageTimeout(), settings.getLineageOnePassNodes()));
    if (found.isEmpty()) {
      return Responses.problem(404, "not-found", "the lineage graph has no " + kind + " " + key);
    }
    final Walk walk = found.get();
    // No cursor past the reach: it would only be refused (the answer still says truncated).
    final long nextOffset = (long) offset + walk.nodes().size();
    final String next = walk.truncated() && nextOffset <= cursorReach() ? PageToken.encode(query, PageToken.position().put("o", (int) nextOffset)) : null;
    return HttpResponse.ok(new Lineage(kind + ":" + key, d.name().toLowerCase(Locale.ROOT), levels, walk.nodes(), walk.edges(), walk.truncated(),
        walk.nodes().isEmpty() && !walk.timedOut() ? null : next));
  }

  /** The furthest offset a cursor may carry ({@link #CURSOR_PAGES} of the largest pages). */
  private long cursorReach() {
    return (long) CURSOR_PAGES * settings.getMaxLineageNodes();
  }

  private static Direction direction(final String direction) {
    if (direction == null) {
      return Direction.BOTH;
    }
    try {
      return Direction.valueOf(direction.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidParameter("direction", "one of upstream, downstream, both; got '" + direction + "'");
    }
  }
}
