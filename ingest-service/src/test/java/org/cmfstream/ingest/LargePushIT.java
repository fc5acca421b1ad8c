// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cmfstream.deploy.stack.ChildProcess;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.testing.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 200 MB cmf push into an ingest-service whose heap is capped at 256 MB: the push is streamed,
 * spooled and translated in bounded memory (issue #3). The body is generated as it is sent, so
 * this JVM does not hold it either.
 */
@ExtendWith(LocalStackExtension.class)
class LargePushIT {

  private static final long TARGET_BYTES = 200L * 1024 * 1024;

  @Test
  void shouldAcceptA200MbPushWithA256MbHeap(final StackEndpoints stack) throws Exception {
    // given
    final int port = freePort();
    final Map<String, String> env = new HashMap<>(stack.environment());
    env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    try (ChildProcess ingest =
        ChildProcess.java(
            "ingest",
            System.getProperty("java.class.path"),
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
            IngestApplication.class.getName(),
            List.of(),
            env,
            // Kept for a look after a failure.
            Path.of("target", "large-push-ingest.log"),
            Duration.ofSeconds(20))) {
      final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      awaitUp(http, port, ingest);
      final GeneratedPush push = new GeneratedPush(TARGET_BYTES);

      // when
      final long start = System.nanoTime();
      final HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/mlmd_push"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofMinutes(5))
                  .POST(HttpRequest.BodyPublishers.ofInputStream(() -> push))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      final double seconds = (System.nanoTime() - start) / 1e9;

      // then
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"status\":\"success\"").contains("\"records\":" + push.expectedRecords());
      assertThat(ingest.isAlive()).isTrue();
      System.out.printf(Locale.ROOT, "a %.0f MB push of %d executions (%d records) took %.1f s with -Xmx256m; ingest's peak RSS %s%n",
          push.bytes / 1e6, push.executions, push.expectedRecords(), seconds, peakRss(ingest.pid()));
    }
  }

  private static void awaitUp(final HttpClient http, final int port, final ChildProcess ingest) {
    await("ingest answers /health").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      ingest.checkAlive();
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200;
      } catch (IOException e) {
        return false; // not listening yet
      }
    });
  }

  private static String peakRss(final long pid) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith("VmHWM"))
          .map(l -> l.replaceAll("\\s+", " ").substring(7))
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * The push body of one pipeline whose executions form a chain: each reads the shared
   * environment and the previous execution's first output, and writes two new datasets. It is
   * made as it is read: {@code json_payload} escaped on the fly.
   */
  private static final class GeneratedPush extends InputStream {
    private static final String ENV = "0123456789abcdef0123456789abcdef";
    private final int executions;
    private int next = -1;
    private byte[] chunk;
    private int position;
    private long bytes;

    GeneratedPush(final long target) {
      this.executions = (int) (target / escaped(execution(1)).length());
      this.chunk = "{\"exec_uuid\": null, \"json_payload\": \"".getBytes(StandardCharsets.UTF_8);
    }

    long expectedRecords() {
      // pipeline + stage + executions + artifacts (environment, seed, two outputs each) + 4 events each
      return 2L + executions + (2L + 2L * executions) + 4L * executions;
    }

    @Override
    public int read() throws IOException {
      final byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) {
      while (chunk != null && position == chunk.length) {
        chunk = nextChunk();
        position = 0;
      }
      if (chunk == null) {
        return -1;
      }
      final int n = Math.min(len, chunk.length - position);
      System.arraycopy(chunk, position, b, off, n);
      position += n;
      bytes += n;
      return n;
    }

    private byte[] nextChunk() {
      next++;
      final String text;
      if (next == 0) {
        text = escaped("{\"Pipeline\": [{\"stages\": [{\"executions\": [");
      } else if (next <= executions) {
        text = escaped((next > 1 ? ", " : "") + execution(next));
      } else if (next == executions + 1) {
        text = escaped("], \"name\": \"Big/Train\", \"custom_properties\": {}}], \"name\": \"Big\", \"properties\": {\"Pipeline\": \"Big\"}}]}")
            + "\", \"pipeline_name\": \"Big\"}";
      } else {
        return null;
      }
      return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String execution(final int i) {
      final String input = i == 1 ? "5eed0000000000000000000000000000" : output(i - 1, 'a');
      // The same name as when the previous execution wrote it: the same fact, counted once.
      final String inputPath = i == 1 ? "artifacts/seed.csv" : "artifacts/out-a.csv";
      return "{\"type\": \"Train\", \"name\": \"\", \"create_time_since_epoch\": " + (1700000000000L + i)
          + ", \"custom_properties\": {\"seed\": " + i + ", \"lr\": 0.001, \"loss\": NaN, \"Python_Env\": \"cmf_artifacts/python_env_" + ENV + ".txt\"}"
          + ", \"properties\": {\"Context_Type\": \"Big/Train\", \"Execution_uuid\": \"" + String.format(Locale.ROOT, "%08x-34c0-11f1-a997-db8300ea6448", i)
          + "\", \"Execution\": \"['src/train.py', 'artifacts/in', 'artifacts/out']\", \"Git_Repo\": \"https://example.invalid/repo.git\", \"Pipeline_Type\": \"Big\", \"Context_ID\": 2, \"Pipeline_id\": 1}"
          + ", \"events\": [" + event(3, "Environment", ENV, "cmf_artifacts/python_env_" + ENV + ".txt") + ", " + event(3, "Dataset", input, inputPath)
          + ", " + event(4, "Dataset", output(i, 'a'), "artifacts/out-a.csv") + ", " + event(4, "Dataset", output(i, 'b'), "artifacts/out-b.csv") + "]}";
    }

    private static String output(final int i, final char which) {
      return String.format(Locale.ROOT, "%c%031x", which, i);
    }

    /** The artifact is a function of its uri, so an output read again later is the same fact. */
    private static String event(final int type, final String artifactType, final String uri, final String path) {
      return "{\"type\": " + type + ", \"artifact\": {\"type\": \"" + artifactType + "\", \"uri\": \"" + uri + "\", \"name\": \"" + path + ":" + uri
          + "\", \"properties\": {\"Commit\": \"" + uri + "\", \"url\": \"Big:/remote/files/md5/" + uri.substring(0, 2) + "/" + uri.substring(2) + "\"}, \"custom_properties\": {}}}";
    }

    private static String escaped(final String json) {
      return json.replace("\\", "\\\\").replace("\"", "\\\"");
    }
  }
}
