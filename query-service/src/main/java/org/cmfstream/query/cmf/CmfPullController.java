// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmfstream.query.store.Models.Pipeline;
import org.cmfstream.query.store.PipelineSnapshot;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.web.Responses;
import org.cmfstream.query.web.TextJson;

/**
 * {@code POST mlmd_pull} and its legacy {@code GET mlmd_pull/{pipeline}} (cmf-protocol.md, sections
 * 1.1, 1.4 and 4): the {@code dumptojson} document of a pipeline, the literal {@code no_exec_uuid}
 * when an {@code exec_uuid} matches nothing, 404 for an unknown pipeline, and, without a pipeline,
 * every pipeline or those updated after {@code last_sync_time}. The body is JSON text sent as
 * {@code text/html}, as the real server sends it; the client only reads the bytes.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "cmf")
final class CmfPullController {

  static final String NO_EXEC_UUID = "no_exec_uuid";
  private static final ObjectMapper JSON = TextJson.mapper().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final MediaType HTML = MediaType.of("text/html; charset=utf-8");

  private final ProjectionStore store;

  CmfPullController(final ProjectionStore store) {
    this.store = store;
  }

  @Operation(summary = "cmf pull: the dumptojson document of a pipeline (or of all pipelines)")
  @Post(uris = {"/mlmd_pull", "/api/mlmd_pull"}, consumes = MediaType.ALL, produces = "text/html")
  MutableHttpResponse<String> pull(@Nullable @Body final String body) {
    final JsonNode request;
    try {
      request = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return Responses.cmfInvalidParameter("body", "the body is not valid JSON: " + e.getMessage());
    }
    if (!request.isObject()) {
      return Responses.cmfInvalidParameter("body", "the body must be a JSON object");
    }
    // A name that is a number or a list is no name: FastAPI's 422, not the dump of every pipeline.
    for (final String field : new String[] {"pipeline_name", "exec_uuid"}) {
      final JsonNode value = request.path(field);
      if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
        return Responses.cmfInvalidParameter(field, field + " must be a string or null");
      }
    }
    final Optional<String> pipeline = text(request, "pipeline_name");
    final Optional<String> execUuid = text(request, "exec_uuid");
    final JsonNode since = request.path("last_sync_time");
    if (!since.isMissingNode() && !since.isNull() && !since.canConvertToLong()) {
      return Responses.cmfInvalidParameter("last_sync_time", "last_sync_time must be an integer (epoch milliseconds)");
    }
    if (pipeline.isPresent()) {
      return one(pipeline.get(), execUuid.orElse(null));
    }
    return all(since.isMissingNode() || since.isNull() ? 0L : since.asLong());
  }

  @Operation(summary = "legacy cmf pull (cmflib <= 0.0.93): exec_uuid as a query parameter or JSON body")
  @Get(uris = {"/mlmd_pull/{pipeline}", "/api/mlmd_pull/{pipeline}"}, produces = "text/html")
  @Consumes(MediaType.ALL)
  MutableHttpResponse<String> legacyPull(
      @PathVariable final String pipeline, @Nullable @QueryValue("exec_uuid") final String execUuid, @Nullable @Body final String body) {
    String uuid = execUuid;
    if (uuid == null && body != null && !body.isBlank()) {
      try {
        final JsonNode request = JSON.readTree(body);
        uuid = text(request, "exec_uuid").or(() -> text(request, "exec_id")).orElse(null);
      } catch (IOException e) {
        return Responses.cmfInvalidParameter("body", "the body is not valid JSON: " + e.getMessage());
      }
    }
    return one(pipeline, uuid);
  }

  private MutableHttpResponse<String> one(final String pipeline, final String execUuid) {
    // PostgreSQL text cannot hold a NUL: no pipeline has such a name, and asking would fail the query.
    if (pipeline.indexOf('\0') >= 0) {
      return Responses.cmfDetail(404, "Pipeline " + pipeline + " not found.");
    }
    final Optional<PipelineSnapshot> snapshot = PipelineSnapshot.read(store, pipeline);
    if (snapshot.isEmpty()) {
      return Responses.cmfDetail(404, "Pipeline " + pipeline + " not found.");
    }
    if (execUuid != null && snapshot.get().executionOf(execUuid).isEmpty()) {
      return html(NO_EXEC_UUID);
    }
    return html(Responses.writeCmfDump(CmfDump.document(List.of(CmfDump.pipeline(snapshot.get(), execUuid, 0L)))));
  }

  /** Every pipeline; with a time, only what reached this server after it (cmf-protocol.md, section 4.3). */
  private MutableHttpResponse<String> all(final long updatedAfter) {
    final List<Map<String, Object>> pipelines = new ArrayList<>();
    for (final Pipeline p : store.pipelines()) {
      PipelineSnapshot.read(store, p.name()).ifPresent(snapshot -> {
        final Map<String, Object> dump = CmfDump.pipeline(snapshot, null, updatedAfter);
        final boolean changed = CmfDump.arrived(p.synced(), p.updated()) > updatedAfter;
        if (updatedAfter == 0 || changed || !((List<?>) dump.get("stages")).isEmpty()) {
          pipelines.add(dump);
        }
      });
    }
    return html(Responses.writeCmfDump(CmfDump.document(pipelines)));
  }

  private static MutableHttpResponse<String> html(final String text) {
    return HttpResponse.ok(text).contentType(HTML);
  }

  private static Optional<String> text(final JsonNode request, final String field) {
    final JsonNode value = request.path(field);
    return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
  }
}
