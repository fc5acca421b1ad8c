// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Execution;

/** The v1 API's response bodies. Times are epoch milliseconds. */
public final class Views {

  private Views() {}

  @Serdeable
  @Schema(description = "A pipeline and its stages")
  public record PipelineView(String name, long id, @Nullable Long firstSeen, @Nullable Long updated, List<StageView> stages) {}

  @Serdeable
  public record StageView(String name, long id, Map<String, Object> customProperties, @Nullable Long created, long executions) {}

  // One page record per item type: micronaut-serde introspects no generic record.

  @Serdeable
  public record ExecutionPage(List<ExecutionView> items, @Nullable @Schema(description = "pass as page_token for the next page; null on the last") String nextPageToken) {}

  @Serdeable
  public record ArtifactPage(List<ArtifactView> items, @Nullable @Schema(description = "pass as page_token for the next page; null on the last") String nextPageToken) {}

  @Serdeable
  public record ConflictPage(List<ConflictView> items, @Nullable @Schema(description = "pass as page_token for the next page; null on the last") String nextPageToken) {}

  @Serdeable
  public record ExecutionView(
      String uuid,
      List<String> uuids,
      long id,
      String pipeline,
      String stage,
      String type,
      String name,
      Map<String, Object> properties,
      Map<String, Object> customProperties,
      @Nullable Long created,
      @Nullable Long firstSeen,
      @Nullable Long updated) {

    static ExecutionView of(final Execution e) {
      return new ExecutionView(e.uuid(), e.uuids(), e.id(), e.pipeline(), e.stage(), e.type(), e.name(), e.properties(), e.customProperties(),
          e.created(), e.firstSeen(), e.updated());
    }
  }

  @Serdeable
  public record ArtifactView(
      String uri,
      long id,
      String type,
      List<String> names,
      Map<String, Object> properties,
      Map<String, Object> customProperties,
      @Schema(description = "grow-only sets: a comma-joined cmf value (url, labels, ...) as its members") Map<String, List<String>> sets,
      @Nullable Long created,
      @Nullable Long firstSeen,
      @Nullable Long updated) {

    static ArtifactView of(final Artifact a) {
      return new ArtifactView(a.uri(), a.id(), a.type(), a.names(), a.properties(), a.customProperties(), a.sets(), a.created(), a.firstSeen(),
          a.updated());
    }
  }

  @Serdeable
  public record ArtifactRef(String uri, String type, String name) {

    static ArtifactRef of(final Artifact a) {
      return new ArtifactRef(a.uri(), a.type(), a.name());
    }
  }

  @Serdeable
  public record ExecutionRef(String uuid, String pipeline, String stage, String direction) {}

  @Serdeable
  public record MetricView(String name, long step, @Nullable Double value) {}

  @Serdeable
  public record ExecutionDetail(ExecutionView execution, List<ArtifactRef> inputs, List<ArtifactRef> outputs, List<MetricView> metrics) {}

  @Serdeable
  public record ArtifactDetail(ArtifactView artifact, List<ExecutionRef> producers, List<ExecutionRef> consumers) {}

  @Serdeable
  public record ConflictView(String entity, String field, List<Object> values) {}

  @Serdeable
  public record WatermarkView(String site, long completeThrough, List<String> gaps) {}

  @Serdeable
  public record LineageNode(String id, String kind, String key, @Nullable String type, @Nullable String label, int depth) {}

  @Serdeable
  public record LineageEdge(String from, String to, String kind) {}

  @Serdeable
  public record Lineage(
      String root,
      String direction,
      int depth,
      List<LineageNode> nodes,
      List<LineageEdge> edges,
      @Schema(description = "true when the node budget or the time limit cut the walk short") boolean truncated,
      @Nullable @Schema(description = "pass as cursor to continue a truncated walk") String cursor) {}
}
