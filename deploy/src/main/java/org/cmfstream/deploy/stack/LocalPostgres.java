// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from the binaries zonky publishes on Maven Central, as supervised by
 * its own JVM ({@link ServerMain}). The postmaster is its own process tree (started through {@code
 * pg_ctl}); this class only starts and stops it. initdb runs once; a restart on the same
 * directory keeps the data.
 */
final class LocalPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

  private final EmbeddedPostgres postgres;

  private LocalPostgres(final EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static LocalPostgres start(final Path dir, final int port) {
    final Path data = dir.resolve("data");
    try {
      Files.createDirectories(dir);
      stopLeftover(data);
      final EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
              .setDataDirectory(data)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setServerConfig("listen_addresses", "127.0.0.1")
              // zonky turns durability off by default; this server holds the projections, and
              // their "stored with the offsets in one transaction" guarantee needs it on.
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("fsync", "on")
              .setServerConfig("max_connections", "200")
              .setPGStartupWait(Duration.ofSeconds(60))
              .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
              .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
              .start();
      return new LocalPostgres(pg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dir, e);
    }
  }

  /**
   * A postmaster left running by a stack that was killed outright (SIGKILL gives no chance to
   * stop it) would hold the data directory; stop it before starting a new one.
   */
  private static void stopLeftover(final Path data) throws IOException {
    final Optional<ProcessHandle> leftover = postmaster(data);
    if (leftover.isPresent()
        && leftover.get().isAlive()
        && leftover.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
      LOG.warn("stopping the PostgreSQL (pid {}) a previous run left behind", leftover.get().pid());
      // SIGTERM is PostgreSQL's "smart" shutdown; its clients died with the previous run.
      leftover.get().destroy();
      leftover.get().onExit().join();
    }
  }

  /** The postmaster named by {@code postmaster.pid}, if that file exists. */
  private static Optional<ProcessHandle> postmaster(final Path data) throws IOException {
    final Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    final List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    return lines.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
  }

  /**
   * The postmaster of the server in {@code dir} and its backends, for checks that nothing is left
   * running. The postmaster is not a descendant of any JVM (pg_ctl daemonizes it), so it is found
   * through its pid file.
   */
  static List<Long> pids(final Path dir) {
    final Path data = dir.resolve("data");
    try {
      return postmaster(data)
          .map(pm -> java.util.stream.Stream.concat(java.util.stream.Stream.of(pm), pm.descendants()).map(ProcessHandle::pid).toList())
          .orElse(List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
