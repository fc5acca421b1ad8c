// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.cmfstream.deploy.stack.LocalStack;
import org.cmfstream.deploy.stack.StackEndpoints;

/**
 * The one local stack of a test JVM: started on first use, stopped when the JVM exits (by the
 * stack's own shutdown hook), so that every test of a run shares it. Tests keep out of each
 * other's way by using their own topics, schemas, labels and buckets.
 *
 * <p>Its data lives in the directory named by the system property {@code cmf.it.stack-dir}
 * (failsafe sets it to {@code target/it-stack}), emptied at start, or in a temporary directory.
 */
public final class SharedLocalStack {

  private static LocalStack stack;

  private SharedLocalStack() {}

  /** The running stack's endpoints, starting the stack if this is the first call. */
  public static synchronized StackEndpoints endpoints() {
    return stack().endpoints();
  }

  /** The running stack, starting it if this is the first call. */
  public static synchronized LocalStack stack() {
    if (stack == null) {
      stack = LocalStack.start(freshDirectory());
    }
    return stack;
  }

  private static Path freshDirectory() {
    try {
      final String configured = System.getProperty("cmf.it.stack-dir");
      if (configured == null) {
        return Files.createTempDirectory("cmf-stream-it-");
      }
      final Path dir = Path.of(configured);
      if (Files.exists(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          for (final Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the test stack's directory", e);
    }
  }
}
