// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.Models.Pipeline;
import org.cmfstream.query.store.Models.Stage;

/**
 * One pipeline read whole: its stages, executions, events and artifacts, as the cmf dump, the
 * model card and the tangled-tree lineage views need them (the real server builds the same views
 * from in-memory tables of the pipeline). A reused execution appears once, as its representative
 * row, carrying the events of all its uuids.
 */
public final class PipelineSnapshot {

  private final Pipeline pipeline;
  private final List<Stage> stages;
  private final List<Execution> executions;
  private final Map<String, Execution> executionByUuid = new LinkedHashMap<>();
  private final Map<String, List<Event>> eventsByExecution = new LinkedHashMap<>();
  private final Map<String, List<Event>> eventsByArtifact = new LinkedHashMap<>();
  private final Map<String, Artifact> artifacts = new LinkedHashMap<>();

  PipelineSnapshot(final Pipeline pipeline, final List<Stage> stages, final List<Execution> rows, final List<Event> events, final List<Artifact> artifacts) {
    this.pipeline = pipeline;
    this.stages = List.copyOf(stages);
    final Map<String, Execution> representatives = new LinkedHashMap<>();
    for (final Execution row : rows) {
      if (row.representative()) {
        representatives.put(row.uuid(), row);
      }
    }
    for (final Execution row : rows) {
      final String first = row.uuids().isEmpty() ? row.uuid() : row.uuids().get(0);
      final Execution representative = representatives.getOrDefault(first, row);
      representatives.putIfAbsent(first, representative);
      executionByUuid.put(row.uuid(), representative);
    }
    this.executions = List.copyOf(new LinkedHashSet<>(executionByUuid.values()));
    artifacts.forEach(a -> this.artifacts.put(a.uri(), a));
    final Set<String> seen = new java.util.HashSet<>();
    final List<Event> sorted = new ArrayList<>(events);
    // Inputs before outputs, then in the order the artifacts were created: the order MLMD keeps.
    // Then, so that one artifact's events from several executions (and the tangled-tree layers
    // built from them) come in the same order on every read, by execution, oldest first.
    sorted.sort(Comparator.comparing(Event::output).thenComparing(e -> createdOf(e.artifactUri())).thenComparing(Event::artifactUri)
        .thenComparing(e -> executionCreatedOf(e.executionUuid())).thenComparing(Event::executionUuid).thenComparing(Event::direction));
    for (final Event event : sorted) {
      final Execution execution = executionByUuid.get(event.executionUuid());
      if (execution == null || !seen.add(execution.uuid() + '\u001f' + event.artifactUri() + '\u001f' + event.direction())) {
        continue;
      }
      final Event shown = new Event(execution.uuid(), event.artifactUri(), event.direction(), event.firstSeen());
      eventsByExecution.computeIfAbsent(execution.uuid(), k -> new ArrayList<>()).add(shown);
      eventsByArtifact.computeIfAbsent(event.artifactUri(), k -> new ArrayList<>()).add(shown);
    }
  }

  /**
   * Reads a pipeline, or nothing when there is no pipeline of that name. Its five queries see one
   * snapshot: run apart, a batch the sink committed between them could leave events of executions
   * that were read before they existed, or artifacts without the events that name them.
   */
  public static Optional<PipelineSnapshot> read(final ProjectionStore store, final String name) {
    return store.inSnapshot(s -> s.pipeline(name)
        .map(p -> new PipelineSnapshot(p, s.stages(name), s.executionRows(name), s.events(name), s.artifacts(name))));
  }

  private long executionCreatedOf(final String uuid) {
    final Execution e = executionByUuid.get(uuid);
    return e == null || e.created() == null ? Long.MAX_VALUE : e.created();
  }

  private long createdOf(final String uri) {
    final Artifact a = artifacts.get(uri);
    return a == null || a.created() == null ? Long.MAX_VALUE : a.created();
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public List<Stage> stages() {
    return stages;
  }

  public Optional<Stage> stage(final String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Every execution once, oldest first. */
  public List<Execution> executions() {
    return executions;
  }

  public List<Execution> executions(final String stage) {
    return executions.stream().filter(e -> stage.equals(e.stage())).toList();
  }

  /** The execution a uuid belongs to (for a reused execution, its representative). */
  public Optional<Execution> executionOf(final String uuid) {
    return Optional.ofNullable(executionByUuid.get(uuid));
  }

  public List<Event> events(final Execution execution) {
    return eventsByExecution.getOrDefault(execution.uuid(), List.of());
  }

  public List<Event> eventsOf(final Artifact artifact) {
    return eventsByArtifact.getOrDefault(artifact.uri(), List.of());
  }

  public Optional<Artifact> artifact(final String uri) {
    return Optional.ofNullable(artifacts.get(uri));
  }

  /** The pipeline's artifacts, oldest first. */
  public List<Artifact> artifacts() {
    return List.copyOf(artifacts.values());
  }

  /** The id of a stage by name; 0 when it is unknown. */
  public long stageId(final String name) {
    return stage(name).map(Stage::id).orElse(0L);
  }
}
