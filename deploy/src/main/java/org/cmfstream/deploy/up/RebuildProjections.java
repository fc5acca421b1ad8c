// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.up;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cmfstream.deploy.stack.ChildProcess;
import org.cmfstream.deploy.stack.LocalStack;

/**
 * {@code ./cmf-stream rebuild [--data-dir DIR]}: with cmf-stream stopped, starts the local stack
 * alone, drops the projections ({@code org.cmfstream.replay.Rebuild}), and stops. The next {@code
 * ./cmf-stream up} rebuilds PostgreSQL and Neo4j from {@code cmf.entities.v1}.
 */
public final class RebuildProjections {

  private RebuildProjections() {}

  public static void main(final String[] args) throws Exception {
    final Path home = Path.of(System.getProperty("cmfstream.home", "."));
    final Path dataDir = args.length > 1 && args[0].equals("--data-dir") ? Path.of(args[1]) : Path.of(".cmf-stream");
    try (LocalStack stack = LocalStack.start(dataDir)) {
      final Map<String, String> env = new LinkedHashMap<>(stack.endpoints().environment());
      try (ChildProcess rebuild =
          ChildProcess.java(
              "rebuild", Service.REPLAY.classPath(home), List.of("-Xmx256m"), "org.cmfstream.replay.Rebuild", List.of(), env,
              dataDir.toAbsolutePath().resolve("logs").resolve("rebuild.log"), Duration.ofSeconds(30))) {
        ProcessHandle.of(rebuild.pid()).ifPresent(p -> {
          try {
            p.onExit().get(10, TimeUnit.MINUTES);
          } catch (Exception e) {
            throw new IllegalStateException("the rebuild did not finish: " + e, e);
          }
        });
        // The rebuild's own report, without the logging around it.
        rebuild.tailOfLog(50).lines().filter(l -> l.startsWith("cmf-stream:")).forEach(System.out::println);
      }
    }
  }
}
