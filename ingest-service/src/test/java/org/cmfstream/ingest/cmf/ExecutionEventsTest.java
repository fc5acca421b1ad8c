// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.journal.JournalRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionEventsTest {

  @TempDir Path dir;

  /** An event of artifact {@code i}: every third a {@code Metrics} artifact, every fourth an input. */
  private static ExecutionEvents.Event event(final int i, final String padding) {
    final Map<String, Object> custom = new HashMap<>();
    custom.put("loss", 0.5 / (i + 1));
    custom.put("epoch", (long) i);
    custom.put("note", "n-" + i + padding);
    final ArtifactFact artifact =
        ArtifactFact.newBuilder()
            .setUri("s3://bucket/artifact-" + i)
            .setType(i % 3 == 0 ? "Metrics" : "Dataset")
            .setName("artifact-" + i)
            .setProperties(Map.of("url", "s3://bucket/artifact-" + i))
            .setCustomProperties(custom)
            .setCreateTime(1_700_000_000_000L + i)
            .build();
    return ExecutionEvents.Event.of(i % 4 == 0 ? Direction.INPUT : Direction.OUTPUT, JournalRecords.of("site", null, Instant.ofEpochMilli(i), "upload", artifact));
  }

  private static List<ExecutionEvents.Event> events(final int from, final int count) {
    final List<ExecutionEvents.Event> events = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      events.add(event(i, ""));
    }
    return events;
  }

  private static List<ExecutionEvents.Event> read(final ExecutionEvents events) {
    final List<ExecutionEvents.Event> read = new ArrayList<>();
    events.forEach(read::add);
    return read;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  @Test
  void shouldReadEventsBeyondThoseHeldInMemoryBackInOrderAsOftenAsAsked() throws Exception {
    try (ExecutionEvents.Spill spill = new ExecutionEvents.Spill(dir)) {
      // given: three held in memory, the rest spilled
      final ExecutionEvents events = new ExecutionEvents(spill, 3);
      final List<ExecutionEvents.Event> added = events(0, 10);
      added.forEach(events::add);

      // when: read once per uuid of a reused execution
      final List<ExecutionEvents.Event> first = read(events);
      final List<ExecutionEvents.Event> second = read(events);

      // then
      assertThat(files()).hasSize(1);
      assertThat(events.size()).isEqualTo(10);
      assertThat(first).isEqualTo(added);
      assertThat(second).isEqualTo(added);
      assertThat(first.get(0).metrics()).containsOnlyKeys("epoch", "loss");
    }
  }

  @Test
  void shouldHoldEveryEventInMemoryWithoutASpill() throws Exception {
    // given
    final ExecutionEvents events = new ExecutionEvents(null, 3);
    final List<ExecutionEvents.Event> added = events(0, 2_000);
    // when
    added.forEach(events::add);
    // then
    assertThat(read(events)).isEqualTo(added);
    assertThat(files()).isEmpty();
  }

  @Test
  void shouldReadBackAnEventLargerThanTheSpillsBuffer() throws Exception {
    try (ExecutionEvents.Spill spill = new ExecutionEvents.Spill(dir)) {
      // given
      final ExecutionEvents events = new ExecutionEvents(spill, 0);
      final List<ExecutionEvents.Event> added = List.of(event(1, ""), event(2, "x".repeat(300 * 1024)), event(3, ""));
      // when
      added.forEach(events::add);
      // then
      assertThat(read(events)).isEqualTo(added);
    }
  }

  @Test
  void shouldForgetTheEventsAddedBeforeAClear() throws Exception {
    try (ExecutionEvents.Spill spill = new ExecutionEvents.Spill(dir)) {
      // given: an execution that names its events twice, both lists spilled
      final ExecutionEvents events = new ExecutionEvents(spill, 2);
      events(0, 5).forEach(events::add);
      // when
      events.clear();
      final List<ExecutionEvents.Event> last = events(100, 4);
      last.forEach(events::add);
      // then
      assertThat(events.size()).isEqualTo(4);
      assertThat(read(events)).isEqualTo(last);
    }
  }

  @Test
  void shouldReuseTheSpillOnceTheLastExecutionInItIsReleased() throws Exception {
    try (ExecutionEvents.Spill spill = new ExecutionEvents.Spill(dir)) {
      // given: one execution after another, as a dump lists them
      final ExecutionEvents first = new ExecutionEvents(spill, 2);
      events(0, 50).forEach(first::add);
      final long used = spill.end();
      // when
      first.release();
      final long released = spill.end();
      final ExecutionEvents second = new ExecutionEvents(spill, 2);
      final List<ExecutionEvents.Event> added = events(50, 50);
      added.forEach(second::add);
      // then: the second wrote over the first one's bytes
      assertThat(used).isPositive();
      assertThat(released).isZero();
      assertThat(read(second)).isEqualTo(added);
    }
  }

  @Test
  void shouldKeepAnExecutionsEventsWhileALaterOneUsesTheSpill() throws Exception {
    try (ExecutionEvents.Spill spill = new ExecutionEvents.Spill(dir)) {
      // given: an execution held until its stage's name comes, and the next one
      final ExecutionEvents held = new ExecutionEvents(spill, 2);
      final List<ExecutionEvents.Event> heldEvents = events(0, 20);
      heldEvents.forEach(held::add);
      final ExecutionEvents next = new ExecutionEvents(spill, 2);
      final List<ExecutionEvents.Event> nextEvents = events(20, 20);
      nextEvents.forEach(next::add);
      // when: the first is released while the second's events follow it
      held.release();
      // then
      assertThat(read(held)).isEqualTo(heldEvents);
      assertThat(read(next)).isEqualTo(nextEvents);
    }
  }

  @Test
  void shouldDeleteTheSpillWhenClosed() throws Exception {
    // given
    final ExecutionEvents.Spill spill = new ExecutionEvents.Spill(dir);
    final ExecutionEvents events = new ExecutionEvents(spill, 1);
    events(0, 3).forEach(events::add);
    assertThat(files()).hasSize(1);
    // when
    spill.close();
    // then
    assertThat(files()).isEmpty();
  }
}
