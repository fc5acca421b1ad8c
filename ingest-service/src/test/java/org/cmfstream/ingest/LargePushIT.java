// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.testing.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Large cmf pushes into an ingest-service whose heap is capped at 256 MB: 200 MB of executions,
 * and one execution of 100 MB of events. The push is streamed, spooled and translated in bounded
 * memory (issue #3). Each body is generated as it is sent, so this JVM does not hold it either.
 */
@ExtendWith(LocalStackExtension.class)
class LargePushIT {

  @Test
  void shouldAcceptA200MbPushWithA256MbHeap(final StackEndpoints stack) throws Exception {
    shouldAcceptWithA256MbHeap(stack, GeneratedPush.chain(200L * 1024 * 1024));
  }

  /**
   * One execution of 100 MB of events: a dump writes them before the properties that name the
   * execution, and they were held as a tree until then (a 172 MB one took 1.6 GB of heap).
   */
  @Test
  void shouldAcceptAPushOfOneExecutionOf100MbOfEventsWithA256MbHeap(final StackEndpoints stack) throws Exception {
    shouldAcceptWithA256MbHeap(stack, GeneratedPush.oneExecution(100L * 1024 * 1024));
  }

  private static void shouldAcceptWithA256MbHeap(final StackEndpoints stack, final GeneratedPush push) throws Exception {
    // given
    try (ChildIngest ingest = new ChildIngest(stack, List.of("-Xmx256m", "-XX:+UseSerialGC"), "large-push-ingest.log")) {
      final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

      // when
      final long start = System.nanoTime();
      final HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(ingest.uri("/api/mlmd_push"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofMinutes(5))
                  .POST(HttpRequest.BodyPublishers.ofInputStream(() -> push))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      final double seconds = (System.nanoTime() - start) / 1e9;

      // then
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).contains("\"status\":\"success\"").contains("\"records\":" + push.expectedRecords);
      assertThat(ingest.isAlive()).isTrue();
      System.out.printf(Locale.ROOT, "a %.0f MB push of %s (%d records) took %.1f s with -Xmx256m; ingest's peak RSS %s%n",
          push.bytes / 1e6, push.shape, push.expectedRecords, seconds, ingest.peakRss());
    }
  }

  /**
   * The push body of one pipeline of one stage, made as it is read ({@code json_payload} escaped
   * on the fly): the dump's head, its parts one after another, its tail.
   */
  private static final class GeneratedPush extends InputStream {
    private static final String ENV = "0123456789abcdef0123456789abcdef";
    private static final String STAGE_AND_PIPELINE =
        "], \"name\": \"Big/Train\", \"custom_properties\": {}}], \"name\": \"Big\", \"properties\": {\"Pipeline\": \"Big\"}}]}";
    private final String shape;
    private final long expectedRecords;
    private final String head;
    private final int parts;
    private final IntFunction<String> part;
    private final String tail;
    private int next = -1;
    private byte[] chunk;
    private int position;
    private long bytes;

    private GeneratedPush(final String shape, final long expectedRecords, final String head, final int parts, final IntFunction<String> part, final String tail) {
      this.shape = shape;
      this.expectedRecords = expectedRecords;
      this.head = head;
      this.parts = parts;
      this.part = part;
      this.tail = tail;
      this.chunk = "{\"exec_uuid\": null, \"json_payload\": \"".getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Executions that form a chain: each reads the shared environment and the previous
     * execution's first output, and writes two new datasets.
     */
    static GeneratedPush chain(final long target) {
      final int executions = (int) (target / escaped(execution(1)).length());
      // pipeline + stage + executions + artifacts (environment, seed, two outputs each) + 4 events each
      final long records = 2L + executions + (2L + 2L * executions) + 4L * executions;
      return new GeneratedPush(
          executions + " executions", records, "{\"Pipeline\": [{\"stages\": [{\"executions\": [", executions, i -> (i > 1 ? ", " : "") + execution(i), STAGE_AND_PIPELINE);
    }

    /** One execution that writes a great many datasets, its properties after its events, as a real dump has them. */
    static GeneratedPush oneExecution(final long target) {
      final int events = (int) (target / escaped(output(1)).length());
      // pipeline + stage + the execution + an artifact and an event for each event
      final long records = 3L + 2L * events;
      return new GeneratedPush(
          "one execution of " + events + " events",
          records,
          "{\"Pipeline\": [{\"stages\": [{\"executions\": [{\"type\": \"Prepare\", \"name\": \"\", \"events\": [",
          events,
          i -> (i > 1 ? ", " : "") + output(i),
          "], \"custom_properties\": {}, \"properties\": {\"Context_Type\": \"Big/Train\", \"Execution_uuid\": \"0000cafe-34c0-11f1-a997-db8300ea6448\"}}"
              + STAGE_AND_PIPELINE);
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
        text = escaped(head);
      } else if (next <= parts) {
        text = escaped(part.apply(next));
      } else if (next == parts + 1) {
        text = escaped(tail) + "\", \"pipeline_name\": \"Big\"}";
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

    /** The {@code i}th output of the one execution. */
    private static String output(final int i) {
      return event(4, "Dataset", output(i, 'c'), String.format(Locale.ROOT, "data/part-%08d.csv", i));
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
