// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the local stack: Kafka, PostgreSQL, Neo4j and an S3 server, each its own
 * process, on 127.0.0.1 and free ports, with all data under one directory.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.start(Path.of(".cmf-stream"))) {
 *   StackEndpoints endpoints = stack.endpoints();
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #start} returns only when every server has passed a health check through its real
 * client protocol and the journal topics exist with a leader on every partition. Closing stops
 * every server and waits until each process is gone; a JVM shutdown hook does the same on
 * Ctrl-C, SIGTERM or a normal exit. Starting again on the same directory keeps the data.
 */
public final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

  /** Credentials of the local S3 server; it listens on loopback only. */
  static final String S3_ACCESS_KEY = "cmf-stream";

  static final String S3_SECRET_KEY = "cmf-stream-local-secret";
  static final String S3_BUCKET = "cmf-stream";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Path dataDir;
  private final List<ChildProcess> servers = new ArrayList<>();
  private StackEndpoints endpoints;
  private final Thread shutdownHook = new Thread(this::stopAll, "local-stack-shutdown");
  private boolean closed;

  private LocalStack(final Path dataDir) {
    this.dataDir = dataDir;
  }

  /**
   * Starts every server under {@code dataDir} and waits until all are healthy.
   *
   * @throws IllegalStateException if a server exits or does not become healthy in time; whatever
   *     had started is stopped again
   */
  public static LocalStack start(final Path dataDir) {
    final LocalStack stack = startWithoutShutdownHook(dataDir);
    Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
    return stack;
  }

  /**
   * Like {@link #start}, for a caller that stops the stack itself at JVM exit, after the things
   * that depend on it (the launcher stops the services first). Servers still stop on their own
   * if this JVM dies ({@link ParentWatch}).
   */
  public static LocalStack startWithoutShutdownHook(final Path dataDir) {
    final Path dir = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    final LocalStack stack = new LocalStack(dir);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    final long started = System.nanoTime();
    final StackPorts ports = StackPorts.in(dataDir);
    final int kafkaPort = ports.port("kafka");
    final int boltPort = ports.port("neo4j.bolt");
    final int s3Port = ports.port("s3");
    final int pgPort = ports.port("postgres");

    final ChildProcess kafka = launch("kafka");
    final ChildProcess neo4j = launch("neo4j");
    final ChildProcess s3 = launch("s3");
    final ChildProcess postgres = launch("postgres");

    endpoints =
        new StackEndpoints(
            dataDir,
            "127.0.0.1:" + kafkaPort,
            "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
            "postgres",
            "",
            "bolt://127.0.0.1:" + boltPort,
            "http://127.0.0.1:" + s3Port,
            S3_ACCESS_KEY,
            S3_SECRET_KEY,
            S3_BUCKET);

    final HealthChecks checks = new HealthChecks(endpoints, STARTUP_TIMEOUT);
    awaitAll(
        CompletableFuture.runAsync(() -> checks.awaitKafka(kafka)),
        CompletableFuture.runAsync(() -> checks.awaitNeo4j(neo4j)),
        CompletableFuture.runAsync(() -> checks.awaitS3(s3)),
        CompletableFuture.runAsync(() -> checks.awaitPostgres(postgres)));
    LOG.info("local stack ready in {} ms under {}", (System.nanoTime() - started) / 1_000_000, dataDir);
  }

  /** Starts the server of {@code kind} on its registered ports and its data directory. */
  private ChildProcess launch(final String kind) {
    final StackPorts ports = StackPorts.in(dataDir);
    return switch (kind) {
      case "kafka" -> server(kind, "-Xmx512m", String.valueOf(ports.port("kafka")), String.valueOf(ports.port("kafka.controller")));
      case "neo4j" -> server(kind, "-Xmx512m", String.valueOf(ports.port("neo4j.bolt")));
      case "s3" -> server(kind, "-Xmx256m", String.valueOf(ports.port("s3")), S3_ACCESS_KEY, S3_SECRET_KEY);
      case "postgres" -> server(kind, "-Xmx192m", String.valueOf(ports.port("postgres")));
      default -> throw new IllegalArgumentException("no server " + kind);
    };
  }

  /**
   * Stops one server, as an outage would: SIGTERM, then SIGKILL after the stop timeout; its data
   * stays. For fault-injection tests; {@link #restart} brings it back.
   *
   * @param kind {@code kafka}, {@code neo4j}, {@code s3} or {@code postgres}
   */
  public synchronized void stop(final String kind) {
    server(kind).close();
    if (kind.equals("postgres")) {
      // The postmaster may outlive its JVM by a moment; the restart needs its port and lock file.
      for (final long pid : LocalPostgres.pids(dataDir.resolve("postgres"))) {
        ProcessHandle.of(pid).ifPresent(LocalStack::awaitExit);
      }
    }
  }

  private static void awaitExit(final ProcessHandle process) {
    try {
      process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      process.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a server that {@link #stop} stopped (or that died) again, on the same ports and data
   * directory, and returns once it passes its health check. Clients configured with the stack's
   * endpoints reconnect to it unchanged.
   *
   * @throws IllegalStateException if the server is still running, or does not become healthy in time
   */
  public synchronized void restart(final String kind) {
    final ChildProcess old = server(kind);
    if (old.isAlive()) {
      throw new IllegalStateException(kind + " is still running; stop it first");
    }
    servers.remove(old);
    final ChildProcess fresh = launch(kind);
    final HealthChecks checks = new HealthChecks(endpoints, STARTUP_TIMEOUT);
    switch (kind) {
      case "kafka" -> checks.awaitKafka(fresh);
      case "neo4j" -> checks.awaitNeo4j(fresh);
      case "s3" -> checks.awaitS3(fresh);
      default -> checks.awaitPostgres(fresh);
    }
    LOG.info("{} restarted under {}", kind, dataDir);
  }

  /** The port registry of this stack's data directory, for processes started beside it. */
  public int port(final String name) {
    return StackPorts.in(dataDir).port(name);
  }

  private ChildProcess server(final String kind, final String heap, final String... ports) {
    final List<String> args = new ArrayList<>();
    args.add(kind);
    args.add(dataDir.resolve(kind).toString());
    args.addAll(List.of(ports));
    final ChildProcess child =
        ChildProcess.java(
            kind,
            System.getProperty("java.class.path"),
            List.of(
                heap,
                "-XX:+UseSerialGC",
                "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
                "-Dlogback.configurationFile=cmf-stack-logback.xml"),
            ServerMain.class.getName(),
            args,
            Map.of(),
            dataDir.resolve("logs").resolve(kind + ".log"),
            STOP_TIMEOUT);
    servers.add(child);
    return child;
  }

  private static void awaitAll(final CompletableFuture<?>... checks) {
    try {
      CompletableFuture.allOf(checks).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The addresses of the running servers. */
  public StackEndpoints endpoints() {
    return endpoints;
  }

  /** The process ids of every server process, PostgreSQL's postmaster and its children included. */
  public List<Long> pids() {
    final List<Long> pids = new ArrayList<>();
    for (final ChildProcess server : servers) {
      pids.add(server.pid());
      pids.addAll(server.descendantPids());
    }
    pids.addAll(LocalPostgres.pids(dataDir.resolve("postgres")));
    return pids;
  }

  /** A server process of this stack, by kind: {@code kafka}, {@code neo4j}, {@code s3}, {@code postgres}. */
  public ChildProcess server(final String kind) {
    return servers.stream()
        .filter(s -> s.name().equals(kind))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no server " + kind));
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // Already shutting down (the hook is running or has run), or no hook was registered.
    }
  }

  private synchronized void stopAll() {
    if (closed) {
      return;
    }
    closed = true;
    // Stopped in parallel: each takes a few hundred milliseconds to a few seconds.
    final List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (final ChildProcess server : servers) {
      stops.add(CompletableFuture.runAsync(server::close));
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
  }
}
