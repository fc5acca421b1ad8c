// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.ingest.Http.contentType;
import static org.cmfstream.ingest.Http.json;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native journal's body limit is {@code cmfstream.ingest.max-journal-bytes}, not the
 * framework's buffer (10 MB by default): larger bodies up to the limit are read, and over it, by
 * declared length, by bytes sent or once inflated, the answer is our 413 problem, a declared
 * length at once. No case here reaches Kafka, so every store points at a closed port.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalBodyLimitIT implements TestPropertyProvider {

  /** Above the framework's default buffer of 10 MB, so that a body between the two tells them apart. */
  private static final int LIMIT = 16 * 1024 * 1024;

  private static final String JOURNAL = "/api/v1/sites/edge-limits/journal";

  @Inject
  EmbeddedServer server;

  private Http http;

  @Override
  public Map<String, String> getProperties() {
    // Port 1 on loopback: nothing listens; nothing here may get as far as a store.
    return Map.of(
        "cmfstream.ingest.max-journal-bytes", Integer.toString(LIMIT),
        "cmfstream.kafka.bootstrap-servers", "127.0.0.1:1",
        "cmfstream.ingest.publisher.max-block", "2s",
        "cmfstream.s3.endpoint", "http://127.0.0.1:1",
        "datasources.default.url", "jdbc:postgresql://127.0.0.1:1/postgres",
        "cmfstream.neo4j.uri", "bolt://127.0.0.1:1");
  }

  @BeforeAll
  void connect() {
    http = new Http(server.getURI());
  }

  @Test
  void shouldReadABodyLargerThanTheFrameworksBufferButWithinTheLimit() {
    // given: 12 MB of an array with no records, so the route's own answer shows it read all of it
    final byte[] body = array(12 * 1024 * 1024);

    // when
    final HttpResponse<byte[]> answer = http.send("POST", JOURNAL, body, "Content-Type", "application/json");

    // then
    assertThat(answer.statusCode()).as(Http.text(answer)).isEqualTo(400);
    assertThat(json(answer)).containsEntry("type", "https://cmf-stream.org/problems/empty-upload");
  }

  @Test
  void shouldAnswerABodyOverTheLimitWithOurProblem() {
    // given
    final byte[] body = array(LIMIT + 1);

    // when
    final HttpResponse<byte[]> answer = http.send("POST", JOURNAL, body, "Content-Type", "application/json");

    // then
    assertTooLarge(answer.statusCode(), contentType(answer), json(answer));
  }

  @Test
  void shouldAnswerAGzipBodyInflatingOverTheLimitWithOurProblem() throws IOException {
    // given: a few kB that inflate past the limit, and no declared length to refuse up front
    final byte[] body = gzip(array(LIMIT + 1024 * 1024));

    // when
    final HttpResponse<byte[]> answer = http.send("POST", JOURNAL, body, "Content-Type", "application/json", "Content-Encoding", "gzip");

    // then
    assertTooLarge(answer.statusCode(), contentType(answer), json(answer));
  }

  @Test
  void shouldStillAnswerABodyThatIsNotItsDeclaredGzipWith400BadEncoding() throws IOException {
    // given: the route reads its body as a stream now, so it meets a failed inflation itself
    final byte[] plain = "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}]".getBytes(StandardCharsets.UTF_8);
    final byte[] wrongCrc = gzip(plain);
    wrongCrc[wrongCrc.length - 8] ^= 1;

    for (final byte[] body : java.util.List.of(plain, wrongCrc)) {
      // when
      final HttpResponse<byte[]> answer = http.send("POST", JOURNAL, body, "Content-Type", "application/json", "Content-Encoding", "gzip");

      // then
      assertThat(answer.statusCode()).as(Http.text(answer)).isEqualTo(400);
      assertThat(contentType(answer)).startsWith("application/problem+json");
      assertThat(json(answer)).containsEntry("type", "https://cmf-stream.org/problems/bad-encoding");
    }
  }

  /** Issue #7: Netty's inflater took a gzip body cut in its trailer, or in its last deflate block, as complete. */
  @ParameterizedTest
  @ValueSource(ints = {1, 4, 8, 12})
  void shouldRefuseAGzipBodyCutInItsLastBytesWith400BadEncoding(final int cut) throws IOException {
    // given: valid records, so that only the missing bytes can make it a 400 (Kafka is away: a
    // body taken as complete would get as far as publishing, and a 503)
    final byte[] whole = gzip(ndjson(50));
    final byte[] body = Arrays.copyOf(whole, whole.length - cut);

    // when
    final HttpResponse<byte[]> answer = http.send("POST", JOURNAL, body, "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip");

    // then
    assertThat(answer.statusCode()).as(Http.text(answer)).isEqualTo(400);
    assertThat(contentType(answer)).startsWith("application/problem+json");
    assertThat(json(answer)).containsEntry("type", "https://cmf-stream.org/problems/bad-encoding");
  }

  @Test
  void shouldRefuseACmfPushCutInItsGzipTrailerInTheCmfShape() throws IOException {
    // given
    final byte[] whole = gzip("{\"pipeline_name\":\"p\",\"json_payload\":\"{}\"}".getBytes(StandardCharsets.UTF_8));
    final byte[] body = Arrays.copyOf(whole, whole.length - 1);

    // when
    final HttpResponse<byte[]> answer = http.send("POST", "/api/mlmd_push", body, "Content-Type", "application/json", "Content-Encoding", "gzip");

    // then
    assertThat(answer.statusCode()).as(Http.text(answer)).isEqualTo(400);
    assertThat(json(answer)).containsKey("detail");
    assertThat(json(answer).get("detail").toString()).contains("Content-Encoding");
  }

  @Test
  void shouldRefuseADeclaredLengthOverTheLimitBeforeTheBodyArrives() throws IOException {
    // given: a length one byte over the limit, and only the first byte of the body sent
    final String head = "POST " + JOURNAL + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n[";

    // when: the answer is read to the end of the connection, with the body never finished
    final String answer;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
      // Waiting for the rest of the body would never end: a read that times out fails the test.
      socket.setSoTimeout(10_000);
      final OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      final ByteArrayOutputStream received = new ByteArrayOutputStream();
      try (InputStream in = socket.getInputStream()) {
        in.transferTo(received);
      }
      answer = received.toString(StandardCharsets.ISO_8859_1);
    }

    // then
    assertThat(answer).startsWith("HTTP/1.1 413");
    assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/problem+json");
    assertThat(answer).contains("https://cmf-stream.org/problems/body-too-large");
  }

  private static void assertTooLarge(final int status, final String contentType, final Map<String, Object> problem) {
    assertThat(status).isEqualTo(413);
    assertThat(contentType).startsWith("application/problem+json");
    assertThat(problem).containsEntry("type", "https://cmf-stream.org/problems/body-too-large").containsEntry("status", 413);
  }

  /** {@code [}, spaces, {@code ]}: {@code size} bytes of a JSON array without records. */
  private static byte[] array(final int size) {
    final byte[] body = new byte[size];
    Arrays.fill(body, (byte) ' ');
    body[0] = '[';
    body[size - 1] = ']';
    return body;
  }

  private static byte[] ndjson(final int records) {
    final StringBuilder out = new StringBuilder();
    for (int seq = 1; seq <= records; seq++) {
      out.append("{\"seq\":").append(seq).append(",\"kind\":\"pipeline\",\"fact\":{\"name\":\"pipeline-").append(seq).append("\"}}\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(final byte[] bytes) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
