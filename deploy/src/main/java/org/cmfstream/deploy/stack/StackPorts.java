// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

/**
 * The ports of a local stack, remembered in its data directory so that a restart on the same
 * directory serves on the same addresses (clients and the KRaft voter set keep working). A port
 * that is taken by something else at restart is replaced by a free one. New ports come from
 * {@link LoopbackPorts#free()}, and never repeat one already recorded for another server, which may
 * not be listening yet.
 */
final class StackPorts {

  private static final String FILE = "ports.properties";

  private final Path file;
  private final Properties ports = new Properties();
  private final Set<Integer> handedOut = new HashSet<>();

  private StackPorts(final Path file) {
    this.file = file;
  }

  static StackPorts in(final Path dataDir) {
    final StackPorts result = new StackPorts(dataDir.resolve(FILE));
    if (Files.exists(result.file)) {
      try (Reader in = Files.newBufferedReader(result.file)) {
        result.ports.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + result.file, e);
      }
    }
    return result;
  }

  /** The port remembered for {@code name} if it is still free, else a new free port. */
  synchronized int port(final String name) {
    final String known = ports.getProperty(name);
    if (known != null) {
      final int port = Integer.parseInt(known);
      if (!handedOut.contains(port) && LoopbackPorts.isFree(port)) {
        handedOut.add(port);
        return port;
      }
    }
    int port;
    do {
      port = LoopbackPorts.free();
    } while (ports.containsValue(Integer.toString(port)) || !handedOut.add(port));
    ports.setProperty(name, Integer.toString(port));
    save();
    return port;
  }

  private void save() {
    try (Writer out = Files.newBufferedWriter(file)) {
      ports.store(out, "ports of this local stack; reused on restart while they are free");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
