// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.nio.file.Path;

/**
 * Runs the local stack alone, without the services: {@code LocalStackMain <data-dir> [--exit]}.
 *
 * <p>Prints the endpoints and then one line {@code pids=<pid>,<pid>,...} naming every process of
 * the stack, and runs until Ctrl-C or SIGTERM. With {@code --exit} it returns from {@code main}
 * right after the stack is ready, which shows that a plain JVM exit stops the stack too.
 */
public final class LocalStackMain {

  private LocalStackMain() {}

  public static void main(final String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: LocalStackMain <data-dir> [--exit]");
      System.exit(2);
    }
    final LocalStack stack = LocalStack.start(Path.of(args[0]));
    final StackEndpoints endpoints = stack.endpoints();
    System.out.println("kafka     " + endpoints.kafkaBootstrap());
    System.out.println("postgres  " + endpoints.jdbcUrl());
    System.out.println("neo4j     " + endpoints.boltUri());
    System.out.println("s3        " + endpoints.s3Endpoint() + " (bucket " + endpoints.s3Bucket() + ")");
    System.out.println("data      " + endpoints.dataDir());
    System.out.println("pids=" + String.join(",", stack.pids().stream().map(String::valueOf).toList()));
    System.out.flush();
    if (args.length > 1 && "--exit".equals(args[1])) {
      return;
    }
    // The stack's shutdown hook stops everything on Ctrl-C or SIGTERM.
    Thread.currentThread().join();
  }
}
