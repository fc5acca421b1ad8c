// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.Models.Stage;
import org.cmfstream.query.store.PipelineSnapshot;

/**
 * Renders the central state of a pipeline as the cmf {@code dumptojson} document
 * (cmf-protocol.md, sections 2 and 3.3), which {@code mlmd_pull} returns and the cmf client merges
 * into its local store. The server-side conventions hold: an execution's {@code type} is its stage
 * ({@code Context_Type}), its {@code Context_ID} and {@code Pipeline_id} are this server's ids,
 * every stage, execution and artifact carries {@code original_create_time_since_epoch} (a string),
 * and a grow-only comma-set ({@code url}, {@code labels}, ...) is joined with commas again.
 */
public final class CmfDump {

  /** MLMD registers nine simple types first, then cmf's in this order; the client ignores type ids. */
  private static final Map<String, Integer> TYPE_IDS =
      Map.of("Parent_Context", 10, "Pipeline_Stage", 11, "Environment", 13, "Dataset", 14, "Label", 15, "Model", 16, "Metrics", 17,
          "Step_Metrics", 18, "Dataslice", 19);

  /** MLMD's event types. */
  private static final Map<String, Integer> EVENT_TYPES = Map.of("INPUT", 3, "OUTPUT", 4, "INTERNAL_OUTPUT", 6);

  private CmfDump() {}

  /** {@code {"Pipeline": [pipeline]}} with every execution, or only those whose uuids include {@code execUuid}. */
  public static Map<String, Object> document(final List<Map<String, Object>> pipelines) {
    return Map.of("Pipeline", pipelines);
  }

  /**
   * One pipeline of the dump.
   *
   * @param execUuid only executions whose uuids include it (stages without one keep an empty
   *     list, as the real server's dump does), or null for every execution
   * @param updatedAfter for the incremental form (cmf-protocol.md, section 4.3): only executions
   *     that reached this server after it, and only the stages that have one or reached it after
   *     it themselves; 0 for everything. It is compared with {@code synced}, this server's time of
   *     arrival, not with {@code updated}, the sites' time of logging: what a site logged before a
   *     peer's last sync but uploaded after it is new to that peer.
   */
  public static Map<String, Object> pipeline(final PipelineSnapshot snapshot, final String execUuid, final long updatedAfter) {
    final List<Object> stages = new ArrayList<>();
    for (final Stage stage : snapshot.stages()) {
      final List<Object> executions = new ArrayList<>();
      for (final Execution execution : snapshot.executions(stage.name())) {
        if (execUuid != null && !execution.uuids().contains(execUuid) && !execution.uuid().equals(execUuid)) {
          continue;
        }
        if (updatedAfter > 0 && arrived(execution.synced(), execution.updated()) <= updatedAfter) {
          continue;
        }
        executions.add(execution(snapshot, execution));
      }
      if (updatedAfter > 0 && executions.isEmpty() && arrived(stage.synced(), stage.updated()) <= updatedAfter) {
        continue;
      }
      final Map<String, Object> s = new LinkedHashMap<>();
      s.put("executions", executions);
      s.put("create_time_since_epoch", orZero(stage.firstSeen()));
      s.put("custom_properties", withOriginalTime(stage.customProperties(), stage.created()));
      s.put("id", stage.id());
      s.put("last_update_time_since_epoch", orZero(stage.updated()));
      s.put("name", stage.name());
      s.put("properties", Map.of("Pipeline_Stage", stage.name()));
      s.put("type", "Pipeline_Stage");
      s.put("type_id", TYPE_IDS.get("Pipeline_Stage"));
      stages.add(s);
    }
    final Map<String, Object> p = new LinkedHashMap<>();
    p.put("stages", stages);
    p.put("create_time_since_epoch", orZero(snapshot.pipeline().firstSeen()));
    // The real server keeps no custom properties of a pipeline (cmf-protocol.md, section 3.3).
    p.put("custom_properties", Map.of());
    p.put("id", snapshot.pipeline().id());
    p.put("last_update_time_since_epoch", orZero(snapshot.pipeline().updated()));
    p.put("name", snapshot.pipeline().name());
    p.put("properties", Map.of("Pipeline", snapshot.pipeline().name()));
    p.put("type", "Parent_Context");
    p.put("type_id", TYPE_IDS.get("Parent_Context"));
    return p;
  }

  static Map<String, Object> execution(final PipelineSnapshot snapshot, final Execution execution) {
    final Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", execution.stage());
    e.put("name", execution.name() == null ? "" : execution.name());
    final List<Object> events = new ArrayList<>();
    for (final Event event : snapshot.events(execution)) {
      snapshot.artifact(event.artifactUri()).ifPresent(a -> {
        final Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("type", EVENT_TYPES.getOrDefault(event.direction(), 4));
        ev.put("artifact", artifact(a));
        events.add(ev);
      });
    }
    e.put("events", events);
    e.put("create_time_since_epoch", orZero(execution.firstSeen()));
    e.put("custom_properties", withOriginalTime(execution.customProperties(), execution.created()));
    e.put("id", execution.id());
    e.put("last_update_time_since_epoch", orZero(execution.updated()));
    e.put("properties", executionProperties(execution, snapshot.stageId(execution.stage()), snapshot.pipeline().id()));
    e.put("type_id", typeId(execution.stage()));
    return e;
  }

  /** The fixed execution properties, rebuilt from this server's own context as the real server does. */
  static Map<String, Object> executionProperties(final Execution execution, final long stageId, final long pipelineId) {
    final Map<String, Object> props = new TreeMap<>(execution.properties());
    props.put("Context_ID", stageId);
    props.put("Context_Type", execution.stage());
    props.put("Execution_type_name", execution.stage());
    props.put("Execution_uuid", execution.joinedUuids());
    props.put("Pipeline_Type", execution.pipeline());
    props.put("Pipeline_id", pipelineId);
    return props;
  }

  public static Map<String, Object> artifact(final Artifact artifact) {
    final Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", artifact.type());
    a.put("create_time_since_epoch", orZero(artifact.firstSeen()));
    a.put("custom_properties", withOriginalTime(withSets(artifact.customProperties(), artifact, "custom."), artifact.created()));
    a.put("id", artifact.id());
    a.put("last_update_time_since_epoch", orZero(artifact.updated()));
    a.put("name", artifact.name());
    a.put("properties", withSets(artifact.properties(), artifact, "properties."));
    a.put("type_id", typeId(artifact.type()));
    a.put("uri", artifact.uri());
    return a;
  }

  /** The artifact's values of one kind, with its comma-sets of that kind joined again. */
  static Map<String, Object> withSets(final Map<String, Object> values, final Artifact artifact, final String prefix) {
    final Map<String, Object> out = new TreeMap<>(values);
    artifact.sets().forEach((name, members) -> {
      if (name.startsWith(prefix)) {
        out.put(name.substring(prefix.length()), String.join(",", members));
      }
    });
    return out;
  }

  static Map<String, Object> withOriginalTime(final Map<String, Object> custom, final Long created) {
    final Map<String, Object> out = new TreeMap<>(custom);
    if (created != null) {
      out.put("original_create_time_since_epoch", Long.toString(created));
    }
    return out;
  }

  /** A stable type id: cmf's own types as MLMD numbers them, any other type from its name. */
  static int typeId(final String type) {
    if (type == null) {
      return 0;
    }
    final Integer known = TYPE_IDS.get(type);
    return known != null ? known : 100 + Math.floorMod(type.hashCode(), 1_000_000);
  }

  /** When an entity last reached this server; rows from before V004 have only their update time. */
  static long arrived(final Long synced, final Long updated) {
    return synced != null ? synced : orZero(updated);
  }

  private static long orZero(final Long value) {
    return value == null ? 0L : value;
  }
}
