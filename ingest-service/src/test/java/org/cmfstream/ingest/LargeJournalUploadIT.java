// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.testing.LocalStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Native journal uploads near the 64 MB body limit into an ingest-service with the heap {@code
 * ./cmf-stream up} gives it (384 MB). The one-pass readers step aside for every error and for
 * whatever they are not sure of; the reader that then decides reads one record at a time, so an
 * upload it refuses (too many records, a bad record at the end, a body of empty objects) gets its
 * 4xx rather than running the service out of memory, and one it accepts is read in bounded memory.
 * Uploads whose bodies together are more than the heap wait for room ({@code BodyBudget}) or get a
 * 503 with {@code Retry-After}.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeJournalUploadIT {

  /** Records of a full upload: the service's limit per upload. */
  private static final int RECORDS = 100_000;
  private static final String PADDING = "x".repeat(420);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private ChildIngest ingest;

  @BeforeAll
  void start(final StackEndpoints stack) {
    ingest = new ChildIngest(stack, List.of("-Xmx384m", "-XX:+UseSerialGC"), "large-journal-upload-ingest.log");
  }

  @AfterEach
  void stillUp() {
    assertThat(ingest.isAlive()).as("ingest is still running").isTrue();
  }

  @AfterAll
  void stop() {
    System.out.printf(Locale.ROOT, "large native uploads with -Xmx384m: ingest's peak RSS %s%n", ingest.peakRss());
    ingest.close();
  }

  @Test
  void shouldRefuseAJsonArrayOf60MbOfEmptyObjectsAsTooManyRecords() throws Exception {
    // given: 20 million empty objects, each a tree node of its own if read whole
    final byte[] body = ("[{}" + ",{}".repeat(20_000_000) + "]").getBytes(StandardCharsets.US_ASCII);

    // when
    final HttpResponse<String> response = upload("application/json", body);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    assertThat(response.body()).contains("too-many-records").contains("holds 20000001 records");
  }

  @Test
  void shouldRefuseOneRecordTooManyIn58MbOfNdjsonWith413() throws Exception {
    // given
    final byte[] body = ndjson(RECORDS + 1, LargeJournalUploadIT::line);

    // when
    final HttpResponse<String> response = upload("application/x-ndjson", body);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    assertThat(response.body()).contains("too-many-records").contains("more than " + RECORDS + " records");
  }

  @Test
  void shouldRefuseAFullUploadWhoseLastRecordIsBadNamingIt() throws Exception {
    // given: every record good but the last, whose step is not a number
    final byte[] body = ndjson(RECORDS, seq -> seq < RECORDS ? line(seq) : line(seq).replace("\"seq\":" + seq, "\"seq\":\"last\""));

    // when
    final HttpResponse<String> response = upload("application/x-ndjson", body);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("invalid-seq").contains("record " + RECORDS + " needs 'seq'");
  }

  @Test
  void shouldAcceptAFullUploadThatOnlyTheLastReaderTakes() throws Exception {
    // given: 'fact' before 'kind' in every record, which both one-pass readers leave to the last
    final byte[] body = ndjson(RECORDS, seq -> "{\"seq\":" + seq + ",\"fact\":" + fact(seq) + ",\"kind\":\"execution\"}");

    // when
    final HttpResponse<String> response = upload("application/x-ndjson", body);

    // then
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"accepted\":" + RECORDS);
  }

  @Test
  void shouldAnswerSixFullUploadsSentTogetherEachWithA4xxOrA503() throws Exception {
    // given: six uploads near the limit, each refused at its last record, all in flight at once:
    // their bodies alone are more than the heap
    final byte[] body = ndjson(RECORDS, seq -> seq < RECORDS ? line(seq) : line(seq).replace("\"seq\":" + seq, "\"seq\":-1"));

    // when
    final List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      answers.add(http.sendAsync(request("application/x-ndjson", body), HttpResponse.BodyHandlers.ofString()));
    }

    // then: each is refused for its record, or told to come back later; none fails otherwise
    final List<Integer> statuses = new ArrayList<>();
    for (final CompletableFuture<HttpResponse<String>> answer : answers) {
      final HttpResponse<String> response = answer.get(3, TimeUnit.MINUTES);
      statuses.add(response.statusCode());
      assertThat(response.statusCode()).as(response.body()).isIn(400, 503);
      if (response.statusCode() == 503) {
        assertThat(response.body()).contains("ingest-busy");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
      } else {
        assertThat(response.body()).contains("invalid-seq").contains("record " + RECORDS);
      }
    }
    assertThat(statuses).contains(400);
    System.out.println("six full uploads at once with -Xmx384m were answered " + statuses);
  }

  private HttpResponse<String> upload(final String type, final byte[] body) throws Exception {
    return http.send(request(type, body), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(final String type, final byte[] body) {
    return HttpRequest.newBuilder(ingest.uri("/api/v1/sites/edge-big/journal"))
        .header("Content-Type", type)
        .timeout(Duration.ofMinutes(3))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static byte[] ndjson(final int records, final IntFunction<String> line) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(records * 600);
    for (int seq = 1; seq <= records; seq++) {
      out.writeBytes(line.apply(seq).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static String line(final int seq) {
    return "{\"seq\":" + seq + ",\"kind\":\"execution\",\"fact\":" + fact(seq) + "}";
  }

  private static String fact(final int seq) {
    return "{\"uuid\":\"big-" + seq + "\",\"pipeline\":\"big\",\"stage\":\"big/train\",\"type\":\"Train\",\"customProperties\":{\"note\":\"" + PADDING + "\",\"n\":" + seq + "}}";
  }
}
