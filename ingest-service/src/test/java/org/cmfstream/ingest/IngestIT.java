// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.cmf.CmfPushTranslator;
import org.cmfstream.ingest.kafka.Receipt;
import org.cmfstream.ingest.web.Json;
import org.cmfstream.testing.ProjectionSchema;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestIT implements TestPropertyProvider {

  private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);
  private static final String NATIVE = "/api/v1/sites/edge-1/journal";

  @Inject
  @Client("/")
  HttpClient client;

  private JournalTopicReader reader;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    ProjectionSchema.migrate(SharedLocalStack.endpoints());
    // Small limits, so that the limit cases need small bodies.
    p.put("cmfstream.ingest.max-journal-bytes", "65536");
    p.put("cmfstream.ingest.max-journal-records", "1000");
    p.put("cmfstream.ingest.publisher.max-record-bytes", "32768");
    return p;
  }

  private JournalTopicReader reader() {
    if (reader == null) {
      reader = new JournalTopicReader(SharedLocalStack.endpoints().kafkaBootstrap());
    }
    return reader;
  }

  @AfterAll
  void closeReader() {
    if (reader != null) {
      reader.close();
    }
  }

  @Nested
  class CmfPush {

    @Test
    void shouldPublishEveryRecordOfAPushUnderThePipelinesSiteWithItsHash() {
      // when
      final HttpResponse<Map<String, Object>> response = push(Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY), "/api/mlmd_push");

      // then: the cmf client's answer
      assertThat(response.getStatus().getCode()).isEqualTo(200);
      assertThat(response.body()).containsEntry("status", "success").containsEntry("records", 39);

      // and: the records on the journal, keyed by the pipeline's site, barrier last
      final List<ConsumerRecord<String, JournalRecord>> published = published(response);
      assertThat(published).hasSize(40);
      assertThat(published).extracting(ConsumerRecord::key).containsOnly(CmfPushTranslator.siteOf("Test-env"));
      assertThat(published.get(39).value().getBody()).isInstanceOf(BatchBarrier.class);
      assertThat(((BatchBarrier) published.get(39).value().getBody()).getRecords()).isEqualTo(39);
      final JsonNode payload = Json.parse(Fixtures.json(Fixtures.SYNTHETIC_PUSH_BODY).get("json_payload").asText(), 422, "payload");
      final List<String> expected =
          CmfPushTranslator.translate(payload, "Test-env", null, "s", "u", Instant.now()).records().stream().map(JournalRecord::getContentHash).toList();
      assertThat(hashes(published.subList(0, 39))).isEqualTo(expected);
    }

    @Test
    void shouldPublishTheSameHashesWhenTheSamePushComesAgain() {
      final List<ConsumerRecord<String, JournalRecord>> first = published(push(Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY), "/api/mlmd_push"));
      // Without the /api prefix, as older clients and a direct connection send it.
      final List<ConsumerRecord<String, JournalRecord>> again = published(push(Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY), "/mlmd_push"));

      assertThat(hashes(again)).isEqualTo(hashes(first));
      assertThat(again.get(0).value().getUpload()).isNotEqualTo(first.get(0).value().getUpload());
    }

    @Test
    void shouldAnswerPipelineNotExistAndPublishNothing() {
      final Map<?, Long> before = reader().endOffsets();
      final String body = new String(Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY), StandardCharsets.UTF_8).replace("\"pipeline_name\": \"Test-env\"", "\"pipeline_name\": \"Nope\"");

      final HttpResponse<Map<String, Object>> response = push(body.getBytes(StandardCharsets.UTF_8), "/api/mlmd_push");

      assertThat(response.body()).containsEntry("status", "pipeline_not_exist");
      assertThat(reader().endOffsets()).isEqualTo(before);
    }

    private HttpResponse<Map<String, Object>> push(final byte[] body, final String path) {
      return client.toBlocking().exchange(HttpRequest.POST(path, body).contentType("application/json"), MAP);
    }
  }

  @Nested
  class NativeJournal {

    @Test
    void shouldPublishABatchSentTwiceAsTheSameRecords() throws IOException {
      // given: a gzip NDJSON batch of five numbered records
      final String ndjson = String.join("\n", nativeBatch()) + "\n";
      final MutableHttpRequest<byte[]> request =
          HttpRequest.POST(NATIVE, gzip(ndjson)).contentType("application/x-ndjson").header("Content-Encoding", "gzip");

      // when
      final Receipt first = client.toBlocking().retrieve(request, Receipt.class);
      final Receipt again = client.toBlocking().retrieve(HttpRequest.POST(NATIVE, "[" + String.join(",", nativeBatch()) + "]").contentType("application/json"), Receipt.class);

      // then
      assertThat(first.accepted()).isEqualTo(5);
      assertThat(first.site()).isEqualTo("edge-1");
      assertThat(first.lastOffset() - first.firstOffset()).isEqualTo(5);
      final List<ConsumerRecord<String, JournalRecord>> one = reader().recordsOf(first);
      final List<ConsumerRecord<String, JournalRecord>> two = reader().recordsOf(again);
      assertThat(one).extracting(ConsumerRecord::key).containsOnly("edge-1");
      assertThat(hashes(two)).isEqualTo(hashes(one));
      assertThat(one.stream().limit(5).map(r -> r.value().getSeq()).toList()).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(one.get(2).value().getEventTime()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
    }

    @Test
    void shouldTellAReconnectingSiteWhereToResume() {
      // No replay runs here: a site it has not seen resumes from the start, and says so.
      final Map<String, Object> unseen = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/sites/edge-unseen/watermark"), MAP);
      assertThat(unseen).containsEntry("site", "edge-unseen").containsEntry("resumeFrom", 1).containsEntry("exact", false);
    }

    @Test
    void shouldAnswerAReceiptAsPendingUntilTheReplayAppliedIt() {
      final Map<String, Object> receipt = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/receipts/00000000-0000-4000-8000-000000000000"), MAP);
      assertThat(receipt).containsEntry("status", "PENDING").containsEntry("partitionsApplied", 0);
    }

    @Test
    void shouldRejectAReceiptIdThatIsNoId() {
      try {
        client.toBlocking().retrieve(HttpRequest.GET("/api/v1/receipts/not-an-id"), MAP);
        throw new AssertionError("accepted");
      } catch (HttpClientResponseException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(400);
        assertThat(e.getResponse().getBody(MAP).orElseThrow()).containsEntry("type", "https://cmf-stream.org/problems/invalid-receipt");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedUploads")
  void shouldAnswerMalformedInputWithAClear4xxAndPublishNothing(
      final String name, final String path, final String contentType, final String encoding, final byte[] body, final int status, final String type) {
    // given
    final Map<?, Long> before = reader().endOffsets();
    final MutableHttpRequest<byte[]> request = HttpRequest.POST(path, body).contentType(contentType);
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }

    // when
    final HttpClientResponseException error;
    try {
      client.toBlocking().exchange(request, MAP);
      throw new AssertionError(name + " was accepted");
    } catch (HttpClientResponseException e) {
      error = e;
    }

    // then
    assertThat(error.getStatus().getCode()).as(name).isEqualTo(status);
    final Map<String, Object> answer = error.getResponse().getBody(MAP).orElseThrow(() -> new AssertionError(name + ": no JSON body"));
    if (path.contains("/v1/")) {
      assertThat(error.getResponse().getContentType()).map(Object::toString).contains("application/problem+json");
      assertThat(answer).containsEntry("type", "https://cmf-stream.org/problems/" + type).containsEntry("status", status);
    } else {
      // The cmf client reads response.json()["status"].
      assertThat(answer).containsEntry("status", type);
    }
    assertThat(String.valueOf(answer.get("detail"))).as(name + " says what is wrong").isNotBlank();
    assertThat(reader().endOffsets()).as(name + " published nothing").isEqualTo(before);
  }

  Stream<Arguments> malformedUploads() throws IOException {
    final String ok = nativeBatch().get(0);
    final List<Arguments> cases = new ArrayList<>();
    // the native journal API: problem+json
    cases.add(v1("malformed JSON", "[{\"seq\": 1,", 400, "malformed-json"));
    cases.add(v1("empty body", "", 400, "malformed-json"));
    cases.add(v1("an object, not an array", ok, 400, "not-an-array"));
    cases.add(v1("no records", "[]", 400, "empty-upload"));
    cases.add(v1("missing seq", "[{\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}]", 400, "invalid-seq"));
    cases.add(v1("negative seq", "[{\"seq\":-1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}]", 400, "invalid-seq"));
    cases.add(v1("seq as a string", "[{\"seq\":\"1\",\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}]", 400, "invalid-seq"));
    cases.add(v1("unknown kind", "[{\"seq\":1,\"kind\":\"widget\",\"fact\":{}}]", 400, "invalid-kind"));
    cases.add(v1("missing fact", "[{\"seq\":1,\"kind\":\"pipeline\"}]", 400, "invalid-fact"));
    cases.add(v1("missing required field", "[{\"seq\":1,\"kind\":\"artifact\",\"fact\":{\"type\":\"Dataset\",\"name\":\"d\"}}]", 400, "missing-field"));
    cases.add(v1("wrong type", "[{\"seq\":1,\"kind\":\"artifact\",\"fact\":{\"uri\":42,\"type\":\"Dataset\",\"name\":\"d\"}}]", 400, "wrong-type"));
    cases.add(v1("nested property value", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":{\"b\":1}}}}]", 400, "wrong-type"));
    cases.add(v1("unknown enum symbol", "[{\"seq\":1,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e\",\"artifactUri\":\"a\",\"direction\":\"SIDEWAYS\"}}]", 400, "wrong-type"));
    cases.add(v1("unknown fact field", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"colour\":\"red\"}}]", 400, "unknown-field"));
    cases.add(v1("unknown record field", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"},\"sig\":\"x\"}]", 400, "unknown-field"));
    cases.add(v1("unparseable time", "[{\"seq\":1,\"time\":\"yesterday\",\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}]", 400, "invalid-time"));
    cases.add(v1("one seq, two facts", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}},{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"q\"}}]", 400, "conflicting-seq"));
    cases.add(v1("nesting 300 deep", "[" + "[".repeat(300) + "]".repeat(300) + "]", 400, "malformed-json"));
    cases.add(Arguments.of("invalid site name", "/api/v1/sites/Not%20A%20Site/journal", "application/json", null, bytes("[" + ok + "]"), 400, "invalid-site"));
    cases.add(Arguments.of("wrong media type", NATIVE, "text/plain", null, bytes("[" + ok + "]"), 415, "unsupported-media-type"));
    cases.add(Arguments.of("gzip that is not gzip", NATIVE, "application/json", "gzip", bytes("[" + ok + "]"), 400, "bad-encoding"));
    cases.add(Arguments.of("unknown content encoding", NATIVE, "application/json", "br", bytes("[" + ok + "]"), 415, "unsupported-encoding"));
    cases.add(Arguments.of("body over the limit", NATIVE, "application/json", null, bytes("[" + (ok + ",").repeat(1500) + ok + "]"), 413, "body-too-large"));
    cases.add(Arguments.of("gzip inflating over the limit", NATIVE, "application/json", "gzip", gzip("[" + " ".repeat(200_000) + "]"), 413, "body-too-large"));
    // A plain record, which the one-pass reader takes: the 413 still names it.
    cases.add(v1("record over the broker's limit",
        "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"notes\":\"" + "p".repeat(40_000) + "\"}}}]", 413, "record-too-large"));
    cases.add(v1("name longer than PostgreSQL indexes", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"" + "p".repeat(801) + "\"}}]", 400, "unstorable-text"));
    cases.add(v1("NUL in a property", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":\"x\\u0000y\"}}}]", 400, "unstorable-text"));
    cases.add(Arguments.of("too many records", NATIVE, "application/x-ndjson", null, bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}\n".repeat(1001)), 413, "too-many-records"));
    cases.add(Arguments.of("NDJSON with a bad line", NATIVE, "application/x-ndjson", null, bytes(ok + "\n{oops\n"), 400, "malformed-json"));
    // the cmf push: the cmf client's shape
    cases.add(push("not JSON", "pipeline_name=Test-env", 422, "malformed-json"));
    cases.add(push("missing pipeline_name", "{\"json_payload\":\"{}\"}", 422, "invalid_request"));
    cases.add(push("blank pipeline_name", "{\"pipeline_name\":\"  \",\"json_payload\":\"{}\"}", 422, "invalid_request"));
    cases.add(push("json_payload not a string", "{\"pipeline_name\":\"p\",\"json_payload\":{\"Pipeline\":[]}}", 422, "invalid_request"));
    cases.add(push("json_payload not JSON", "{\"pipeline_name\":\"p\",\"json_payload\":\"{Pipeline\"}", 422, "malformed-json"));
    cases.add(push("no Pipeline in the dump", "{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\":[]}\"}", 400, "invalid_json_payload"));
    cases.add(push("execution without uuid", "{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\":[{\\\"name\\\":\\\"p\\\",\\\"stages\\\":[{\\\"name\\\":\\\"p/s\\\",\\\"executions\\\":[{\\\"name\\\":\\\"\\\",\\\"properties\\\":{}}]}]}]}\"}", 422, "version_update"));
    cases.add(push("NUL in an execution property", "{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\":[{\\\"name\\\":\\\"p\\\",\\\"stages\\\":[{\\\"name\\\":\\\"p/s\\\",\\\"executions\\\":[{\\\"name\\\":\\\"e\\\",\\\"properties\\\":{\\\"Execution_uuid\\\":\\\"u-1\\\"},\\\"custom_properties\\\":{\\\"n\\\":\\\"a\\\\u0000b\\\"}}]}]}]}\"}", 422, "unstorable-text"));
    cases.add(Arguments.of("push as text/plain", "/api/mlmd_push", "text/plain", null, Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY), 415, "unsupported_media_type"));
    return cases.stream();
  }

  private static Arguments v1(final String name, final String body, final int status, final String type) {
    return Arguments.of(name, NATIVE, "application/json", null, bytes(body), status, type);
  }

  private static Arguments push(final String name, final String body, final int status, final String type) {
    return Arguments.of(name, "/api/mlmd_push", "application/json", null, bytes(body), status, type);
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The records a push published, found through the journal location its answer carries. */
  @SuppressWarnings("unchecked")
  private List<ConsumerRecord<String, JournalRecord>> published(final HttpResponse<Map<String, Object>> response) {
    final Map<String, Object> journal = (Map<String, Object>) response.body().get("journal");
    final Receipt receipt =
        new Receipt(
            String.valueOf(journal.get("receipt")),
            String.valueOf(journal.get("site")),
            ((Number) journal.get("accepted")).intValue(),
            String.valueOf(journal.get("topic")),
            ((Number) journal.get("partition")).intValue(),
            ((Number) journal.get("firstOffset")).longValue(),
            ((Number) journal.get("lastOffset")).longValue());
    return reader().recordsOf(receipt);
  }

  private static List<String> hashes(final List<ConsumerRecord<String, JournalRecord>> records) {
    return records.stream().map(r -> r.value().getContentHash()).toList();
  }

  private static List<String> nativeBatch() {
    return List.of(
        "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"edge-pipeline\"}}",
        "{\"seq\":2,\"kind\":\"stage\",\"fact\":{\"pipeline\":\"edge-pipeline\",\"name\":\"edge-pipeline/train\"}}",
        "{\"seq\":3,\"time\":\"2026-11-20T10:00:00Z\",\"kind\":\"execution\",\"fact\":{\"uuid\":\"7e1c0a52-0000-11ef-8000-000000000001\",\"pipeline\":\"edge-pipeline\",\"stage\":\"edge-pipeline/train\",\"type\":\"Train\",\"customProperties\":{\"seed\":42,\"lr\":0.01,\"loss\":NaN}}}",
        "{\"seq\":4,\"time\":1795414078432,\"kind\":\"artifact\",\"fact\":{\"uri\":\"236d9502e0283d91f689d7038b8508a2\",\"type\":\"Dataset\",\"name\":\"data.xml.gz:236d9502e0283d91f689d7038b8508a2\",\"properties\":{\"url\":\"edge-pipeline:/remote/files/md5/23/6d9502e0283d91f689d7038b8508a2\"}}}",
        "{\"seq\":5,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"7e1c0a52-0000-11ef-8000-000000000001\",\"artifactUri\":\"236d9502e0283d91f689d7038b8508a2\",\"direction\":\"INPUT\"}}");
  }

  private static byte[] gzip(final String text) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
