// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cmfstream.query.cmf.CmfValues.CmfParameterError;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.PipelineSnapshot;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.web.Responses;

/**
 * The cmf server's UI routes (cmf-protocol.md, sections 1.2 and 1.4), under {@code /api/} and
 * without the prefix, with their shapes, defaults and quirks: every property value a string,
 * {@code total_items} counted on the page (so 0 past the end), 422 for a missing or malformed
 * parameter. The paged routes run one SQL query each; the others read the pipeline whole.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "cmf")
final class CmfUiController {

  /**
   * Everything a UI filter matches on: the id, the properties as JSON text, and the creation date in
   * the renderings the real server uses. The real server's properties hold {@code Execution_uuid}
   * (every uuid, comma-joined, as {@code Execution.joinedUuids}); here it is the {@code uuids}
   * column, so it is added, or a filter by (part of) a uuid would never match.
   */
  private static final String EXECUTION_FILTER_TEXT =
      "concat_ws(' ', e.id::text, CASE WHEN cardinality(e.uuids) = 0 THEN e.uuid ELSE array_to_string(e.uuids, ',') END, "
          + "e.properties::text, e.custom_properties::text, " + dates("e.created") + ")";

  private static final String ARTIFACT_FILTER_TEXT =
      "concat_ws(' ', a.id::text, array_to_string(a.names, ' '), " + dates("a.created") + ", a.properties::text, a.custom_properties::text, a.sets::text)";

  /** One row per execution: a reused execution's other uuids share the row of its first. */
  private static final String REPRESENTATIVE = "(cardinality(e.uuids) = 0 OR e.uuid = e.uuids[1])";

  private final ProjectionStore store;

  CmfUiController(final ProjectionStore store) {
    this.store = store;
  }

  private static String dates(final String millis) {
    final String ts = "(to_timestamp(" + millis + " / 1000.0) AT TIME ZONE 'UTC')";
    return String.join(", ",
        "to_char(" + ts + ", 'YYYY-MM-DD HH24:MI:SS')", "to_char(" + ts + ", 'FMMM/FMDD/YYYY')", "to_char(" + ts + ", 'YYYY')",
        "to_char(" + ts + ", 'FMMM')", "to_char(" + ts + ", 'FMDD')");
  }

  @Operation(summary = "names of all pipelines")
  @Get(uris = {"/pipelines", "/api/pipelines", "/display_pipelines", "/api/display_pipelines"})
  HttpResponse<String> pipelines() {
    return Responses.json(store.pipelines().stream().map(p -> p.name()).toList());
  }

  @Operation(summary = "the stages of a pipeline, sorted")
  @Get(uris = {"/pipeline-stages/{pipeline}", "/api/pipeline-stages/{pipeline}"})
  HttpResponse<String> stages(@PathVariable final String pipeline) {
    final List<String> stages =
        store.query("SELECT DISTINCT e.stage FROM executions e WHERE e.pipeline = ? AND e.stage IS NOT NULL ORDER BY e.stage", rs -> rs.getString(1), pipeline);
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("stages", stages);
    body.put("total_stages", stages.size());
    return Responses.json(body);
  }

  @Operation(summary = "a page of a stage's executions, filtered and sorted by creation time")
  @Get(uris = {"/executions-by-stage/{pipeline}", "/api/executions-by-stage/{pipeline}"})
  HttpResponse<String> executionsByStage(
      @PathVariable final String pipeline,
      @Nullable @QueryValue("stage_name") final String stage,
      @Nullable @QueryValue("active_page") final String activePage,
      @Nullable @QueryValue("record_per_page") final String recordPerPage,
      @Nullable @QueryValue("sort_order") final String sortOrder,
      @Nullable @QueryValue("filter_value") final String filter) {
    if (stage == null) {
      throw new CmfParameterError("stage_name", "Field required");
    }
    final String order = "ASC".equalsIgnoreCase(sortOrder) ? "ASC" : "DESC";
    return executionPage(pipeline, stage, filter, order, activePage, recordPerPage);
  }

  @Operation(summary = "legacy: a page of a pipeline's executions")
  @Get(uris = {"/executions/{pipeline}", "/api/executions/{pipeline}"})
  HttpResponse<String> legacyExecutions(
      @PathVariable final String pipeline,
      @Nullable @QueryValue("active_page") final String activePage,
      @Nullable @QueryValue("record_per_page") final String recordPerPage,
      @Nullable @QueryValue("sort_order") final String sortOrder,
      @Nullable @QueryValue("sort_field") final String sortField,
      @Nullable @QueryValue("filter_value") final String filter) {
    final String order = "ASC".equalsIgnoreCase(sortOrder) ? "ASC" : "DESC";
    return executionPage(pipeline, null, filter, order, activePage, recordPerPage);
  }

  private HttpResponse<String> executionPage(
      final String pipeline, final String stage, final String filter, final String order, final String activePage, final String recordPerPage) {
    final int page = CmfValues.positive(activePage, 1, "active_page");
    final int perPage = CmfValues.positive(recordPerPage, 5, "record_per_page");
    final List<Object> params = new ArrayList<>(List.of(pipeline));
    final StringBuilder sql = new StringBuilder("SELECT " + ProjectionStore.EXECUTION_COLUMNS
        + ", coalesce(s.id, 0) AS stage_id, coalesce(p.id, 0) AS pipeline_id, count(*) OVER () AS total FROM executions e "
        + "LEFT JOIN stages s ON s.name = e.stage LEFT JOIN pipelines p ON p.name = e.pipeline WHERE e.pipeline = ? AND " + REPRESENTATIVE);
    if (stage != null) {
      sql.append(" AND e.stage = ?");
      params.add(stage);
    }
    if (filter != null && !filter.isEmpty()) {
      sql.append(" AND ").append(EXECUTION_FILTER_TEXT).append(" ILIKE ?");
      params.add(CmfValues.containsPattern(filter));
    }
    sql.append(" ORDER BY e.created ").append(order).append(" NULLS LAST, e.uuid LIMIT ? OFFSET ?");
    params.add(perPage);
    params.add((long) (page - 1) * perPage);
    final long[] total = {0};
    final List<Map<String, Object>> items = store.query(sql.toString(), rs -> {
      total[0] = rs.getLong("total");
      final Execution e = ProjectionStore.execution(rs);
      final Map<String, Object> item = new LinkedHashMap<>();
      item.put("execution_id", e.id());
      item.put("execution_properties", CmfValues.nameValueList(
          CmfDump.executionProperties(e, rs.getLong("stage_id"), rs.getLong("pipeline_id")),
          CmfDump.withOriginalTime(e.customProperties(), e.created())));
      return item;
    }, params.toArray());
    return Responses.json(page(total[0], items));
  }

  @Operation(summary = "a page of the artifacts of one type that a stage's executions read or wrote")
  @Get(uris = {"/artifacts-by-stage/{pipeline}", "/api/artifacts-by-stage/{pipeline}"})
  HttpResponse<String> artifactsByStage(
      @PathVariable final String pipeline,
      @Nullable @QueryValue("stage_name") final String stage,
      @Nullable @QueryValue("artifact_type") final String type,
      @Nullable @QueryValue("active_page") final String activePage,
      @Nullable @QueryValue("record_per_page") final String recordPerPage,
      @Nullable @QueryValue("sort_order") final String sortOrder,
      @Nullable @QueryValue("sort_field") final String sortField,
      @Nullable @QueryValue("filter_value") final String filter) {
    if (stage == null) {
      throw new CmfParameterError("stage_name", "Field required");
    }
    if (type == null) {
      throw new CmfParameterError("artifact_type", "Field required");
    }
    return artifactPage(pipeline, stage, type, activePage, recordPerPage, sortOrder, sortField, filter, false);
  }

  @Operation(summary = "legacy: a page of a pipeline's artifacts of one type")
  @Get(uris = {"/artifacts/{pipeline}/{type}", "/api/artifacts/{pipeline}/{type}"})
  HttpResponse<String> legacyArtifacts(
      @PathVariable final String pipeline,
      @PathVariable final String type,
      @Nullable @QueryValue("active_page") final String activePage,
      @Nullable @QueryValue("record_per_page") final String recordPerPage,
      @Nullable @QueryValue("sort_order") final String sortOrder,
      @Nullable @QueryValue("sort_field") final String sortField,
      @Nullable @QueryValue("filter_value") final String filter) {
    return artifactPage(pipeline, null, type, activePage, recordPerPage, sortOrder, sortField, filter, true);
  }

  private HttpResponse<String> artifactPage(
      final String pipeline, final String stage, final String type, final String activePage, final String recordPerPage, final String sortOrder,
      final String sortField, final String filter, final boolean legacy) {
    final int page = CmfValues.positive(activePage, 1, "active_page");
    final int perPage = CmfValues.positive(recordPerPage, 5, "record_per_page");
    final String order = sortOrder == null || "ASC".equalsIgnoreCase(sortOrder) ? "ASC" : "DESC";
    final String key = sortField == null || "name".equals(sortField) ? "lower(a.names[1])" : "a.first_seen";
    final List<Object> params = new ArrayList<>(List.of(type, pipeline));
    final StringBuilder sql = new StringBuilder("SELECT " + ProjectionStore.ARTIFACT_COLUMNS + ", count(*) OVER () AS total, "
        + "(SELECT string_agg(DISTINCT x.stage, ',\n ') FROM events xe JOIN executions x ON x.uuid = xe.execution_uuid "
        + " WHERE xe.artifact_uri = a.uri AND x.pipeline = ?) AS stages "
        + "FROM artifacts a WHERE a.type = ? AND a.uri IN (SELECT ev.artifact_uri FROM events ev JOIN executions e ON e.uuid = ev.execution_uuid "
        + "WHERE e.pipeline = ?");
    params.add(0, pipeline);
    if (stage != null) {
      sql.append(" AND e.stage = ?");
      params.add(stage);
    }
    sql.append(")");
    if (filter != null && !filter.isEmpty()) {
      sql.append(" AND ").append(ARTIFACT_FILTER_TEXT).append(" ILIKE ?");
      params.add(CmfValues.containsPattern(filter));
    }
    sql.append(" ORDER BY ").append(key).append(' ').append(order).append(" NULLS LAST, a.uri LIMIT ? OFFSET ?");
    params.add(perPage);
    params.add((long) (page - 1) * perPage);
    final long[] total = {0};
    final List<Map<String, Object>> items = store.query(sql.toString(), rs -> {
      total[0] = rs.getLong("total");
      return artifactItem(rs, legacy);
    }, params.toArray());
    return Responses.json(page(total[0], items));
  }

  private static Map<String, Object> artifactItem(final ResultSet rs, final boolean legacy) throws SQLException {
    final Artifact a = ProjectionStore.artifact(rs);
    final Map<String, Object> item = new LinkedHashMap<>();
    item.put("artifact_id", a.id());
    item.put("name", a.name());
    if (legacy) {
      item.put("execution", rs.getString("stages"));
      item.put("uri", a.uri());
    }
    item.put("create_time_since_epoch", a.firstSeen());
    if (legacy) {
      item.put("last_update_time_since_epoch", a.updated());
    }
    item.put("artifact_properties", CmfValues.nameValueList(
        CmfDump.withSets(a.properties(), a, "properties."),
        CmfDump.withOriginalTime(CmfDump.withSets(a.customProperties(), a, "custom."), a.created())));
    return item;
  }

  @Operation(summary = "the artifact types (except Environment) that a stage's executions read or wrote")
  @Get(uris = {"/artifact-types-by-stage/{pipeline}", "/api/artifact-types-by-stage/{pipeline}"})
  HttpResponse<String> artifactTypesByStage(@PathVariable final String pipeline, @Nullable @QueryValue("stage_name") final String stage) {
    if (stage == null) {
      throw new CmfParameterError("stage_name", "Field required");
    }
    return Responses.json(store.query(
        "SELECT DISTINCT a.type FROM artifacts a JOIN events ev ON ev.artifact_uri = a.uri JOIN executions e ON e.uuid = ev.execution_uuid "
            + "WHERE e.pipeline = ? AND e.stage = ? AND a.type IS NOT NULL AND a.type <> 'Environment' ORDER BY a.type",
        rs -> rs.getString(1), pipeline, stage));
  }

  @Operation(summary = "every artifact type except Environment")
  @Get(uris = {"/artifact_types", "/api/artifact_types", "/display_artifact_types", "/api/display_artifact_types"})
  HttpResponse<String> artifactTypes() {
    return Responses.json(store.artifactTypes());
  }

  @Operation(summary = "short names of a pipeline's executions: <stage>_<first 4 of the uuid>")
  @Get(uris = {"/list-of-executions/{pipeline}", "/api/list-of-executions/{pipeline}"})
  HttpResponse<String> listOfExecutions(@PathVariable final String pipeline) {
    final Optional<PipelineSnapshot> snapshot = PipelineSnapshot.read(store, pipeline);
    if (snapshot.isEmpty()) {
      return Responses.cmfDetail(404, "Pipeline " + pipeline + " not found.");
    }
    return Responses.json(snapshot.get().executions().stream().map(CmfLabels::executionShortName).toList());
  }

  @Operation(summary = "the model card: the model, the executions that used or produced it, their other inputs and outputs")
  @Get(uris = {"/model-card", "/api/model-card"})
  HttpResponse<String> modelCard(@Nullable @QueryValue("modelId") final String modelId) {
    if (modelId == null) {
      throw new CmfParameterError("modelId", "Field required");
    }
    final long id;
    try {
      id = Long.parseLong(modelId.trim());
    } catch (NumberFormatException e) {
      throw new CmfParameterError("modelId", "Input should be a valid integer, got '" + modelId + "'");
    }
    final Optional<Artifact> model = store.artifactById(id).filter(a -> "Model".equals(a.type()));
    if (model.isEmpty()) {
      return Responses.json(List.of("", "", "", ""));
    }
    final Artifact m = model.get();
    final List<Event> modelEvents = store.eventsOfArtifacts(List.of(m.uri()));
    final Set<String> executionUuids = new LinkedHashSet<>();
    modelEvents.forEach(e -> executionUuids.add(e.executionUuid()));
    final List<Execution> executions = store.executionRows(executionUuids);
    final List<Event> events = store.eventsOfExecutions(executionUuids);
    final Set<String> inputs = new TreeSet<>();
    final Set<String> outputs = new TreeSet<>();
    for (final Event e : events) {
      if (!e.artifactUri().equals(m.uri())) {
        (e.output() ? outputs : inputs).add(e.artifactUri());
      }
    }
    final List<Object> card = new ArrayList<>();
    card.add(List.of(modelCardArtifact(m)));
    final List<Map<String, Object>> executionRows = new ArrayList<>();
    final Set<Long> seenIds = new java.util.HashSet<>();
    // Context_ID and Pipeline_id as the dump gives them: this server's ids of the stage and pipeline.
    final Map<String, Long> stageIds = new java.util.HashMap<>();
    final Map<String, Long> pipelineIds = new java.util.HashMap<>();
    for (final Execution e : executions) {
      if (!seenIds.add(e.id())) {
        continue;
      }
      if (e.pipeline() != null && !pipelineIds.containsKey(e.pipeline())) {
        pipelineIds.put(e.pipeline(), store.pipeline(e.pipeline()).map(p -> p.id()).orElse(0L));
        store.stages(e.pipeline()).forEach(s -> stageIds.put(s.name(), s.id()));
      }
      final Map<String, Object> row = new LinkedHashMap<>();
      row.put("type", e.stage());
      row.put("name", e.name());
      row.put("create_time_since_epoch", e.firstSeen());
      row.put("last_update_time_since_epoch", e.updated());
      final Map<String, Object> props =
          CmfDump.executionProperties(e, stageIds.getOrDefault(e.stage(), 0L), e.pipeline() == null ? 0L : pipelineIds.get(e.pipeline()));
      // get_model_data drops only the git commits (cmf-protocol.md, section 1.2).
      props.remove("Git_Start_Commit");
      props.remove("Git_End_Commit");
      row.putAll(props);
      CmfDump.withOriginalTime(e.customProperties(), e.created()).forEach((k, v) -> row.put("custom_properties_" + k, v));
      executionRows.add(row);
    }
    card.add(executionRows.isEmpty() ? "" : executionRows);
    card.add(artifactRows(inputs));
    card.add(artifactRows(outputs));
    return Responses.json(card);
  }

  private Object artifactRows(final Set<String> uris) {
    if (uris.isEmpty()) {
      return "";
    }
    return store.artifacts(uris).stream().map(CmfUiController::modelCardArtifact).toList();
  }

  private static Map<String, Object> modelCardArtifact(final Artifact a) {
    final Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", a.id());
    row.put("type", a.type());
    row.put("uri", a.uri());
    row.put("name", a.name());
    row.put("create_time_since_epoch", a.firstSeen());
    row.put("last_update_time_since_epoch", a.updated());
    row.putAll(CmfDump.withSets(a.properties(), a, "properties."));
    CmfDump.withOriginalTime(CmfDump.withSets(a.customProperties(), a, "custom."), a.created()).forEach((k, v) -> row.put("custom_properties_" + k, v));
    return row;
  }

  @Operation(summary = "legacy: one flat row per execution of a pipeline")
  @Get(uris = {"/display_executions/{pipeline}", "/api/display_executions/{pipeline}"})
  HttpResponse<String> displayExecutions(@PathVariable final String pipeline) {
    final Optional<PipelineSnapshot> snapshot = PipelineSnapshot.read(store, pipeline);
    if (snapshot.isEmpty()) {
      return Responses.cmfDetail(404, "Pipeline " + pipeline + " not found.");
    }
    final List<Map<String, Object>> rows = new ArrayList<>();
    final Set<String> columns = new TreeSet<>();
    for (final Execution e : snapshot.get().executions()) {
      final Map<String, Object> row = new TreeMap<>(CmfDump.executionProperties(e, snapshot.get().stageId(e.stage()), snapshot.get().pipeline().id()));
      row.putAll(e.customProperties());
      if (e.created() != null) {
        row.put("original_create_time_since_epoch", e.created());
      }
      columns.addAll(row.keySet());
      rows.add(row);
    }
    return Responses.json(page(rows.size(), fill(rows, columns)));
  }

  @Operation(summary = "legacy: one flat row per artifact of a type in a pipeline")
  @Get(uris = {"/display_artifacts/{pipeline}/{type}", "/api/display_artifacts/{pipeline}/{type}"})
  HttpResponse<String> displayArtifacts(@PathVariable final String pipeline, @PathVariable final String type) {
    final Optional<PipelineSnapshot> snapshot = PipelineSnapshot.read(store, pipeline);
    if (snapshot.isEmpty()) {
      return Responses.cmfDetail(404, "Pipeline " + pipeline + " not found.");
    }
    final List<Map<String, Object>> rows = new ArrayList<>();
    final Set<String> columns = new TreeSet<>();
    for (final Artifact a : snapshot.get().artifacts()) {
      if (!type.equals(a.type())) {
        continue;
      }
      final Map<String, Object> row = new TreeMap<>();
      row.putAll(CmfDump.withSets(a.properties(), a, "properties."));
      row.putAll(CmfDump.withSets(a.customProperties(), a, "custom."));
      row.put("create_time_since_epoch", a.firstSeen());
      row.put("id", a.id());
      row.put("last_update_time_since_epoch", a.updated());
      row.put("name", a.name().split(":", 2)[0]);
      if (a.created() != null) {
        row.put("original_create_time_since_epoch", a.created());
      }
      row.put("type", a.type());
      row.put("uri", a.uri());
      final Set<String> stages = new LinkedHashSet<>();
      for (final Execution e : snapshot.get().executions()) {
        if (snapshot.get().events(e).stream().anyMatch(ev -> ev.artifactUri().equals(a.uri()))) {
          stages.add(e.stage());
        }
      }
      columns.addAll(row.keySet());
      final Map<String, Object> ordered = new LinkedHashMap<>(row);
      ordered.put("execution_type_name", String.join(",\n ", stages));
      rows.add(ordered);
    }
    columns.add("execution_type_name");
    return Responses.json(page(rows.size(), fill(rows, columns)));
  }

  /** A DataFrame's rows: every row has every column, null where it has no value. */
  private static List<Map<String, Object>> fill(final List<Map<String, Object>> rows, final Set<String> columns) {
    final List<Map<String, Object>> out = new ArrayList<>();
    for (final Map<String, Object> row : rows) {
      final Map<String, Object> full = new LinkedHashMap<>(row);
      columns.forEach(c -> full.putIfAbsent(c, null));
      out.add(full);
    }
    return out;
  }

  private static Map<String, Object> page(final long total, final List<?> items) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("total_items", total);
    body.put("items", items);
    return body;
  }

  @Error(global = true, exception = CmfParameterError.class)
  HttpResponse<String> parameterError(final HttpRequest<?> request, final CmfParameterError e) {
    return Responses.cmfInvalidParameter(e.parameter(), e.getMessage());
  }
}
