// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP link between a service and a real server that the test can break: it forwards bytes both
 * ways until {@link #cutAfter} bytes have gone upstream, then closes every connection and refuses
 * new ones until {@link #heal}. Storage going away in the middle of an upload, without mocking
 * storage.
 */
final class FaultyLink implements AutoCloseable {

  private final ServerSocket listener;
  private final int target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong upstream = new AtomicLong();
  private volatile long cutAfter = Long.MAX_VALUE;
  private volatile boolean broken;

  FaultyLink(final int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final Thread acceptor = new Thread(this::accept, "faulty-link");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Breaks the link once {@code bytes} more have gone upstream. */
  void cutAfter(final long bytes) {
    upstream.set(0);
    cutAfter = bytes;
  }

  boolean isBroken() {
    return broken;
  }

  void heal() {
    cutAfter = Long.MAX_VALUE;
    broken = false;
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

  private void pump(final Socket from, final Socket to, final boolean counted) {
    final Thread pump = new Thread(() -> {
      final byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0 && !broken; n = in.read(buffer)) {
          if (counted && upstream.addAndGet(n) > cutAfter) {
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

  private void cut() {
    broken = true;
    sockets.forEach(FaultyLink::closeQuietly);
    sockets.clear();
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
    cut();
  }
}
