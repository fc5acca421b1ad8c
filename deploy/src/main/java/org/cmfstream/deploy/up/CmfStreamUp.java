// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.up;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.cmfstream.deploy.stack.ChildProcess;
import org.cmfstream.deploy.stack.LocalStack;
import org.cmfstream.deploy.stack.LoopbackPorts;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.deploy.stack.WatchedMain;

/**
 * {@code ./cmf-stream up}: starts the local stack, then replay-, ingest- and query-service, then
 * the front door; waits until every {@code /health} answers UP; prints the URLs; runs until
 * Ctrl-C or SIGTERM, then stops the front door, the services and the stack, in that order.
 *
 * <p>Options: {@code --data-dir DIR} (default {@code .cmf-stream}), {@code --port N} for the
 * front door (default 8080, or a free port if 8080 is taken), {@code --home DIR} for the build's
 * root (default: the {@code cmfstream.home} system property the script sets).
 */
public final class CmfStreamUp implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int DEFAULT_PORT = 8080;

  private final Path home;
  private final Path dataDir;
  private final int requestedPort;
  private final List<ChildProcess> services = new ArrayList<>();
  private final Map<String, URI> urls = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private LocalStack stack;
  private boolean closed;

  CmfStreamUp(final Path home, final Path dataDir, final int requestedPort) {
    this.home = home.toAbsolutePath().normalize();
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.requestedPort = requestedPort;
  }

  public static void main(final String[] args) throws Exception {
    Path home = Path.of(System.getProperty("cmfstream.home", "."));
    Path dataDir = Path.of(".cmf-stream");
    int port = DEFAULT_PORT;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--home" -> home = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i] + "; usage: cmf-stream up [--data-dir DIR] [--port N]");
          System.exit(2);
        }
      }
    }
    final CmfStreamUp up = new CmfStreamUp(home, dataDir, port);
    Runtime.getRuntime().addShutdownHook(new Thread(up::close, "cmf-stream-stop"));
    try {
      up.start(System.out);
    } catch (RuntimeException e) {
      System.err.println("cmf-stream did not start: " + e.getMessage());
      System.exit(1);
    }
    Thread.currentThread().join();
  }

  /** Starts everything and returns once every health endpoint answers UP. */
  void start(final PrintStream out) throws IOException, InterruptedException {
    final long started = System.nanoTime();
    out.println("cmf-stream: starting Kafka, PostgreSQL, Neo4j and S3 under " + dataDir);
    stack = LocalStack.startWithoutShutdownHook(dataDir);
    final StackEndpoints endpoints = stack.endpoints();
    out.printf(Locale.ROOT, "cmf-stream: local stack ready after %.1f s; starting the services%n", seconds(started));

    final Map<String, String> env = new LinkedHashMap<>(endpoints.environment());
    // The replay's local state survives a restart on the same data directory.
    env.put("CMFSTREAM_REPLAY_STATE_DIR", dataDir.resolve("replay-state").toString());
    for (final Service service : Service.backends()) {
      urls.put(service.name(), launch(service, stack.port(service.name()), env));
    }
    awaitHealthy(Service.backends().stream().map(Service::name).toList());

    env.put("INGEST_URL", urls.get(Service.INGEST.name()).toString());
    env.put("QUERY_URL", urls.get(Service.QUERY.name()).toString());
    final int gatewayPort = LoopbackPorts.isFree(requestedPort) ? requestedPort : stack.port("gateway");
    urls.put(Service.GATEWAY.name(), launch(Service.GATEWAY, gatewayPort, env));
    awaitHealthy(List.of(Service.GATEWAY.name()));

    out.printf(Locale.ROOT, "%ncmf-stream is up after %.1f s%n%n", seconds(started));
    out.println("  front door  " + urls.get("gateway") + "   (the cmf client's server URL: reads and writes, under /api/)");
    for (final Service service : Service.backends()) {
      out.printf(Locale.ROOT, "  %-10s  %s/health%n", service.name(), urls.get(service.name()));
    }
    out.println("  kafka       " + endpoints.kafkaBootstrap());
    out.println("  postgres    " + endpoints.jdbcUrl() + " (user " + endpoints.jdbcUser() + ")");
    out.println("  neo4j       " + endpoints.boltUri());
    out.println("  s3          " + endpoints.s3Endpoint() + " (bucket " + endpoints.s3Bucket() + ")");
    out.println("  data        " + dataDir + " (logs in " + dataDir.resolve("logs") + ")");
    if (gatewayPort != requestedPort) {
      out.println("  note: port " + requestedPort + " was taken, so the front door listens on " + gatewayPort);
    }
    out.println();
    out.println("Press Ctrl-C to stop everything.");
    out.flush();
  }

  private URI launch(final Service service, final int port, final Map<String, String> stackEnv) {
    final Map<String, String> env = new LinkedHashMap<>(stackEnv);
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
    final List<String> args = new ArrayList<>();
    args.add(service.mainClass());
    services.add(
        ChildProcess.java(
            service.name(),
            service.classPath(home),
            service.jvmOptions(),
            WatchedMain.class.getName(),
            args,
            env,
            dataDir.resolve("logs").resolve(service.name() + ".log"),
            STOP_TIMEOUT));
    return URI.create("http://127.0.0.1:" + port);
  }

  private void awaitHealthy(final List<String> names) throws InterruptedException {
    final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    for (final String name : names) {
      final ChildProcess process = services.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
      final HttpRequest health = HttpRequest.newBuilder(urls.get(name).resolve("/health")).timeout(Duration.ofSeconds(5)).build();
      String last = "no answer";
      while (true) {
        process.checkAlive();
        try {
          final HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200 && response.body().contains("\"status\":\"UP\"")) {
            break;
          }
          last = response.statusCode() + " " + response.body();
        } catch (IOException e) {
          last = e.toString();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name + " was not UP within " + READY_TIMEOUT + ": " + last + "\nthe end of its log " + process.log() + ":\n" + process.tailOfLog(30));
        }
        Thread.sleep(250);
      }
    }
  }

  /** Stops the front door and the services, then the stack; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    final List<ChildProcess> reversed = new ArrayList<>(services);
    java.util.Collections.reverse(reversed);
    // The gateway first, so that nothing new comes in; then the services, together.
    reversed.stream().filter(s -> s.name().equals(Service.GATEWAY.name())).forEach(ChildProcess::close);
    CompletableFuture.allOf(reversed.stream().map(s -> CompletableFuture.runAsync(s::close)).toArray(CompletableFuture[]::new)).join();
    if (stack != null) {
      stack.close();
    }
  }

  /** Every process started, for checks that nothing outlives a stop. */
  List<Long> pids() {
    final List<Long> pids = new ArrayList<>();
    services.forEach(s -> pids.add(s.pid()));
    if (stack != null) {
      pids.addAll(stack.pids());
    }
    return pids;
  }

  URI url(final String service) {
    return urls.get(service);
  }

  private static double seconds(final long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
