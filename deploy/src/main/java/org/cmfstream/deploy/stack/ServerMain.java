// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The entry point of a server's own JVM: {@code ServerMain <kafka|neo4j|s3|postgres> <dir> <ports...>}.
 *
 * <p>Each server runs in a JVM of its own, so that one can be stopped, killed or restarted
 * without the others (the fault-injection suite does exactly that) and so that a crash or a heap
 * exhaustion in one does not take the others with it. The server stops cleanly on SIGTERM, on
 * Ctrl-C and when the parent goes away ({@link ParentWatch}).
 */
public final class ServerMain {

  private ServerMain() {}

  public static void main(final String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: ServerMain <kafka|neo4j|s3|postgres> <dir> <port...>, got " + Arrays.toString(args));
    }
    final Path dir = Path.of(args[1]);
    final AutoCloseable server =
        switch (args[0]) {
          case "kafka" -> KafkaBroker.start(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
          case "neo4j" -> Neo4jServer.start(dir, Integer.parseInt(args[2]));
          case "s3" -> S3Server.start(dir, Integer.parseInt(args[2]), args[3], args[4]);
          // The postmaster is daemonized by pg_ctl; this JVM supervises it, so that the parent
          // watch stops it like every other server when the stack goes away.
          case "postgres" -> LocalPostgres.start(dir, Integer.parseInt(args[2]));
          default -> throw new IllegalArgumentException("unknown server kind " + args[0]);
        };
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                },
                "stop-" + args[0]));
    ParentWatch.exitWhenStdinCloses();
    System.out.println("cmf-stream local " + args[0] + " server started");
    // The server's own threads keep this JVM alive until a signal or the parent watch ends it.
    Thread.currentThread().join();
  }
}
