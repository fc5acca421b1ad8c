// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback address for servers that are started later, by another process.
 *
 * <p>A port handed out is one the kernel never gives to an outgoing connection: it lies below the
 * kernel's ephemeral range. Asking the kernel for "any free port" ({@code bind(0)}) returns a port
 * from the ephemeral range, and the kernel picks the local ports of new outgoing connections from
 * that same range, often the very port just released. Between choosing the port and the server
 * binding it, any client on the machine (a Kafka broker talking to its controller, a health
 * check) may then hold it as its local end, and the server fails with "Address already in use".
 */
public final class LoopbackPorts {

  /** Where Linux keeps the ephemeral range, "low high". */
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** Linux's default ephemeral range starts here; used where the kernel's setting is unreadable. */
  private static final int DEFAULT_EPHEMERAL_LOW = 32_768;

  /** The lowest port handed out: above the well-known and most registered server ports. */
  static final int LOWEST = 10_000;

  private static final int ATTEMPTS = 200;

  private LoopbackPorts() {}

  /**
   * A port that is free on the loopback address right now and lies outside the kernel's
   * ephemeral range, so only another server choosing the same port can take it before it is bound.
   *
   * @throws IllegalStateException if no such port is free after many random tries
   */
  public static int free() {
    final int below = ephemeralLow();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      final int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (isFree(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + below + " after " + ATTEMPTS + " tries");
  }

  /**
   * Whether a server could listen on {@code port} of the loopback address now. A connection of
   * an earlier server on it that is still closing (TIME_WAIT) does not count as taken.
   */
  public static boolean isFree(final int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range, or Linux's default where it cannot be read. */
  static int ephemeralLow() {
    if (!Files.isReadable(EPHEMERAL_RANGE)) {
      return DEFAULT_EPHEMERAL_LOW;
    }
    try {
      return parseLow(Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + EPHEMERAL_RANGE, e);
    }
  }

  /**
   * The low end of a range written as "low high". A range that leaves no room above {@link
   * #LOWEST} gives Linux's default instead: ports then come from inside the range, as with {@code
   * bind(0)}, rather than from the well-known ports.
   */
  static int parseLow(final String range) {
    final String[] bounds = range.trim().split("\\s+");
    final int low = Integer.parseInt(bounds[0]);
    return low > LOWEST + 1_000 ? low : DEFAULT_EPHEMERAL_LOW;
  }
}
