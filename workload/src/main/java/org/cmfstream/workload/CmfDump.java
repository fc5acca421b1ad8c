// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.workload.GeneratedPipeline.Artifact;
import org.cmfstream.workload.GeneratedPipeline.Event;
import org.cmfstream.workload.GeneratedPipeline.Execution;
import org.cmfstream.workload.GeneratedPipeline.Stage;

/**
 * A pipeline as cmf's {@code CmfQuery.dumptojson} writes it (cmf-protocol.md section 2.2): keys
 * in MLMD's order, {@code stages} and {@code executions} first, artifacts embedded in every event,
 * MLMD ids and type ids of the client's own store (which the server ignores).
 */
final class CmfDump {

  /** MLMD registers 9 simple types first, so cmf's types start at 10 (section 2.1). */
  private static final Map<String, Long> TYPE_IDS =
      Map.of("Parent_Context", 10L, "Pipeline_Stage", 11L, "Environment", 13L, "Dataset", 14L, "Label", 15L, "Model", 16L, "Metrics", 17L);

  private CmfDump() {}

  static Map<String, Object> of(final GeneratedPipeline pipeline) {
    final Map<String, Long> artifactIds = new HashMap<>();
    final Map<String, Long> executionTypeIds = new HashMap<>();
    long executionId = 0;
    final List<Object> stages = new ArrayList<>();
    long contextId = 1;
    for (final Stage stage : pipeline.stages()) {
      contextId++;
      final List<Object> executions = new ArrayList<>();
      for (final Execution execution : stage.executions()) {
        executionId++;
        final List<Object> events = new ArrayList<>();
        for (final Event event : execution.events()) {
          final Map<String, Object> e = new LinkedHashMap<>();
          e.put("type", (long) event.type());
          e.put("artifact", artifact(event.artifact(), artifactIds.computeIfAbsent(event.artifact().uri(), u -> artifactIds.size() + 1L)));
          events.add(e);
        }
        final Map<String, Object> x = new LinkedHashMap<>();
        x.put("type", execution.type());
        x.put("name", execution.name());
        x.put("events", events);
        x.put("create_time_since_epoch", execution.created());
        x.put("custom_properties", execution.customProperties());
        x.put("id", executionId);
        x.put("last_update_time_since_epoch", execution.created() + 700);
        x.put("properties", execution.properties());
        x.put("type_id", executionTypeIds.computeIfAbsent(execution.type(), t -> 20L + executionTypeIds.size()));
        executions.add(x);
      }
      final Map<String, Object> s = new LinkedHashMap<>();
      s.put("executions", executions);
      s.put("create_time_since_epoch", stage.created());
      s.put("custom_properties", stage.customProperties());
      s.put("id", contextId);
      s.put("last_update_time_since_epoch", stage.created());
      s.put("name", stage.name());
      s.put("properties", Workload.map("Pipeline_Stage", stage.name()));
      s.put("type", "Pipeline_Stage");
      s.put("type_id", TYPE_IDS.get("Pipeline_Stage"));
      stages.add(s);
    }
    final Map<String, Object> p = new LinkedHashMap<>();
    p.put("stages", stages);
    p.put("create_time_since_epoch", pipeline.created());
    p.put("custom_properties", Map.of());
    p.put("id", 1L);
    p.put("last_update_time_since_epoch", pipeline.created());
    p.put("name", pipeline.name());
    p.put("properties", Workload.map("Pipeline", pipeline.name()));
    p.put("type", "Parent_Context");
    p.put("type_id", TYPE_IDS.get("Parent_Context"));
    return Workload.map("Pipeline", List.of(p));
  }

  private static Map<String, Object> artifact(final Artifact a, final long id) {
    final Map<String, Object> x = new LinkedHashMap<>();
    x.put("type", a.type());
    x.put("create_time_since_epoch", a.created());
    x.put("custom_properties", a.customProperties());
    x.put("id", id);
    x.put("last_update_time_since_epoch", a.created());
    x.put("name", a.name());
    x.put("properties", a.properties());
    x.put("type_id", TYPE_IDS.getOrDefault(a.type(), 18L));
    x.put("uri", a.uri());
    return x;
  }
}
