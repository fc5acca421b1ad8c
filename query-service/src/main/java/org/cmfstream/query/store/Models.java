// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import java.util.List;
import java.util.Map;

/**
 * The read side's view of the projection tables (projection-schema, V002 and V003): one record per
 * row kind. Times are epoch milliseconds; {@code created} is the time the site logged the entity,
 * {@code firstSeen} the earliest event time the journal carries for it, {@code updated} the newest
 * (all the sites' clocks), and {@code synced} the last time a change of it reached this server
 * (V004: the server's clock, what an incremental pull's {@code last_sync_time} is compared with).
 */
public final class Models {

  private Models() {}

  public record Pipeline(String name, long id, Map<String, Object> customProperties, Long firstSeen, Long updated, Long synced) {}

  public record Stage(
      String name, long id, String pipeline, Map<String, Object> customProperties, Long created, Long firstSeen, Long updated, Long synced) {}

  /**
   * An execution row. A reused execution (several comma-joined uuids) is one row per uuid, all
   * with the same {@code uuids} and {@code id}; {@link #representative()} picks one of them.
   */
  public record Execution(
      String uuid,
      long id,
      String pipeline,
      String stage,
      String type,
      String name,
      Map<String, Object> properties,
      Map<String, Object> customProperties,
      List<String> uuids,
      Long created,
      Long firstSeen,
      Long updated,
      Long synced) {

    /** Whether this row stands for its execution: the row of its first uuid. */
    public boolean representative() {
      return uuids.isEmpty() || uuids.get(0).equals(uuid);
    }

    /** The cmf {@code Execution_uuid}: every uuid of the execution, comma-joined. */
    public String joinedUuids() {
      return uuids.isEmpty() ? uuid : String.join(",", uuids);
    }
  }

  /**
   * An artifact, identified by its content hash ({@code uri}). {@code sets} holds the grow-only
   * comma-sets (names, {@code properties.url}, {@code custom.labels}, ...).
   */
  public record Artifact(
      String uri,
      long id,
      String type,
      List<String> names,
      Map<String, Object> properties,
      Map<String, Object> customProperties,
      Map<String, List<String>> sets,
      Long created,
      Long firstSeen,
      Long updated) {

    /** The name the cmf routes show: the first of its names, or the uri when it has none. */
    public String name() {
      return names.isEmpty() ? uri : names.get(0);
    }
  }

  /** An event: an execution read ({@code INPUT}) or wrote ({@code OUTPUT}, {@code INTERNAL_OUTPUT}) an artifact. */
  public record Event(String executionUuid, String artifactUri, String direction, Long firstSeen) {

    public boolean output() {
      return !"INPUT".equals(direction);
    }
  }

  public record Metric(String executionUuid, String name, long step, Double value) {}

  public record Conflict(String entityKey, String field, List<Object> values) {}

  public record Watermark(String site, long completeThrough, List<String> gaps) {}
}
