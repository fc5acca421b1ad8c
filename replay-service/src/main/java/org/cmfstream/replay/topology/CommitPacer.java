// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Commits often while the replay keeps up with the journal, and seldom while it catches up.
 *
 * <p>Every exactly-once commit ends a Kafka transaction: it flushes the caches and the producer's
 * batches for every partition the stream thread writes, and the broker writes a marker to each of
 * them. Committing every 50 ms keeps push-to-queryable latency low under a light load; under a
 * backlog it cuts the output into small batches and transactions, and Kafka's CPU per record
 * doubles (ReplayBenchmark, docs/PERFORMANCE.md). So Kafka Streams itself commits at the longer
 * {@link Pacing#catchingUp()} interval, and each paced processor asks for a commit at its
 * {@link Pacing#keepingUp()} tick when it has processed a record younger than {@link
 * Pacing#backlogAge()} since its thread last asked. A requested commit commits every task of the
 * stream thread, so one task that keeps up keeps the whole thread on the short interval, and the
 * tasks of a thread ask at most once an interval between them ({@link Pacers}).
 *
 * <p>The age of a record is the stream thread's clock against the record's timestamp, which the
 * journal takes from the ingest service's clock when it is written. The re-keyed stream keeps it,
 * so in the merge a record's age includes its wait for the first sub-topology's commit: the
 * backlog age must be above that wait, or records delayed once count as a backlog and are delayed
 * again (right after a large replay that wait reached 2 s at p99 in ReplayBenchmark, and the tail
 * of push-to-queryable grew: docs/PERFORMANCE.md, "Commit pacing"). A replay whose
 * clock runs ahead of the ingest's by more than the backlog age commits at the longer interval
 * only, which costs latency, never correctness.
 */
public final class CommitPacer {

  /**
   * @param keepingUp how often to commit while records arrive fresh
   * @param catchingUp how often Kafka Streams commits in any case
   * @param backlogAge the age past which a record counts as part of a backlog
   */
  public record Pacing(Duration keepingUp, Duration catchingUp, Duration backlogAge) {

    /** Whether there is a short interval to ask for at all. */
    boolean paced() {
      return keepingUp.compareTo(catchingUp) < 0;
    }
  }

  /**
   * Makes the pacers of one topology. They share, per stream thread, the commits its tasks asked
   * for: a commit commits every task of the thread, and every task's tick (a punctuation, which
   * itself marks the task as needing a commit) would otherwise ask for one of its own, a dozen
   * commits where one does (ReplayBenchmark, docs/PERFORMANCE.md: push-to-queryable p50 1.9 s
   * instead of 0.3 s). A task runs, ticks and commits on its stream thread only.
   */
  static final class Pacers {

    private final Pacing pacing;
    private final ThreadLocal<Asks> asks = ThreadLocal.withInitial(Asks::new);

    Pacers(final Pacing pacing) {
      this.pacing = pacing;
    }

    /** Paces {@code context}'s commits from now on; call from the processor's {@code init}. */
    CommitPacer start(final ProcessorContext<?, ?> context) {
      final CommitPacer pacer = new CommitPacer(context, pacing, asks);
      if (pacing.paced()) {
        context.schedule(pacing.keepingUp(), PunctuationType.WALL_CLOCK_TIME, pacer::tick);
      }
      return pacer;
    }
  }

  /** The commits one stream thread's tasks have asked for. */
  private static final class Asks {
    long count;
    long lastMillis = Long.MIN_VALUE;
  }

  private final ProcessorContext<?, ?> context;
  private final long intervalMillis;
  private final long backlogMillis;
  private final ThreadLocal<Asks> asks;
  /** The thread's ask count when this task took its first fresh record since then; -1 if none. */
  private long pendingSince = -1;

  private CommitPacer(final ProcessorContext<?, ?> context, final Pacing pacing, final ThreadLocal<Asks> asks) {
    this.context = context;
    this.intervalMillis = pacing.keepingUp().toMillis();
    this.backlogMillis = pacing.backlogAge().toMillis();
    this.asks = asks;
  }

  /** Notes a record the processor takes, by its timestamp. */
  void seen(final long timestamp) {
    if (pendingSince < 0 && context.currentSystemTimeMs() - timestamp <= backlogMillis) {
      pendingSince = asks.get().count;
    }
  }

  /**
   * Asks for a commit if a fresh record came since the thread last asked, at most once an interval
   * per thread: the commit follows the punctuations of this loop of the stream thread, so it
   * covers every record the thread took before the ask.
   */
  private void tick(final long now) {
    if (pendingSince < 0) {
      return;
    }
    final Asks thread = asks.get();
    if (pendingSince < thread.count) {
      pendingSince = -1;
    } else if (now >= thread.lastMillis + intervalMillis) {
      thread.count++;
      thread.lastMillis = now;
      pendingSince = -1;
      context.commit();
    }
  }
}
