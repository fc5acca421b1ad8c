// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A TCP link between a client and a real server that the test can break: it forwards bytes both
 * ways until {@link #cutAfter} bytes have gone upstream (or {@link #cutAfterReply} have come back),
 * then closes every connection and refuses new ones until {@link #heal}. Storage going away in
 * the middle of an upload, or an edge site's connection cut, without mocking either side.
 *
 * <p>{@link #cutRepeatedly} cuts again and again: after each cut the link heals at once and arms
 * the next cut, as a flaky network does.
 */
public final class FaultyLink implements AutoCloseable {

  /**
   * Where the next cut falls: after {@code upstream} more bytes towards the server or {@code
   * downstream} more bytes back, whichever comes first; {@link Long#MAX_VALUE} for never.
   */
  public record Cut(long upstream, long downstream) {}

  private static final Cut NEVER = new Cut(Long.MAX_VALUE, Long.MAX_VALUE);

  private final ServerSocket listener;
  private final int target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong upstream = new AtomicLong();
  private final AtomicLong downstream = new AtomicLong();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile Cut next = NEVER;
  private volatile boolean broken;
  private volatile Supplier<Cut> schedule;
  private volatile int scheduled;

  /** A link to {@code target} on 127.0.0.1, listening on a free port. */
  public FaultyLink(final int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final Thread acceptor = new Thread(this::accept, "faulty-link");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Breaks the link once {@code bytes} more have gone upstream. */
  public void cutAfter(final long bytes) {
    arm(new Cut(bytes, Long.MAX_VALUE));
  }

  /** Breaks the link once {@code bytes} more have come back from the server: {@code 0} cuts before the first byte of an answer. */
  public void cutAfterReply(final long bytes) {
    arm(new Cut(Long.MAX_VALUE, bytes));
  }

  /**
   * Cuts {@code times} times, each where {@code nextCut} says (counted from the cut before), and
   * heals at once after each; then forwards untouched.
   */
  public synchronized void cutRepeatedly(final Supplier<Cut> nextCut, final int times) {
    schedule = nextCut;
    scheduled = cuts.get() + times;
    broken = false;
    arm(times > 0 ? nextCut.get() : NEVER);
  }

  /** How many times the link has been cut. */
  public int cuts() {
    return cuts.get();
  }

  public boolean isBroken() {
    return broken;
  }

  public void heal() {
    next = NEVER;
    broken = false;
  }

  private void arm(final Cut cut) {
    upstream.set(0);
    downstream.set(0);
    next = cut;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        final Socket client = listener.accept();
        if (broken) {
          client.close();
          continue;
        }
        final Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        // Closed, or a connection that failed at once: the next one is another chance.
      }
    }
  }

  private void pump(final Socket from, final Socket to, final boolean towardsServer) {
    final Thread pump = new Thread(() -> {
      final byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0 && !broken; n = in.read(buffer)) {
          final boolean due = towardsServer ? upstream.addAndGet(n) > next.upstream() : downstream.addAndGet(n) > next.downstream();
          if (due) {
            cut();
            return;
          }
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // The other side went away.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "faulty-link-pump");
    pump.setDaemon(true);
    pump.start();
  }

  private synchronized void cut() {
    if (broken || next == NEVER) {
      // Another pump cut it already.
      return;
    }
    broken = true;
    cuts.incrementAndGet();
    sockets.forEach(FaultyLink::closeQuietly);
    sockets.clear();
    if (schedule != null) {
      // A flaky network: the link comes back at once, with the next cut armed.
      broken = false;
      arm(cuts.get() < scheduled ? schedule.get() : NEVER);
    }
  }

  private static void closeQuietly(final Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all that was wanted.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    schedule = null;
    broken = true;
    sockets.forEach(FaultyLink::closeQuietly);
    sockets.clear();
  }
}
