// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommitPacerTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final CommitPacer.Pacing PACING = new CommitPacer.Pacing(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(2));

  private final CommitPacer.Pacers pacers = new CommitPacer.Pacers(PACING);
  private MockProcessorContext<Object, Object> context;
  private CommitPacer pacer;

  @BeforeEach
  void start() {
    context = task();
    pacer = pacers.start(context);
  }

  private static MockProcessorContext<Object, Object> task() {
    final MockProcessorContext<Object, Object> task = new MockProcessorContext<>();
    task.setCurrentSystemTimeMs(NOW);
    return task;
  }

  private void tick() {
    tick(context);
  }

  private static void tick(final MockProcessorContext<Object, Object> task) {
    task.scheduledPunctuators().get(0).getPunctuator().punctuate(task.currentSystemTimeMs());
  }

  @Test
  void shouldTickOnTheWallClockAtTheShortInterval() {
    // then
    assertThat(context.scheduledPunctuators()).hasSize(1);
    final CapturedPunctuator tick = context.scheduledPunctuators().get(0);
    assertThat(tick.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
    assertThat(tick.getInterval()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void shouldAskForOneCommitAtTheTickAfterAFreshRecord() {
    // given: a record appended 20 ms ago, then one exactly as old as a backlog's records begin
    pacer.seen(NOW - 20);
    pacer.seen(NOW - 2_000);

    // when/then: no commit before the tick, one at it
    assertThat(context.committed()).isFalse();
    tick();
    assertThat(context.committed()).isTrue();

    // and: nothing more until another fresh record comes, and one interval has passed
    context.resetCommit();
    tick();
    assertThat(context.committed()).isFalse();
    pacer.seen(NOW - 1);
    tick();
    assertThat(context.committed()).isFalse();
    context.setCurrentSystemTimeMs(NOW + 50);
    tick();
    assertThat(context.committed()).isTrue();
  }

  @Test
  void shouldAskOnceForTheTasksOfAThread() {
    // given: a second task on the same stream thread; both take fresh records
    final MockProcessorContext<Object, Object> other = task();
    final CommitPacer otherPacer = pacers.start(other);
    pacer.seen(NOW - 10);
    otherPacer.seen(NOW - 10);

    // when: both tick in the same loop of the thread
    tick();
    tick(other);

    // then: one commit, which commits both tasks
    assertThat(context.committed()).isTrue();
    assertThat(other.committed()).isFalse();

    // and: a record the second task takes after that ask waits for the next interval
    context.resetCommit();
    otherPacer.seen(NOW - 10);
    tick(other);
    assertThat(other.committed()).isFalse();
    other.setCurrentSystemTimeMs(NOW + 50);
    tick(other);
    assertThat(other.committed()).isTrue();
    assertThat(context.committed()).isFalse();
  }

  @Test
  void shouldNotShareAsksBetweenThreads() throws Exception {
    // given: a task of another stream thread has just asked
    final Thread thread = new Thread(() -> {
      final MockProcessorContext<Object, Object> elsewhere = task();
      pacers.start(elsewhere).seen(NOW - 10);
      tick(elsewhere);
    });
    thread.start();
    thread.join();

    // when
    pacer.seen(NOW - 10);
    tick();

    // then: this thread's commit is its own to ask for
    assertThat(context.committed()).isTrue();
  }

  /**
   * Whether records of these ages (ms before the replay's clock; negative when the ingest's clock
   * runs ahead) make the next tick ask for a commit: only a record younger than the backlog age.
   */
  @ParameterizedTest(name = "records aged {0} ms: commit {1}")
  @CsvSource({
      "2001 3600000, false", // a backlog: older than the backlog age
      "5000 10, true", // a backlog ending within a tick, then a fresh record
      "-1000, true", // the ingest's clock a second ahead of the replay's: the short interval, as before pacing
  })
  void shouldAskOnlyForRecordsYoungerThanTheBacklogAge(final String ages, final boolean commits) {
    // given
    for (final String age : ages.split(" ")) {
      pacer.seen(NOW - Long.parseLong(age));
    }

    // when
    tick();

    // then
    assertThat(context.committed()).isEqualTo(commits);
  }

  @Test
  void shouldNotTickWhenTheShortIntervalIsNotShorter() {
    // given
    final MockProcessorContext<Object, Object> unpaced = new MockProcessorContext<>();

    // when
    new CommitPacer.Pacers(new CommitPacer.Pacing(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofSeconds(2))).start(unpaced);

    // then: Kafka Streams' own interval alone
    assertThat(unpaced.scheduledPunctuators()).isEmpty();
  }
}
