// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.storage;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The part buffers of all uploads: at most {@code count} of {@code size} bytes exist at once, so
 * the heap that uploads use has a ceiling however many arrive together. Buffers are kept for reuse;
 * a 1 GiB upload in 8 MiB parts would otherwise leave 128 dead arrays to the collector.
 */
final class PartBuffers {

  private final int size;
  private final Semaphore permits;
  private final Duration wait;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

  PartBuffers(final int size, final int count, final Duration wait) {
    this.size = size;
    this.permits = new Semaphore(count, true);
    this.wait = wait;
  }

  /** A buffer of {@code size} bytes; give it back with {@link #release}. */
  byte[] acquire() {
    try {
      if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StorageUnavailable("too many uploads at once: no part buffer came free within " + wait.toSeconds() + " s", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailable("interrupted while waiting for a part buffer", e);
    }
    final byte[] reused = free.poll();
    return reused != null ? reused : new byte[size];
  }

  /** A buffer if one is free right now, else null. */
  byte[] tryAcquire() {
    if (!permits.tryAcquire()) {
      return null;
    }
    final byte[] reused = free.poll();
    return reused != null ? reused : new byte[size];
  }

  void release(final byte[] buffer) {
    free.offer(buffer);
    permits.release();
  }
}
