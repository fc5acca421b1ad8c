// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmfstream.query.cmf.TangledTree.Node;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.PipelineSnapshot;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.web.Responses;

/**
 * The cmf UI's three tangled-tree lineage views (cmf-protocol.md, section 6), computed from the
 * PostgreSQL projection as the real server computes them from its store, with its labels and its
 * layout ({@link TangledTree}). The v1 API's lineage, from Neo4j, is the bounded general one.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "cmf")
final class CmfLineageController {

  private static final Set<String> HIDDEN_TYPES = Set.of("Environment", "Label");

  private final ProjectionStore store;

  CmfLineageController(final ProjectionStore store) {
    this.store = store;
  }

  @Operation(summary = "artifact lineage of a pipeline: each artifact's parents are the inputs of the executions that wrote it")
  @Get(uris = {"/artifact-lineage/tangled-tree/{pipeline}", "/api/artifact-lineage/tangled-tree/{pipeline}"})
  HttpResponse<String> artifactLineage(@PathVariable final String pipeline) {
    final Optional<PipelineSnapshot> read = PipelineSnapshot.read(store, pipeline);
    if (read.isEmpty()) {
      return Responses.json(List.of());
    }
    final List<Artifact> artifacts = read.get().artifacts().stream().filter(a -> !HIDDEN_TYPES.contains(a.type())).toList();
    // Producers in any pipeline, and their inputs.
    final List<Event> writes = store.eventsOfArtifacts(artifacts.stream().map(Artifact::uri).toList()).stream().filter(Event::output).toList();
    final Map<String, Set<String>> producers = new LinkedHashMap<>();
    writes.forEach(w -> producers.computeIfAbsent(w.artifactUri(), k -> new LinkedHashSet<>()).add(w.executionUuid()));
    final Set<String> producerUuids = new LinkedHashSet<>();
    producers.values().forEach(producerUuids::addAll);
    final Map<String, List<String>> inputsOf = new LinkedHashMap<>();
    for (final Event e : store.eventsOfExecutions(producerUuids)) {
      if (!e.output()) {
        inputsOf.computeIfAbsent(e.executionUuid(), k -> new ArrayList<>()).add(e.artifactUri());
      }
    }
    final Set<String> parentUris = new LinkedHashSet<>();
    inputsOf.values().forEach(parentUris::addAll);
    final Map<String, Artifact> known = new LinkedHashMap<>();
    store.artifacts(parentUris).forEach(a -> known.put(a.uri(), a));
    artifacts.forEach(a -> known.put(a.uri(), a));
    final Set<String> nodeUris = new LinkedHashSet<>();
    artifacts.forEach(a -> nodeUris.add(a.uri()));
    final List<Node> nodes = new ArrayList<>();
    for (final Artifact a : artifacts) {
      final Set<String> parents = new LinkedHashSet<>();
      for (final String producer : producers.getOrDefault(a.uri(), Set.of())) {
        for (final String input : inputsOf.getOrDefault(producer, List.of())) {
          final Artifact parent = known.get(input);
          if (parent != null && !HIDDEN_TYPES.contains(parent.type()) && !input.equals(a.uri())) {
            parents.add(input);
          }
        }
      }
      final List<String> ordered = new ArrayList<>(parents);
      ordered.sort(Comparator.comparingLong(uri -> known.get(uri).id()));
      nodes.add(new Node(a.uri(), CmfLabels.artifactLabel(a.name(), a.type()), ordered.stream()
          .map(uri -> nodeUris.contains(uri) ? uri : "outside:" + uri).toList()));
    }
    return Responses.json(TangledTree.layers(nodes));
  }

  @Operation(summary = "execution lineage: the ancestors of the execution whose Execution_uuid's first 4 characters are {uuid}")
  @Get(uris = {"/execution-lineage/tangled-tree/{uuid}/{pipeline}", "/api/execution-lineage/tangled-tree/{uuid}/{pipeline}"})
  HttpResponse<String> executionLineage(@PathVariable final String uuid, @PathVariable final String pipeline) {
    final Optional<PipelineSnapshot> read = PipelineSnapshot.read(store, pipeline);
    // The real server matches Execution_uuid.str[:4] == uuid (cmf-protocol.md, section 6.2): the
    // short id of /list-of-executions, exactly; a shorter prefix or a whole uuid matches nothing.
    final Optional<Execution> start = read.flatMap(s -> s.executions().stream().filter(e -> first4(e.joinedUuids()).equals(uuid)).findFirst());
    if (start.isEmpty()) {
      return Responses.json(Map.of("error", "uuid '" + uuid + "' does not match any execution in pipeline '" + pipeline + "'"));
    }
    final PipelineSnapshot snapshot = read.get();
    final Map<String, List<String>> writers = new LinkedHashMap<>();
    for (final Execution e : snapshot.executions()) {
      for (final Event ev : snapshot.events(e)) {
        if (ev.output()) {
          writers.computeIfAbsent(ev.artifactUri(), k -> new ArrayList<>()).add(e.uuid());
        }
      }
    }
    final Map<String, List<String>> parents = new LinkedHashMap<>();
    final Deque<Execution> queue = new ArrayDeque<>(List.of(start.get()));
    while (!queue.isEmpty()) {
      final Execution e = queue.poll();
      if (parents.containsKey(e.uuid())) {
        continue;
      }
      final Set<String> ps = new LinkedHashSet<>();
      for (final Event ev : snapshot.events(e)) {
        if (!ev.output()) {
          for (final String writer : writers.getOrDefault(ev.artifactUri(), List.of())) {
            if (!writer.equals(e.uuid())) {
              ps.add(writer);
            }
          }
        }
      }
      parents.put(e.uuid(), new ArrayList<>(ps));
      ps.forEach(p -> snapshot.executionOf(p).ifPresent(queue::add));
    }
    final List<Node> nodes = new ArrayList<>();
    // Oldest first, so that the layers read from the first stage on.
    final List<String> keys = new ArrayList<>(parents.keySet());
    keys.sort(Comparator.comparing(k -> snapshot.executionOf(k).map(Execution::created).orElse(Long.MAX_VALUE), Comparator.nullsLast(Comparator.naturalOrder())));
    for (final String key : keys) {
      final Execution e = snapshot.executionOf(key).orElseThrow();
      nodes.add(new Node(key, CmfLabels.executionShortName(e), parents.get(key)));
    }
    return Responses.json(TangledTree.layers(nodes));
  }

  @Operation(summary = "bipartite lineage of a pipeline: artifacts and the executions between them")
  @Get(uris = {"/artifact-execution-lineage/tangled-tree/{pipeline}", "/api/artifact-execution-lineage/tangled-tree/{pipeline}"})
  HttpResponse<String> artifactExecutionLineage(@PathVariable final String pipeline) {
    final Optional<PipelineSnapshot> read = PipelineSnapshot.read(store, pipeline);
    if (read.isEmpty()) {
      return Responses.json(List.of());
    }
    final PipelineSnapshot snapshot = read.get();
    final Map<String, String> labels = new LinkedHashMap<>();
    final Map<String, List<String>> parents = new LinkedHashMap<>();
    for (final Artifact a : snapshot.artifacts()) {
      if (HIDDEN_TYPES.contains(a.type())) {
        continue;
      }
      final String artifactKey = "a_" + a.id();
      labels.put(artifactKey, "artifact_name_" + CmfLabels.bipartiteArtifactLabel(a.name(), a.type()));
      parents.computeIfAbsent(artifactKey, k -> new ArrayList<>());
      for (final Event ev : snapshot.eventsOf(a)) {
        final Execution e = snapshot.executionOf(ev.executionUuid()).orElseThrow();
        final String executionKey = "e_" + e.id();
        if (ev.output()) {
          parents.get(artifactKey).add(executionKey);
        } else {
          labels.putIfAbsent(executionKey, "execution_name_" + e.stage() + ":" + first4(e.joinedUuids()));
          parents.computeIfAbsent(executionKey, k -> new ArrayList<>()).add(artifactKey);
        }
      }
    }
    final List<Node> nodes = new ArrayList<>();
    parents.forEach((key, ps) -> nodes.add(new Node(key, labels.get(key), ps)));
    return Responses.json(TangledTree.layers(nodes));
  }

  private static String first4(final String text) {
    return text.length() <= 4 ? text : text.substring(0, 4);
  }
}
