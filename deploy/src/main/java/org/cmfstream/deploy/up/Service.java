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
 * @param jvmOptions its heap and garbage collector
 */
record Service(String name, String module, String mainClass, List<String> jvmOptions) {

  private static final List<String> SMALL_HEAP = List.of("-Xmx384m", "-XX:+UseSerialGC");

  /**
   * The replay holds much of what it allocates for one to two seconds (commits every 500 ms while
   * it works through a backlog, sink consumers' fetches): a young generation and survivor spaces
   * large enough that more of it dies there, and the old generation committed up front. Against {@link
   * #SMALL_HEAP} the collector's CPU per record fell by a third (docs/PERFORMANCE.md, runs 44-48).
   */
  private static final List<String> REPLAY_HEAP = List.of("-Xms768m", "-Xmx768m", "-Xmn384m", "-XX:SurvivorRatio=4", "-XX:+UseSerialGC");

  static final Service REPLAY = new Service("replay", "replay-service", "org.cmfstream.replay.ReplayApplication", REPLAY_HEAP);
  static final Service INGEST = new Service("ingest", "ingest-service", "org.cmfstream.ingest.IngestApplication", SMALL_HEAP);
  static final Service QUERY = new Service("query", "query-service", "org.cmfstream.query.QueryApplication", SMALL_HEAP);
  static final Service GATEWAY = new Service("gateway", "gateway", "org.cmfstream.gateway.GatewayApplication", SMALL_HEAP);

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
