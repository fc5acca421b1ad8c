// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.Models.Pipeline;
import org.junit.jupiter.api.Test;

class PipelineSnapshotTest {

  private static final Pipeline PIPELINE = new Pipeline("p", 1L, Map.of(), 100L, 100L, 100L);
  private static final Artifact DATASET = new Artifact("d", 2L, "Dataset", List.of("data.csv:d"), Map.of(), Map.of(), Map.of(), 100L, 100L, 100L);

  /** The events of one artifact from several executions came in the order PostgreSQL found them, and the lineage layers with them. */
  @Test
  void shouldOrderOneArtifactsEventsTheSameWhateverTheOrderTheyWereRead() {
    // given: two executions, the younger of the smaller uuid, that both read the dataset
    final List<Execution> rows = List.of(execution("b-old", 100L), execution("a-new", 200L));
    final Event oldRead = new Event("b-old", "d", "INPUT", 100L);
    final Event newRead = new Event("a-new", "d", "INPUT", 200L);

    // when
    final PipelineSnapshot one = new PipelineSnapshot(PIPELINE, List.of(), rows, List.of(oldRead, newRead), List.of(DATASET));
    final PipelineSnapshot other = new PipelineSnapshot(PIPELINE, List.of(), rows, List.of(newRead, oldRead), List.of(DATASET));

    // then: oldest execution first, both times
    assertThat(one.eventsOf(DATASET)).extracting(Event::executionUuid).containsExactly("b-old", "a-new");
    assertThat(other.eventsOf(DATASET)).extracting(Event::executionUuid).containsExactly("b-old", "a-new");
  }

  private static Execution execution(final String uuid, final long created) {
    return new Execution(uuid, created, "p", "p/Train", "p/Train", "", Map.of(), Map.of(), List.of(uuid), created, created, created, created);
  }
}
