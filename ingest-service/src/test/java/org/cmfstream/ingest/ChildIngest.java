// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.deploy.stack.ChildProcess;
import org.cmfstream.deploy.stack.LoopbackPorts;
import org.cmfstream.deploy.stack.StackEndpoints;

/**
 * An ingest-service in a JVM of its own, on the local stack, with a heap the test chooses: for
 * the ITs that hold it to bounded memory. Answering {@code /health} when made; stopped on close.
 */
final class ChildIngest implements AutoCloseable {

  private final ChildProcess process;
  private final int port;

  /**
   * @param jvmOptions the heap and collector, e.g. {@code -Xmx256m}; the JVM exits on running out of memory
   * @param log where the service logs, kept under {@code target/} for a look after a failure
   */
  ChildIngest(final StackEndpoints stack, final List<String> jvmOptions, final String log) {
    this.port = LoopbackPorts.free();
    final Map<String, String> env = new HashMap<>(stack.environment());
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    final List<String> options = new ArrayList<>(jvmOptions);
    options.add("-XX:+ExitOnOutOfMemoryError");
    this.process =
        ChildProcess.java("ingest", System.getProperty("java.class.path"), options, IngestApplication.class.getName(), List.of(), env,
            Path.of("target", log), Duration.ofSeconds(20));
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await("ingest answers /health").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      process.checkAlive();
      try {
        return http.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false; // not listening yet
      }
    });
  }

  URI uri(final String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The most resident memory the process has held ({@code VmHWM}), as the kernel writes it, or "?". */
  String peakRss() {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(l -> l.startsWith("VmHWM"))
          .map(l -> l.replaceAll("\\s+", " ").substring(7))
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
