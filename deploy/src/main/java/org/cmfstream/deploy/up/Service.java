// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.up;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A runnable module of this build: its main class, and the class path Maven wrote for it ({@code
 * target/runtime.classpath} plus the module's own jar).
 *
 * @param name the short name used in logs and messages
 * @param module the module directory under the build's root
 * @param mainClass the class whose {@code main} starts it
 */
record Service(String name, String module, String mainClass) {

  static final Service REPLAY = new Service("replay", "replay-service", "org.cmfstream.replay.ReplayApplication");
  static final Service INGEST = new Service("ingest", "ingest-service", "org.cmfstream.ingest.IngestApplication");
  static final Service QUERY = new Service("query", "query-service", "org.cmfstream.query.QueryApplication");
  static final Service GATEWAY = new Service("gateway", "gateway", "org.cmfstream.gateway.GatewayApplication");

  static List<Service> backends() {
    return List.of(REPLAY, INGEST, QUERY);
  }

  /**
   * The class path of this service in the build rooted at {@code home}, with the deploy module's
   * jar first (for {@link org.cmfstream.deploy.stack.WatchedMain}).
   *
   * @throws IllegalStateException if the module has not been built
   */
  String classPath(final Path home) {
    final Path target = home.resolve(module).resolve("target");
    final Path dependencies = target.resolve("runtime.classpath");
    if (!Files.isRegularFile(dependencies)) {
      throw new IllegalStateException(module + " is not built (no " + dependencies + "); run ./cmf-stream build");
    }
    try {
      return String.join(
          java.io.File.pathSeparator,
          moduleJar(home.resolve("deploy").resolve("target"), "deploy"),
          moduleJar(target, module),
          Files.readString(dependencies, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String moduleJar(final Path target, final String module) throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> {
            final String n = p.getFileName().toString();
            return n.startsWith(module + "-") && n.endsWith(".jar") && !n.endsWith("-sources.jar") && !n.endsWith("-tests.jar");
          })
          .findFirst()
          .map(Path::toString)
          .orElseThrow(() -> new IllegalStateException("no " + module + " jar in " + target + "; run ./cmf-stream build"));
    }
  }
}
