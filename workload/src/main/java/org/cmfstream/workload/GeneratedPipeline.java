// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.util.List;
import java.util.Map;

/**
 * One generated pipeline of one site with all its runs: the model both output forms are rendered
 * from. Maps keep their insertion order, which is the order the output writes them in.
 *
 * @param site the site that runs it
 * @param name the pipeline name
 * @param created when the pipeline was first logged, epoch milliseconds
 * @param stages its stages, in order
 */
public record GeneratedPipeline(String site, String name, long created, List<Stage> stages) {

  /** A stage: {@code name} is {@code <pipeline>/<stage>}. */
  public record Stage(String name, long created, Map<String, Object> customProperties, List<Execution> executions) {}

  /**
   * An execution. A reused one ({@code name} not empty) carries the uuids of every run that reused
   * it, and the events of all those runs.
   */
  public record Execution(
      List<String> uuids, String type, String name, long created, Map<String, Object> properties, Map<String, Object> customProperties,
      List<Event> events) {

    /** The comma-joined {@code Execution_uuid}. */
    public String joinedUuids() {
      return String.join(",", uuids);
    }
  }

  /** An event: MLMD's type, 3 INPUT or 4 OUTPUT, and the artifact. */
  public record Event(int type, Artifact artifact) {

    /** The journal schema's direction of this event. */
    public String direction() {
      return type == 3 ? "INPUT" : "OUTPUT";
    }
  }

  /** An artifact: {@code uri} is its content hash (a uuid for Metrics). */
  public record Artifact(String uri, String type, String name, long created, Map<String, Object> properties, Map<String, Object> customProperties) {}

  /** The executions of the pipeline, one per uuid, as the central state counts them. */
  public int executionCount() {
    return stages.stream().flatMap(s -> s.executions().stream()).mapToInt(e -> e.uuids().size()).sum();
  }
}
