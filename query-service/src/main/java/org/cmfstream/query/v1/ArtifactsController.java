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
import java.util.Set;
import java.util.TreeSet;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.v1.Views.ArtifactDetail;
import org.cmfstream.query.v1.Views.ArtifactView;
import org.cmfstream.query.v1.Views.ExecutionRef;
import org.cmfstream.query.v1.Views.ArtifactPage;
import org.cmfstream.query.web.InvalidParameter;
import org.cmfstream.query.web.Responses;

/**
 * v1: artifacts filtered by type, name and property values, keyset-paged; one artifact by its
 * content hash with all its names, its producers and its consumers. (The artifact's bytes are
 * ingest-service's {@code /api/v1/artifacts/{md5}}; its metadata is here, under {@code /metadata}.)
 */
@Controller("/api/v1/artifacts")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "v1")
final class ArtifactsController {

  private static final Set<String> SORTS = Set.of("created", "-created");

  private final ProjectionStore store;
  private final QuerySettings settings;

  ArtifactsController(final ProjectionStore store, final QuerySettings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Operation(summary = "artifacts, newest first by default; every filter must hold")
  @Get
  ArtifactPage list(
      @Nullable @QueryValue final String type,
      @Nullable @Parameter(description = "an artifact name, as logged (path:hash) or its path alone") @QueryValue final String name,
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
    final String fingerprint = "artifacts|" + type + '|' + name + '|' + properties + '|' + order;
    final boolean descending = order.startsWith("-");
    final StringBuilder sql = new StringBuilder("SELECT " + ProjectionStore.ARTIFACT_COLUMNS + " FROM artifacts a WHERE true");
    final List<Object> params = new ArrayList<>();
    if (type != null) {
      sql.append(" AND a.type = ?");
      params.add(type);
    }
    if (name != null) {
      // The name as logged, or its path (what precedes the first ':') among the artifact's names:
      // each half served by its GIN index (V003's on the names, V008's on their paths).
      sql.append(" AND (a.names @> ?::text[] OR artifact_paths(a.names) @> ?::text[])");
      params.add(new String[] {name});
      params.add(new String[] {name});
    }
    Filters.properties(properties, "a", sql, params);
    final Keyset keyset = new Keyset("a", "uri", descending, fingerprint);
    keyset.append(pageToken, size, sql, params);
    final List<Artifact> rows = store.query(sql.toString(), ProjectionStore::artifact, params.toArray());
    return new ArtifactPage(rows.stream().limit(size).map(ArtifactView::of).toList(), keyset.next(rows, size, Artifact::firstSeen, Artifact::uri));
  }

  @Operation(summary = "one artifact by its content hash, with all its names, the executions that wrote it and those that read it")
  @Get("/{hash}/metadata")
  HttpResponse<?> one(@PathVariable final String hash) {
    final var artifact = store.artifact(hash);
    if (artifact.isEmpty()) {
      return Responses.problem(404, "not-found", "no artifact has content hash " + hash);
    }
    final List<Event> events = store.eventsOfArtifacts(List.of(hash));
    final Set<String> uuids = new TreeSet<>();
    events.forEach(e -> uuids.add(e.executionUuid()));
    final java.util.Map<String, Execution> executions = new java.util.HashMap<>();
    store.executionRows(uuids).forEach(e -> executions.put(e.uuid(), e));
    // A reused execution is one row per uuid, each with the artifact's event: it is listed once,
    // under the uuid of its representative row, as the cmf routes show it.
    final Set<ExecutionRef> producers = new java.util.LinkedHashSet<>();
    final Set<ExecutionRef> consumers = new java.util.LinkedHashSet<>();
    for (final Event e : events) {
      final Execution x = executions.get(e.executionUuid());
      final String uuid = x == null || x.uuids().isEmpty() ? e.executionUuid() : x.uuids().get(0);
      final ExecutionRef ref = new ExecutionRef(uuid, x == null ? null : x.pipeline(), x == null ? null : x.stage(), e.direction());
      (e.output() ? producers : consumers).add(ref);
    }
    return HttpResponse.ok(new ArtifactDetail(ArtifactView.of(artifact.get()), sorted(producers), sorted(consumers)));
  }

  private static List<ExecutionRef> sorted(final Set<ExecutionRef> refs) {
    return refs.stream().sorted(java.util.Comparator.comparing(ExecutionRef::uuid).thenComparing(ExecutionRef::direction)).toList();
  }
}
