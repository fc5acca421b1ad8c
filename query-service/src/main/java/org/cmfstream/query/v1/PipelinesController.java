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
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.query.store.Models.Conflict;
import org.cmfstream.query.store.Models.Pipeline;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.v1.Views.ConflictView;
import org.cmfstream.query.v1.Views.ConflictPage;
import org.cmfstream.query.v1.Views.PipelineView;
import org.cmfstream.query.v1.Views.StageView;
import org.cmfstream.query.v1.Views.WatermarkView;
import org.cmfstream.query.web.InvalidParameter;
import org.cmfstream.query.web.Responses;

/** v1: pipelines with their stages; the conflicts the merge kept side by side; every site's watermark. */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "v1")
final class PipelinesController {

  private final ProjectionStore store;
  private final QuerySettings settings;

  PipelinesController(final ProjectionStore store, final QuerySettings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Operation(summary = "every pipeline, with its stages")
  @Get("/pipelines")
  List<PipelineView> pipelines() {
    return store.pipelines().stream().map(this::view).toList();
  }

  @Operation(summary = "one pipeline, with its stages and how many executions each has")
  @Get("/pipelines/{name}")
  HttpResponse<?> pipeline(@PathVariable final String name) {
    return store.pipeline(name).<HttpResponse<?>>map(p -> HttpResponse.ok(view(p)))
        .orElseGet(() -> Responses.problem(404, "not-found", "no pipeline is named " + name));
  }

  private PipelineView view(final Pipeline p) {
    final Map<String, Long> counts = new HashMap<>();
    store.query(
        "SELECT e.stage, count(*) FROM executions e WHERE e.pipeline = ? AND (cardinality(e.uuids) = 0 OR e.uuid = e.uuids[1]) GROUP BY e.stage",
        rs -> counts.put(rs.getString(1), rs.getLong(2)), p.name());
    final List<StageView> stages = store.stages(p.name()).stream()
        .map(s -> new StageView(s.name(), s.id(), s.customProperties(), s.created(), counts.getOrDefault(s.name(), 0L))).toList();
    return new PipelineView(p.name(), p.id(), p.firstSeen(), p.updated(), stages);
  }

  @Operation(summary = "immutable facts that disagree: every value, side by side, per entity and field")
  @Get("/conflicts")
  ConflictPage conflicts(@Nullable @QueryValue("page_size") final Integer pageSize, @Nullable @QueryValue("page_token") final String pageToken) {
    final int size = Filters.pageSize(pageSize, settings);
    String afterKey = "";
    String afterField = "";
    if (pageToken != null) {
      final JsonNode position = PageToken.decode(pageToken, "conflicts", "page_token");
      if (!position.path("e").isTextual() || !position.path("f").isTextual()) {
        throw new InvalidParameter("page_token", "not a token this API issued");
      }
      afterKey = position.get("e").asText();
      afterField = position.get("f").asText();
    }
    final List<Conflict> rows = store.conflicts(afterKey, afterField, size + 1);
    String next = null;
    if (rows.size() > size) {
      final Conflict last = rows.get(size - 1);
      next = PageToken.encode("conflicts", PageToken.position().put("e", last.entityKey()).put("f", last.field()));
    }
    return new ConflictPage(rows.stream().limit(size).map(c -> new ConflictView(c.entityKey().replace('\u001f', '/'), c.field(), c.values())).toList(), next);
  }

  @Operation(summary = "every site's watermark: complete through a sequence number, and the gaps above it")
  @Get("/watermarks")
  List<WatermarkView> watermarks() {
    return store.watermarks().stream().map(w -> new WatermarkView(w.site(), w.completeThrough(), w.gaps())).toList();
  }
}
