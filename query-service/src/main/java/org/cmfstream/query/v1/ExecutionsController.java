// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.v1.Views.ArtifactRef;
import org.cmfstream.query.v1.Views.ExecutionDetail;
import org.cmfstream.query.v1.Views.ExecutionView;
import org.cmfstream.query.v1.Views.MetricView;
import org.cmfstream.query.v1.Views.ExecutionPage;
import org.cmfstream.query.web.InvalidParameter;
import org.cmfstream.query.web.Responses;

/** v1: executions, filtered by pipeline, stage and property values, keyset-paged; one execution with its inputs, outputs and metrics. */
@Controller("/api/v1/executions")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "v1")
final class ExecutionsController {

  private static final Set<String> SORTS = Set.of("created", "-created");

  private final ProjectionStore store;
  private final QuerySettings settings;

  ExecutionsController(final ProjectionStore store, final QuerySettings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Operation(summary = "executions, newest first by default; every filter must hold")
  @Get
  ExecutionPage list(
      @Nullable @QueryValue final String pipeline,
      @Nullable @QueryValue final String stage,
      @Nullable @Parameter(description = "<name>:<value>, repeatable") @QueryValue("property") final List<String> property,
      @Nullable @Parameter(description = "created or -created (default)") @QueryValue final String sort,
      @Nullable @QueryValue("page_size") final Integer pageSize,
      @Nullable @QueryValue("page_token") final String pageToken) {
    final String order = sort == null ? "-created" : sort;
    if (!SORTS.contains(order)) {
      throw new InvalidParameter("sort", "unknown sort '" + order + "'; one of " + new TreeSet<>(SORTS));
    }
    final int size = Filters.pageSize(pageSize, settings);
    final List<String> properties = property == null ? List.of() : property;
    final String fingerprint = "executions|" + pipeline + '|' + stage + '|' + properties + '|' + order;
    final boolean descending = order.startsWith("-");
    // One row per execution, as on the cmf routes: a reused execution's other uuids share the row of
    // its first. Until that row is written (another partition, another sink writer), or if a site
    // never sends it, the others stand for the execution rather than hide it.
    final StringBuilder sql = new StringBuilder("SELECT " + ProjectionStore.EXECUTION_COLUMNS + " FROM executions e WHERE "
        + "(cardinality(e.uuids) = 0 OR e.uuid = e.uuids[1] OR NOT EXISTS (SELECT 1 FROM executions r WHERE r.uuid = e.uuids[1]))");
    final List<Object> params = new ArrayList<>();
    if (pipeline != null) {
      sql.append(" AND e.pipeline = ?");
      params.add(pipeline);
    }
    if (stage != null) {
      sql.append(" AND e.stage = ?");
      params.add(stage);
    }
    Filters.properties(properties, "e", sql, params);
    final Keyset keyset = new Keyset("e", "uuid", descending, fingerprint);
    keyset.append(pageToken, size, sql, params);
    final List<Execution> rows = store.query(sql.toString(), ProjectionStore::execution, params.toArray());
    return new ExecutionPage(rows.stream().limit(size).map(ExecutionView::of).toList(), keyset.next(rows, size, Execution::firstSeen, Execution::uuid));
  }

  @Operation(summary = "one execution (any of its uuids), with the artifacts it read and wrote and its metrics")
  @Get("/{uuid}")
  HttpResponse<?> one(@PathVariable final String uuid) {
    final var execution = store.execution(uuid);
    if (execution.isEmpty()) {
      return Responses.problem(404, "not-found", "no execution has uuid " + uuid);
    }
    // A reused execution is shown as its representative row, whichever of its uuids was asked for.
    final Execution found = execution.get();
    final Execution e = found.representative() ? found : store.execution(found.uuids().get(0)).orElse(found);
    final List<String> uuids = e.uuids().isEmpty() ? List.of(e.uuid()) : e.uuids();
    final List<Event> events = store.eventsOfExecutions(uuids);
    final Set<String> uris = new TreeSet<>();
    events.forEach(ev -> uris.add(ev.artifactUri()));
    final Map<String, Artifact> artifacts = new java.util.HashMap<>();
    store.artifacts(uris).forEach(a -> artifacts.put(a.uri(), a));
    final Set<String> inputs = new TreeSet<>();
    final Set<String> outputs = new TreeSet<>();
    events.forEach(ev -> (ev.output() ? outputs : inputs).add(ev.artifactUri()));
    return HttpResponse.ok(new ExecutionDetail(ExecutionView.of(e), refs(inputs, artifacts), refs(outputs, artifacts), metrics(uuids)));
  }

  @Operation(summary = "the metric points of an execution (any of its uuids)")
  @Get("/{uuid}/metrics")
  HttpResponse<?> metrics(@PathVariable final String uuid) {
    final var execution = store.execution(uuid);
    if (execution.isEmpty()) {
      return Responses.problem(404, "not-found", "no execution has uuid " + uuid);
    }
    final Execution e = execution.get();
    return HttpResponse.ok(metrics(e.uuids().isEmpty() ? List.of(e.uuid()) : e.uuids()));
  }

  /**
   * The metric points of an execution logged under {@code uuids}, each (name, step) once, by name
   * and step: a reused execution's point may be stored under each of its uuids, and listed per
   * uuid it appeared as many times. Where they differ, the first uuid's value is the one shown.
   */
  private List<MetricView> metrics(final List<String> uuids) {
    final Map<String, MetricView> byPoint = new java.util.LinkedHashMap<>();
    for (final String u : uuids) {
      store.metrics(u).forEach(m -> byPoint.putIfAbsent(m.name() + '\u001f' + m.step(), new MetricView(m.name(), m.step(), m.value())));
    }
    final List<MetricView> metrics = new ArrayList<>(byPoint.values());
    metrics.sort(java.util.Comparator.comparing(MetricView::name).thenComparingLong(MetricView::step));
    return metrics;
  }

  private static List<ArtifactRef> refs(final Set<String> uris, final Map<String, Artifact> artifacts) {
    return uris.stream().map(uri -> artifacts.containsKey(uri) ? ArtifactRef.of(artifacts.get(uri)) : new ArtifactRef(uri, null, uri)).toList();
  }
}
