// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cmfstream.deploy.stack.ChildProcess;
import org.cmfstream.deploy.stack.LocalStack;
import org.cmfstream.deploy.stack.LoopbackPorts;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.deploy.stack.WatchedMain;
import org.cmfstream.testing.StoreDump;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/**
 * The system under fault, as an operator runs it: the local stack (real Kafka, PostgreSQL, Neo4j
 * and S3, each its own process, owned by this JVM so that one server can be stopped and started
 * again), one ingest-service and any number of replay-service copies, each a process started from
 * the build's packaged jars as {@code ./cmf-stream up} starts them.
 */
final class CmfSystem implements AutoCloseable {

  private static final Duration READY = Duration.ofMinutes(4);

  private final Path dir;
  private final Path home;
  private final LocalStack stack;
  private final Map<String, ChildProcess> replays = new LinkedHashMap<>();
  private final ChildProcess ingest;
  private final URI ingestUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private CmfSystem(final Path dir, final int replayCopies) {
    this.dir = dir;
    this.home = Path.of(System.getProperty("cmfstream.home", "..")).toAbsolutePath().normalize();
    this.stack = LocalStack.startWithoutShutdownHook(dir.resolve("stack"));
    try {
      final int port = LoopbackPorts.free();
      ingest = launch("ingest", "ingest-service", "org.cmfstream.ingest.IngestApplication", port, Map.of());
      ingestUrl = URI.create("http://127.0.0.1:" + port);
      for (int i = 0; i < replayCopies; i++) {
        startReplay("replay-" + i);
      }
      awaitUp(ingest, ingestUrl);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts the stack, ingest and {@code replayCopies} replay copies under {@code dir}; returns when ingest is UP. */
  static CmfSystem start(final Path dir, final int replayCopies) {
    return new CmfSystem(dir, replayCopies);
  }

  LocalStack stack() {
    return stack;
  }

  StackEndpoints endpoints() {
    return stack.endpoints();
  }

  URI ingestUrl() {
    return ingestUrl;
  }

  /**
   * Starts a replay copy under {@code name}, with a state directory of its own that survives it:
   * a copy started again under the same name finds what its predecessor left, as a restarted pod
   * finds its volume.
   */
  void startReplay(final String name) {
    final ChildProcess copy =
        launch(name, "replay-service", "org.cmfstream.replay.ReplayApplication", LoopbackPorts.free(), Map.of("CMFSTREAM_REPLAY_STATE_DIR", dir.resolve(name + "-state").toString()));
    replays.put(name, copy);
  }

  /** Kills a replay copy with SIGKILL: no shutdown hook, no commit, no goodbye to the group. */
  void killReplay(final String name) {
    final ChildProcess copy = replays.get(name);
    final ProcessHandle handle = ProcessHandle.of(copy.pid()).orElseThrow(() -> new IllegalStateException(name + " is not running"));
    handle.destroyForcibly();
    handle.onExit().join();
  }

  /** Whether every replay copy started is still running: a fault must not take one down. */
  List<String> deadReplays() {
    return replays.entrySet().stream().filter(e -> !e.getValue().isAlive()).map(Map.Entry::getKey).toList();
  }

  /** The central state: both stores, without what tells how and by whom it was uploaded. */
  StoreDump centralState() {
    try (Connection c = jdbc(); Driver driver = neo4j()) {
      return StoreDump.centralState(c, driver);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Connection jdbc() throws SQLException {
    final StackEndpoints e = stack.endpoints();
    return DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
  }

  Driver neo4j() {
    return GraphDatabase.driver(stack.endpoints().boltUri(), AuthTokens.none());
  }

  /** A count from PostgreSQL; 0 while the schema is not there yet or the database is away. */
  long count(final String sql) {
    try (Connection c = jdbc(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return 0;
    }
  }

  private ChildProcess launch(final String name, final String module, final String mainClass, final int port, final Map<String, String> extra) {
    final Map<String, String> env = new LinkedHashMap<>(stack.endpoints().environment());
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
    env.putAll(extra);
    return ChildProcess.java(name, classPath(module), List.of("-Xmx384m", "-XX:+UseSerialGC"), WatchedMain.class.getName(), List.of(mainClass), env,
        dir.resolve("logs").resolve(name + ".log"), Duration.ofSeconds(30));
  }

  /** A service's class path as the launcher builds it: deploy's jar, the module's jar, its runtime.classpath. */
  private String classPath(final String module) {
    final Path target = home.resolve(module).resolve("target");
    try {
      return String.join(java.io.File.pathSeparator, jar(home.resolve("deploy").resolve("target"), "deploy"), jar(target, module),
          Files.readString(target.resolve("runtime.classpath"), StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(module + " is not built under " + home + "; build it first (./mvnw verify -pl e2e-tests -am does)", e);
    }
  }

  private static String jar(final Path target, final String module) throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      return files.map(Path::toString)
          .filter(n -> n.endsWith(".jar") && Path.of(n).getFileName().toString().startsWith(module + "-") && !n.endsWith("-sources.jar") && !n.endsWith("-tests.jar"))
          .findFirst().orElseThrow(() -> new IOException("no " + module + " jar in " + target));
    }
  }

  private void awaitUp(final ChildProcess process, final URI url) {
    final HttpRequest health = HttpRequest.newBuilder(url.resolve("/health")).timeout(Duration.ofSeconds(5)).build();
    await(process.name() + " UP").atMost(READY).pollInterval(Duration.ofMillis(500))
        .failFast(process.name() + " exited; see " + process.log(), () -> !process.isAlive())
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
  }

  @Override
  public void close() {
    final List<ChildProcess> services = new ArrayList<>(replays.values());
    if (ingest != null) {
      services.add(ingest);
    }
    services.parallelStream().forEach(ChildProcess::close);
    stack.close();
  }
}
