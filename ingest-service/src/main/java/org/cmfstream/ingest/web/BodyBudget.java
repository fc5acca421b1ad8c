// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The memory that native upload bodies may hold at once, all uploads together. A body is read
 * whole before any of it is published (so that a bad record at its end publishes nothing), and
 * reading it into records takes about as much again; without a bound, a few uploads near the 64 MB
 * limit arriving together would run the service out of heap and fail every upload in flight. An
 * upload takes its share as its body grows, waits up to {@code bufferWait} when the budget is
 * spent, and is then answered 503 with {@code Retry-After}: the site sends it again later, and
 * nothing of it was published.
 */
@Singleton
public final class BodyBudget {

  private final int capacityKib;
  private final Semaphore kib;
  private final Duration wait;

  @Inject
  BodyBudget(final IngestSettings settings) {
    this(settings.maxBufferedBytes() > 0 ? settings.maxBufferedBytes() : Runtime.getRuntime().maxMemory() / 4, settings.bufferWait());
  }

  /**
   * @param bytes the budget; an upload larger than all of it takes all of it
   * @param wait how long an upload waits for room
   */
  public BodyBudget(final long bytes, final Duration wait) {
    this.capacityKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
    this.kib = new Semaphore(capacityKib, true);
    this.wait = wait;
  }

  /** How long a site is told to wait before it sends a refused upload again. */
  public Duration retryAfter() {
    return wait;
  }

  /** An upload's share, none of the budget yet; give it back with {@link Share#close}. */
  public Share share() {
    return new Share();
  }

  /** The budget one upload holds; used by one request thread. */
  public final class Share implements AutoCloseable {

    private int held;

    private Share() {}

    /**
     * Holds room for {@code bytes} in all, waiting for other uploads to give theirs back.
     *
     * @throws Busy when the room is not there in time
     */
    public void growTo(final long bytes) {
      final int want = (int) Math.min(capacityKib, (bytes + 1023) / 1024);
      if (want <= held) {
        return;
      }
      try {
        if (!kib.tryAcquire(want - held, wait.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new Busy("other uploads hold the memory for upload bodies (" + capacityKib / 1024 + " MiB); send it again later");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Busy("interrupted while waiting for memory for the upload's body");
      }
      held = want;
    }

    @Override
    public void close() {
      kib.release(held);
      held = 0;
    }
  }

  /** No room for an upload's body in time: a 503 with {@code Retry-After}, nothing published. */
  public static final class Busy extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Busy(final String message) {
      super(message);
    }
  }
}
