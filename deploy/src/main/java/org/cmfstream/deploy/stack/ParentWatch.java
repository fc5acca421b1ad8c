// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a child JVM when its parent goes away. The parent holds the write end of the child's
 * standard input and never writes; end-of-file therefore means the parent has exited, however it
 * exited. {@code System.exit} runs the child's shutdown hooks, so its server stops cleanly.
 */
public final class ParentWatch {

  private ParentWatch() {}

  /** Starts a daemon thread that exits this JVM once standard input reaches end-of-file. */
  public static void exitWhenStdinCloses() {
    final Thread watcher =
        new Thread(
            () -> {
              final InputStream in = System.in;
              try {
                while (in.read() >= 0) {
                  // Nothing is ever written; anything that is, is ignored.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end-of-file.
              }
              System.exit(0);
            },
            "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
