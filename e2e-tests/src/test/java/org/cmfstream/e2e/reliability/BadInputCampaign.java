// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.avro.StageFact;
import org.cmfstream.e2e.RunningCmfStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7's bad-input campaign: several hundred generated malformed or hostile requests against
 * every write route (and hostile parameters on the reads), all through the front door of a running
 * {@code ./cmf-stream up}. Every case must be answered with a 4xx in the route's error shape
 * (problem+json on the native routes, {@code {"detail": ...}} on the cmf routes), or, on a read,
 * with a correct empty answer; never a 5xx, never silence. After each case the journal's committed
 * end offsets and the bucket's files must be as before, and after all of them the projection's row
 * counts too, the services must still be UP, and a valid upload must still be APPLIED.
 *
 * <p>The inputs are generated from valid bodies with a seeded {@link Random}, so a run is
 * repeatable and a failing case is named by route, class and mutation. Every answer is written to
 * {@code target/bad-input-campaign.tsv}. An upload that ends in an aborted Kafka transaction takes
 * offsets but commits nothing; it is listed, not failed.
 *
 * <p>Known failures when this was written (issue #7), each a bug the campaign found and left to
 * its owner, all fixed since: invalid UTF-8 accepted by the native journal (NDJSON decodes
 * leniently; the JSON reader takes an overlong '/' for '/'); the journal route's effective body
 * limit of 10 MB (Micronaut's buffer) answered in the framework's shape, and its declared-length
 * check that waits for the whole body; gzip bodies cut in their last bytes accepted (Netty's
 * inflater, in the front door and in ingest, never checked the trailer); a gzip cmf push over 10 MB
 * refused by the framework's buffer; multipart uploads without their closing boundary stored, and
 * backslashes and control characters rewritten in multipart file names before the route could
 * refuse them (the side-file and artifact_push routes now read multipart bodies themselves).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCampaign {

  private static final long SEED = 20261201L;
  private static final String TOPIC = "cmf.journal.v1";
  private static final Duration CASE_TIMEOUT = Duration.ofSeconds(90);
  /** A raw request's answer is read to EOF; a server that keeps the connection open ends it here. */
  private static final Duration RAW_TIMEOUT = Duration.ofSeconds(10);
  /** Netty's longest request line: a longer URL is the framework's 413 (or 414), before any route. */
  private static final int MAX_URL = 4096;
  /** An injected {@code pg_sleep} or a runaway query shows up as a slow answer. */
  private static final Duration READ_CEILING = Duration.ofSeconds(8);

  // The limits the routes are configured with by default (README, application.properties).
  private static final long MAX_JOURNAL_BYTES = 67_108_864L;
  private static final int MAX_JOURNAL_RECORDS = 100_000;
  private static final long MAX_PUSH_BYTES = 268_435_456L;
  private static final long MAX_SIDE_FILE_BYTES = 268_435_456L;
  private static final long MAX_ARTIFACT_BYTES = 52_428_800_000L;

  /** Lenient, like the servers: NaN is legal in the cmf dump; and written bare, since a quoted "NaN" would be a string. */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Strings that do harm where a query, a path, a log line or a shell concatenates them. */
  private static final List<String> HOSTILE =
      List.of(
          "'; DROP TABLE executions; --",
          "' OR '1'='1",
          "1; SELECT pg_sleep(10)--",
          "x' AND 1=(SELECT 1 FROM pg_sleep(10))--",
          "}) MATCH (n) DETACH DELETE n //",
          "'}) MATCH (n) DETACH DELETE n RETURN 1 //",
          "\") WITH 1 AS x CALL dbms.killQueries([]) //",
          "%' OR 1=1 --",
          "../../../../etc/passwd",
          "..\\..\\windows\\win.ini",
          "$(rm -rf /)",
          "`id`",
          "<script>alert(1)</script>",
          "${jndi:ldap://127.0.0.1:1/a}",
          "{{7*7}}",
          "a\r\nX-Injected: 1",
          "\u202Etxt.exe",
          "\uFEFFbom",
          "e\u0301\u0301\u0301",
          "\uD83D\uDE00\uD83D\uDCA5",
          "nul\u0000byte",
          "A".repeat(5000));

  @TempDir static Path dataDir;

  private final Random random = new Random(SEED);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private RunningCmfStream cmf;
  private Properties ports;
  private Path blobs;
  private KafkaConsumer<byte[], byte[]> kafka;

  /** What the stores held before the campaign; each case must leave them so. */
  private Map<Integer, Long> offsetsBefore;
  private Map<String, Long> rowsBefore;
  private Map<String, Long> blobsBefore;

  /** The state after the last case: a case that changes it is blamed, and the next one is compared to its state. */
  private Map<Integer, Long> offsetsNow;
  private Map<String, Long> blobsNow;

  private final List<String> leaks = new ArrayList<>();
  /** Cases whose upload ended in an aborted Kafka transaction: offsets taken, nothing committed. */
  private final List<String> aborted = new ArrayList<>();
  private final Map<String, Integer> casesByRouteAndClass = new TreeMap<>();
  private final Map<Integer, Integer> statuses = new TreeMap<>();
  private final List<String> slowest = new ArrayList<>();
  /** Every answer, one line each, written to target/ for whoever reads a run. */
  private final List<String> answers = new ArrayList<>();
  private long campaignStarted;

  // --- the valid state the campaign runs against -------------------------------------------

  private String validArtifactMd5;
  private byte[] validPush;
  private JsonNode validDump;

  @BeforeAll
  void startAndLoadAValidState() throws Exception {
    cmf = RunningCmfStream.start(dataDir);
    ports = ports(dataDir);
    blobs = blobsDir(dataDir);
    kafka = journalConsumer("127.0.0.1:" + ports.getProperty("kafka"));

    // A pipeline from the real client, so that artifact_push and the reads have things to find.
    validPush = RunningCmfStream.resource("/cmf/synthetic_mlmd_push_request_body.json");
    validDump = JSON.readTree(JSON.readTree(validPush).path("json_payload").asText());
    final Answer push = send(Req.post("/api/mlmd_push", "application/json", validPush));
    assertThat(push.text()).contains("\"status\":\"success\"").contains("\"applied\":true");

    final byte[] artifact = "the bytes of an artifact the campaign must not disturb\n".getBytes(StandardCharsets.UTF_8);
    validArtifactMd5 = md5(artifact);
    assertThat(send(Req.put("/api/v1/artifacts/" + validArtifactMd5, "application/octet-stream", artifact)).status()).isEqualTo(201);
    final Multipart env = new Multipart().file("file", "cmf_artifacts/python_env_campaign.txt", "text/plain", "numpy==1.26.4\n".getBytes(StandardCharsets.UTF_8));
    assertThat(send(Req.post("/api/python-env", env.contentType(), env.bytes())).status()).isEqualTo(200);

    awaitApplied(send(Req.post("/api/v1/sites/campaign-edge/journal", "application/x-ndjson", ndjson(validRecords(1, "campaign")))));

    offsetsBefore = journalEndOffsets();
    blobsBefore = blobFiles();
    rowsBefore = projectionRowCounts();
    offsetsNow = offsetsBefore;
    blobsNow = blobsBefore;
    System.out.printf(Locale.ROOT, "campaign baseline: journal end offsets %s, rows %s, %d objects in the bucket%n", offsetsBefore, rowsBefore, blobsBefore.size());
  }

  @AfterAll
  void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (cmf != null) {
      cmf.stop();
    }
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> everyBadInputIsRefusedWithA4xxAndStoresNothing() throws Exception {
    final List<Case> cases = new ArrayList<>();
    journalCases(cases);
    pushCases(cases);
    artifactCases(cases);
    artifactPushCases(cases);
    sideFileCases(cases);
    methodCases(cases);
    readCases(cases);
    rawCases(cases);
    cases.forEach(c -> casesByRouteAndClass.merge(c.route() + " / " + c.kind(), 1, Integer::sum));
    System.out.printf(Locale.ROOT, "campaign: %d cases%n", cases.size());
    campaignStarted = System.nanoTime();
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> run(c)));
  }

  @Test
  @Order(2)
  void shouldStillServeAndHaveStoredNothingOfTheBadInputs() throws Exception {
    System.out.printf(Locale.ROOT, "campaign: %.1f s for the cases%n", (System.nanoTime() - campaignStarted) / 1e9);
    System.out.println("campaign: cases by route and class:");
    casesByRouteAndClass.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %4d  %s%n", v, k));
    System.out.println("campaign: answers by status: " + statuses);
    slowest.sort(null);
    System.out.println("campaign: slowest cases: " + slowest.subList(Math.max(0, slowest.size() - 5), slowest.size()));
    final Path tsv = Path.of("target", "bad-input-campaign.tsv");
    Files.write(tsv, answers, StandardCharsets.UTF_8);
    System.out.println("campaign: every answer in " + tsv.toAbsolutePath());

    System.out.println("campaign: cases that ended in an aborted Kafka transaction (offsets taken, nothing committed): " + aborted);

    // Soft: a case that stored something must not hide whether the services still serve.
    final SoftAssertions softly = new SoftAssertions();
    // Nothing published means nothing for the replay to apply: the journal first.
    softly.assertThat(leaks).as("cases that stored something").isEmpty();
    softly.assertThat(committedRecordsBetween(offsetsBefore, journalEndOffsets())).as("committed records added to " + TOPIC).isZero();
    softly.assertThat(projectionRowCounts()).as("rows of the projection").isEqualTo(rowsBefore);
    softly.assertThat(blobFiles()).as("objects in the bucket").isEqualTo(blobsBefore);

    softly.assertThat(cmf.launcher().isAlive()).as("the launcher and its services").isTrue();
    softly.assertThat(send(Req.get("/health")).text()).as("the front door's health").contains("\"status\":\"UP\"");
    for (final String service : List.of("ingest", "query", "replay")) {
      final HttpResponse<String> health =
          http.send(HttpRequest.newBuilder(cmf.urls().get(service).resolve("/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      softly.assertThat(health.body()).as(service + " health").contains("\"status\":\"UP\"");
    }
    final Answer after = send(Req.post("/api/v1/sites/campaign-edge/journal", "application/x-ndjson", ndjson(validRecords(100, "campaign-after"))));
    softly.assertThat(after.status()).as("a valid upload after the campaign: " + after.text()).isEqualTo(200);
    if (after.status() == 200) {
      softly.assertThatCode(() -> awaitApplied(after)).as("its receipt APPLIED").doesNotThrowAnyException();
      softly.assertThat(send(Req.get("/api/v1/pipelines/campaign-after")).status()).as("its pipeline, read back").isEqualTo(200);
    }
    softly.assertAll();
  }

  // --- the native journal: POST /api/v1/sites/{site}/journal ------------------------------------

  private void journalCases(final List<Case> cases) throws IOException {
    final String route = "journal";
    final String path = "/api/v1/sites/campaign-bad/journal";
    final List<ObjectNode> valid = validRecords(1, "campaign-bad");
    final byte[] array = JSON.writeValueAsBytes(arrayOf(valid));
    final byte[] lines = ndjson(valid);
    final Expect bad400 = Expect.problem(400);

    // Truncated at many offsets: a JSON array cut anywhere is never complete.
    for (final int at : offsets(array.length, 40)) {
      cases.add(new Case(route, "truncated", "JSON array cut at byte " + at + " of " + array.length,
          Req.post(path, "application/json", Arrays.copyOf(array, at)), bad400));
    }
    // NDJSON cut inside a line: the lines before it would be complete records, so cut only inside one.
    for (final int at : ndjsonCuts(lines, 30)) {
      cases.add(new Case(route, "truncated", "NDJSON cut at byte " + at + " of " + lines.length,
          Req.post(path, "application/x-ndjson", Arrays.copyOf(lines, at)), bad400));
    }

    // Wrong JSON types, field by field of every kind's fact, against the journal schema.
    for (final ObjectNode record : valid) {
      final String kind = record.path("kind").asText();
      final Schema schema = FACT_SCHEMAS.get(kind);
      for (final Schema.Field field : schema.getFields()) {
        for (final Map.Entry<String, JsonNode> candidate : WRONG_VALUES.entrySet()) {
          if (accepts(field.schema(), candidate.getValue())) {
            continue;
          }
          final ObjectNode mutated = record.deepCopy();
          ((ObjectNode) mutated.path("fact")).set(field.name(), candidate.getValue());
          cases.add(new Case(route, "wrong type", kind + ".fact." + field.name() + " = " + candidate.getKey(),
              Req.post(path, "application/x-ndjson", ndjson(List.of(mutated))), Expect.problem(400).detailNames(field.name())));
        }
        if (field.schema().getType() == Schema.Type.MAP) {
          for (final String bad : List.of("[]", "{}", "18446744073709551616", "{\"a\":{\"b\":1}}")) {
            final ObjectNode mutated = record.deepCopy();
            ((ObjectNode) mutated.path("fact")).putObject(field.name()).set("k", parse(bad));
            cases.add(new Case(route, "wrong type", kind + ".fact." + field.name() + ".k = " + bad,
                Req.post(path, "application/x-ndjson", ndjson(List.of(mutated))), Expect.problem(400).detailNames(field.name())));
          }
        }
        if (!field.hasDefaultValue()) {
          final ObjectNode mutated = record.deepCopy();
          ((ObjectNode) mutated.path("fact")).remove(field.name());
          cases.add(new Case(route, "missing field", kind + ".fact without " + field.name(),
              Req.post(path, "application/x-ndjson", ndjson(List.of(mutated))), Expect.problem(400).detailNames(field.name())));
        }
      }
      final ObjectNode unknown = record.deepCopy();
      ((ObjectNode) unknown.path("fact")).put("evil", "'; DROP TABLE executions; --");
      cases.add(new Case(route, "unknown field", kind + ".fact.evil",
          Req.post(path, "application/x-ndjson", ndjson(List.of(unknown))), Expect.problem(400).detailNames("evil")));
    }

    // The envelope: seq, kind, fact, time; NaN, infinities, huge and negative numbers among them.
    final Map<String, List<String>> envelope = new LinkedHashMap<>();
    envelope.put("seq", List.of("\"1\"", "1.5", "-1", "-9223372036854775808", "9223372036854775808", "18446744073709551616",
        "1e400", "1e3", "NaN", "Infinity", "-Infinity", "null", "true", "[]", "{}", "[1]"));
    envelope.put("kind", List.of("42", "null", "\"PIPELINE\"", "\"pipelines\"", "\"\"", "[]", "{}", "\"pipeline\\u0000\"", "\"'; DROP TABLE executions; --\""));
    envelope.put("fact", List.of("\"x\"", "[]", "null", "42", "true", "[{}]"));
    envelope.put("time", List.of("true", "\"yesterday\"", "-1", "1.5", "[]", "{}", "\"2026-13-45T00:00:00Z\"", "NaN", "Infinity",
        "18446744073709551616", "\"'; DROP TABLE executions; --\""));
    for (final Map.Entry<String, List<String>> e : envelope.entrySet()) {
      for (final String value : e.getValue()) {
        final ObjectNode mutated = valid.get(0).deepCopy();
        mutated.set(e.getKey(), parse(value));
        cases.add(new Case(route, "wrong type", "envelope " + e.getKey() + " = " + value,
            Req.post(path, "application/x-ndjson", ndjson(List.of(mutated))), Expect.problem(400).detailNames(e.getKey())));
      }
    }
    for (final String field : List.of("seq", "kind", "fact")) {
      final ObjectNode mutated = valid.get(0).deepCopy();
      mutated.remove(field);
      cases.add(new Case(route, "missing field", "envelope without " + field,
          Req.post(path, "application/json", JSON.writeValueAsBytes(arrayOf(List.of(mutated)))), Expect.problem(400).detailNames(field)));
    }
    final ObjectNode extra = valid.get(0).deepCopy();
    extra.put("site", "other-site");
    cases.add(new Case(route, "unknown field", "envelope site", Req.post(path, "application/json", JSON.writeValueAsBytes(arrayOf(List.of(extra)))), bad400));
    final ObjectNode twin = valid.get(1).deepCopy();
    twin.put("seq", 1);
    cases.add(new Case(route, "conflict", "seq 1 twice with different facts",
        Req.post(path, "application/json", JSON.writeValueAsBytes(arrayOf(List.of(valid.get(0), twin)))), bad400));

    // Shapes that are no upload.
    final Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put("empty body", "");
    shapes.put("empty array", "[]");
    shapes.put("an object", "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}");
    shapes.put("a string", "\"[]\"");
    shapes.put("a number", "42");
    shapes.put("null", "null");
    shapes.put("true", "true");
    shapes.put("array of numbers", "[1,2,3]");
    shapes.put("array of arrays", "[[]]");
    shapes.put("array of nulls", "[null]");
    shapes.put("trailing garbage", new String(array, StandardCharsets.UTF_8) + " garbage");
    shapes.put("two arrays", new String(array, StandardCharsets.UTF_8) + new String(array, StandardCharsets.UTF_8));
    shapes.put("comments", "/* hi */ " + new String(array, StandardCharsets.UTF_8));
    shapes.put("single quotes", new String(array, StandardCharsets.UTF_8).replace('"', '\''));
    shapes.put("BOM then garbage", "\uFEFF]");
    for (final Map.Entry<String, String> e : shapes.entrySet()) {
      cases.add(new Case(route, "not an upload", "JSON: " + e.getKey(), Req.post(path, "application/json", utf8(e.getValue())), bad400));
    }
    cases.add(new Case(route, "not an upload", "NDJSON: only blank lines", Req.post(path, "application/x-ndjson", utf8("\n\n  \n")), bad400));
    cases.add(new Case(route, "not an upload", "NDJSON: an array on a line", Req.post(path, "application/x-ndjson", utf8("[]\n")), bad400));
    cases.add(new Case(route, "not an upload", "NDJSON: a JSON array body", Req.post(path, "application/x-ndjson", array), bad400));
    cases.add(new Case(route, "not an upload", "NDJSON: CR only separators",
        Req.post(path, "application/x-ndjson", new String(lines, StandardCharsets.UTF_8).replace('\n', '\r').getBytes(StandardCharsets.UTF_8)), bad400));

    // Deep nesting: the reader stops at 200 levels.
    for (final int depth : List.of(201, 10_000, 100_000)) {
      cases.add(new Case(route, "deep nesting", depth + " levels of [", Req.post(path, "application/json", utf8("[".repeat(depth) + "]".repeat(depth))), bad400));
      cases.add(new Case(route, "deep nesting", depth + " levels of { unclosed", Req.post(path, "application/json", utf8("[" + "{\"a\":".repeat(depth))), bad400));
    }
    for (final int depth : List.of(1_000, 10_000)) {
      cases.add(new Case(route, "deep nesting", depth + " levels inside fact.customProperties",
          Req.post(path, "application/x-ndjson", utf8("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"k\":"
              + "[".repeat(depth) + "]".repeat(depth) + "}}}\n")), bad400));
      cases.add(new Case(route, "deep nesting", depth + " levels of { on an NDJSON line",
          Req.post(path, "application/x-ndjson", utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "\n")), bad400));
    }

    // Invalid UTF-8 inside a name: neither form may turn it into something else silently.
    final Map<String, byte[]> badUtf8 = new LinkedHashMap<>();
    badUtf8.put("lone continuation byte", new byte[] {(byte) 0x80});
    badUtf8.put("overlong slash", new byte[] {(byte) 0xC0, (byte) 0xAF});
    badUtf8.put("truncated 2-byte sequence", new byte[] {(byte) 0xC3});
    badUtf8.put("encoded surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    badUtf8.put("0xFF", new byte[] {(byte) 0xFF});
    badUtf8.put("beyond U+10FFFF", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});
    for (final Map.Entry<String, byte[]> e : badUtf8.entrySet()) {
      final byte[] record = withBytesInName("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p", e.getValue(), "\"}}");
      cases.add(new Case(route, "invalid UTF-8", "JSON array, " + e.getKey(), Req.post(path, "application/json", concat(utf8("["), record, utf8("]"))), bad400));
      cases.add(new Case(route, "invalid UTF-8", "NDJSON, " + e.getKey(), Req.post(path, "application/x-ndjson", concat(record, utf8("\n"))), bad400));
    }

    // Huge fields: one record far beyond what a Kafka record may hold, however valid its JSON.
    for (final int mb : List.of(2, 10)) {
      final ObjectNode huge = valid.get(0).deepCopy();
      ((ObjectNode) huge.path("fact")).put("name", "n".repeat(mb * 1024 * 1024));
      cases.add(new Case(route, "huge field", mb + " MB pipeline name", Req.post(path, "application/x-ndjson", ndjson(List.of(huge))), Expect.problem(413, 422, 400)));
      final ObjectNode hugeProperty = valid.get(0).deepCopy();
      ((ObjectNode) hugeProperty.path("fact")).putObject("customProperties").put("k".repeat(mb * 1024 * 1024), 1);
      cases.add(new Case(route, "huge field", mb + " MB property key", Req.post(path, "application/x-ndjson", ndjson(List.of(hugeProperty))), Expect.problem(413, 422, 400)));
      final ObjectNode hugeSeq = valid.get(0).deepCopy();
      hugeSeq.put("seq", "9".repeat(mb * 1024 * 1024));
      cases.add(new Case(route, "huge field", mb + " MB seq string", Req.post(path, "application/x-ndjson", ndjson(List.of(hugeSeq))), bad400));
      cases.add(new Case(route, "huge field", mb + " MB number as seq",
          Req.post(path, "application/x-ndjson", utf8("{\"seq\":" + "9".repeat(mb * 1024 * 1024) + ",\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}\n")), bad400));
    }

    // Over the configured limits: bytes, records, and bytes once inflated.
    cases.add(new Case(route, "oversized", "plain body over max-journal-bytes",
        Req.post(path, "application/json", utf8("[" + " ".repeat((int) MAX_JOURNAL_BYTES) + "]")), Expect.problem(413)));
    cases.add(new Case(route, "oversized", "gzip bomb inflating past max-journal-bytes",
        Req.post(path, "application/json", gzipOfSpaces("[", MAX_JOURNAL_BYTES + 1024 * 1024, "]")).header("Content-Encoding", "gzip"), Expect.problem(413)));
    cases.add(new Case(route, "oversized", (MAX_JOURNAL_RECORDS + 1) + " records",
        Req.post(path, "application/json", utf8("[" + "{}, ".repeat(MAX_JOURNAL_RECORDS) + "{}]")), Expect.problem(413)));
    cases.add(new Case(route, "oversized", (MAX_JOURNAL_RECORDS + 1) + " NDJSON lines",
        Req.post(path, "application/x-ndjson", utf8("{}\n".repeat(MAX_JOURNAL_RECORDS + 1))), Expect.problem(413)));

    // Wrong content types and encodings.
    for (final String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/octet-stream", "application/jsonx", "text/json", "application/json-patch+json", "*/*", "")) {
      cases.add(new Case(route, "wrong content type", "'" + type + "'", Req.post(path, type, array), Expect.problem(415)));
    }
    final byte[] gzipped = gzip(lines);
    // Cut before the 8-byte trailer: the inflated prefix is then an incomplete upload.
    for (final int at : offsets(gzipped.length - 8, 10)) {
      cases.add(new Case(route, "bad gzip", "gzip cut at byte " + at + " of " + gzipped.length,
          Req.post(path, "application/x-ndjson", Arrays.copyOf(gzipped, at)).header("Content-Encoding", "gzip"), Expect.problem(400)));
    }
    cases.add(new Case(route, "bad gzip", "gzip without the last byte of its trailer",
        Req.post(path, "application/x-ndjson", Arrays.copyOf(gzipped, gzipped.length - 1)).header("Content-Encoding", "gzip"), Expect.problem(400)));
    final byte[] corrupt = gzipped.clone();
    corrupt[corrupt.length - 6] ^= 0x5a;
    cases.add(new Case(route, "bad gzip", "gzip with a wrong CRC", Req.post(path, "application/x-ndjson", corrupt).header("Content-Encoding", "gzip"), Expect.problem(400)));
    cases.add(new Case(route, "bad gzip", "plain JSON declared gzip", Req.post(path, "application/json", array).header("Content-Encoding", "gzip"), Expect.problem(400)));
    cases.add(new Case(route, "bad gzip", "random bytes declared deflate", Req.post(path, "application/json", randomBytes(512)).header("Content-Encoding", "deflate"), Expect.problem(400)));
    cases.add(new Case(route, "bad gzip", "gzip of invalid JSON",
        Req.post(path, "application/json", gzip(utf8("[{\"seq\":"))).header("Content-Encoding", "gzip"), bad400));
    for (final String encoding : List.of("br", "compress", "zstd-ish", "gzip, identity, x")) {
      cases.add(new Case(route, "wrong content type", "Content-Encoding " + encoding,
          Req.post(path, "application/json", array).header("Content-Encoding", encoding), Expect.problem(415, 400)));
    }

    // Hostile site names in the path: what the site-name rule refuses, or a route that does not match.
    final List<String> sites = new ArrayList<>(HOSTILE);
    sites.addAll(List.of("..", ".", "-leading", "UPPER", "a".repeat(64), "a b", "edge/1", "edge\\1", "édge", "edge\n", "edge;x", "edge%", "_x"));
    for (final String site : sites) {
      final String encoded = encodePathSegment(site);
      cases.add(new Case(route, "hostile site", "site '" + printable(site) + "'",
          Req.post("/api/v1/sites/" + encoded + "/journal", "application/x-ndjson", lines), Expect.problem(400).orStatus(404)));
    }
    cases.add(new Case(route, "hostile site", "site '%2e%2e'", Req.post("/api/v1/sites/%2e%2e/journal", "application/x-ndjson", lines), Expect.problem(400).orStatus(404)));
    cases.add(new Case(route, "hostile site", "empty site", Req.post("/api/v1/sites//journal", "application/x-ndjson", lines), Expect.json(404, 400, 405)));
  }

  // --- the cmf push: POST /api/mlmd_push and /mlmd_push ------------------------------------------

  private void pushCases(final List<Case> cases) throws IOException {
    final String route = "mlmd_push";
    final ObjectNode request = (ObjectNode) JSON.readTree(validPush);
    final String payload = request.path("json_payload").asText();
    final Expect invalid = Expect.cmf(422);

    for (final int at : offsets(validPush.length, 30)) {
      cases.add(new Case(route, "truncated", "request cut at byte " + at + " of " + validPush.length,
          Req.post(pathOf(at), "application/json", Arrays.copyOf(validPush, at)), invalid));
    }
    final byte[] payloadBytes = utf8(payload);
    for (final int at : offsets(payloadBytes.length, 30)) {
      final ObjectNode mutated = request.deepCopy();
      mutated.put("json_payload", new String(Arrays.copyOf(payloadBytes, at), StandardCharsets.UTF_8));
      cases.add(new Case(route, "truncated", "json_payload cut at byte " + at + " of " + payloadBytes.length,
          Req.post(pathOf(at), "application/json", JSON.writeValueAsBytes(mutated)), invalid));
    }

    // The request's own fields, with every wrong JSON type.
    final Map<String, List<String>> fields = new LinkedHashMap<>();
    fields.put("pipeline_name", List.of("null", "\"\"", "\"   \"", "\"\\t\\n\"", "42", "true", "[]", "{}", "[\"Test-env\"]", "NaN"));
    fields.put("json_payload", List.of("null", "42", "true", "[]", "{}", "\"\"", "\"not json\"", "\"[]\"", "\"null\"", "\"42\"", "\"{\\\"Pipeline\\\": \"",
        "NaN"));
    fields.put("exec_uuid", List.of("42", "true", "[]", "{}", "1.5"));
    fields.put("id", List.of("42", "false", "[\"x\"]"));
    for (final Map.Entry<String, List<String>> e : fields.entrySet()) {
      for (final String value : e.getValue()) {
        final ObjectNode mutated = request.deepCopy();
        mutated.set(e.getKey(), parse(value));
        cases.add(new Case(route, "wrong type", e.getKey() + " = " + value, Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)), invalid));
      }
    }
    for (final String field : List.of("pipeline_name", "json_payload")) {
      final ObjectNode mutated = request.deepCopy();
      mutated.remove(field);
      cases.add(new Case(route, "missing field", "without " + field, Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)), invalid));
    }

    // Shapes that are no push request.
    final Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put("empty body", "");
    shapes.put("whitespace", "   \n");
    shapes.put("an array", "[" + new String(validPush, StandardCharsets.UTF_8) + "]");
    shapes.put("a string", "\"x\"");
    shapes.put("null", "null");
    shapes.put("a number", "42");
    shapes.put("trailing garbage", new String(validPush, StandardCharsets.UTF_8) + "}");
    shapes.put("two objects", new String(validPush, StandardCharsets.UTF_8) + "{}");
    shapes.put("json_payload not double-encoded", "{\"pipeline_name\":\"Test-env\",\"json_payload\":" + payload + "}");
    for (final Map.Entry<String, String> e : shapes.entrySet()) {
      cases.add(new Case(route, "not a push", e.getKey(), Req.post("/api/mlmd_push", "application/json", utf8(e.getValue())), invalid));
    }

    // The dump inside json_payload: what cmf-protocol.md fixes (400 without Pipeline, 422 version_update, 422 otherwise).
    final Map<String, String> dumps = new LinkedHashMap<>();
    dumps.put("{}", "400");
    dumps.put("{\"Pipeline\": []}", "400");
    dumps.put("{\"Pipeline\": [1]}", "400");
    dumps.put("{\"Pipeline\": \"Test-env\"}", "400");
    dumps.put("{\"Pipeline\": null}", "400");
    dumps.put("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": \"x\"}]}", "422");
    dumps.put("{\"Pipeline\": [{\"name\": \"Test-env\"}]}", "422");
    dumps.put("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": [{\"executions\": []}]}]}", "422");
    dumps.put("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": [{\"name\": \"s\", \"executions\": 5}]}]}", "422");
    dumps.put("[]", "422");
    dumps.put("\"Pipeline\"", "422");
    dumps.put("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": []}]} trailing", "422");
    dumps.put("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": []}]}{}", "422");
    for (final Map.Entry<String, String> e : dumps.entrySet()) {
      final ObjectNode mutated = request.deepCopy();
      mutated.put("json_payload", e.getKey());
      cases.add(new Case(route, "invalid dump", "json_payload " + e.getKey(), Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)),
          Expect.cmf(Integer.parseInt(e.getValue()))));
    }
    final Map<String, java.util.function.Consumer<ObjectNode>> executionMutations = new LinkedHashMap<>();
    executionMutations.put("version_update: unnamed execution without Execution_uuid", e -> ((ObjectNode) e.path("properties")).remove("Execution_uuid"));
    executionMutations.put("empty Execution_uuid", e -> ((ObjectNode) e.path("properties")).put("Execution_uuid", ""));
    executionMutations.put("events not a list", e -> e.put("events", "x"));
    executionMutations.put("event without artifact", e -> ((ObjectNode) e.path("events").get(0)).remove("artifact"));
    executionMutations.put("event type a string", e -> ((ObjectNode) e.path("events").get(0)).put("type", "INPUT"));
    executionMutations.put("event type 99", e -> ((ObjectNode) e.path("events").get(0)).put("type", 99));
    executionMutations.put("event type NaN", e -> ((ObjectNode) e.path("events").get(0)).put("type", Double.NaN));
    executionMutations.put("artifact without uri", e -> ((ObjectNode) e.path("events").get(0).path("artifact")).remove("uri"));
    executionMutations.put("artifact uri a number", e -> ((ObjectNode) e.path("events").get(0).path("artifact")).put("uri", 5));
    executionMutations.put("artifact name an array", e -> ((ObjectNode) e.path("events").get(0).path("artifact")).putArray("name"));
    executionMutations.put("custom property an object", e -> ((ObjectNode) e.path("custom_properties")).putObject("evil").put("a", 1));
    executionMutations.put("custom property an array", e -> ((ObjectNode) e.path("custom_properties")).putArray("evil").add(1));
    executionMutations.put("custom property beyond 64 bits", e -> ((ObjectNode) e.path("custom_properties")).put("evil", new BigInteger("184467440737095516160")));
    executionMutations.put("properties a string", e -> e.put("properties", "x"));
    executionMutations.put("custom_properties a list", e -> e.putArray("custom_properties"));
    executionMutations.put("artifact properties a number", e -> ((ObjectNode) e.path("events").get(0).path("artifact")).put("properties", 7));
    for (final Map.Entry<String, java.util.function.Consumer<ObjectNode>> m : executionMutations.entrySet()) {
      final JsonNode dump = validDump.deepCopy();
      m.getValue().accept((ObjectNode) dump.path("Pipeline").get(0).path("stages").get(1).path("executions").get(0));
      final ObjectNode mutated = request.deepCopy();
      mutated.put("json_payload", JSON.writeValueAsString(dump));
      final Expect expect = m.getKey().startsWith("version_update") ? Expect.cmf(422).cmfStatus("version_update") : invalid;
      cases.add(new Case(route, "invalid dump", m.getKey(), Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)), expect));
    }

    // Deep nesting: in the request, and in the dump.
    for (final int depth : List.of(201, 10_000)) {
      cases.add(new Case(route, "deep nesting", depth + " levels in an extra request field",
          Req.post("/api/mlmd_push", "application/json", utf8("{\"pipeline_name\":\"Test-env\",\"x\":" + "[".repeat(depth) + "]".repeat(depth)
              + ",\"json_payload\":\"{}\"}")), invalid));
      cases.add(new Case(route, "deep nesting", depth + " levels of { in the request, unclosed",
          Req.post("/api/mlmd_push", "application/json", utf8("{\"pipeline_name\":\"Test-env\",\"x\":" + "{\"a\":".repeat(depth))), invalid));
      final ObjectNode mutated = request.deepCopy();
      mutated.put("json_payload", "{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": " + "[".repeat(depth) + "]".repeat(depth) + "}]}");
      cases.add(new Case(route, "deep nesting", depth + " levels as the dump's stages", Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)), invalid));
      final ObjectNode deepProperty = request.deepCopy();
      deepProperty.put("json_payload", "{\"x\": " + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + ", \"Pipeline\": []}");
      cases.add(new Case(route, "deep nesting", depth + " levels of { before Pipeline", Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(deepProperty)), invalid));
    }

    // Invalid UTF-8 in the request and inside the double-encoded dump.
    final byte[] raw = validPush.clone();
    final int nameAt = indexOf(raw, utf8("artifacts/data.xml.gz"));
    for (final byte[] bad : List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xC3, (byte) 0x28}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
      final byte[] mutated = concat(Arrays.copyOf(raw, nameAt), bad, Arrays.copyOfRange(raw, nameAt, raw.length));
      cases.add(new Case(route, "invalid UTF-8", "bytes " + HexFormat.of().formatHex(bad) + " inside json_payload", Req.post("/api/mlmd_push", "application/json", mutated), invalid));
      cases.add(new Case(route, "invalid UTF-8", "bytes " + HexFormat.of().formatHex(bad) + " in pipeline_name",
          Req.post("/api/mlmd_push", "application/json", concat(utf8("{\"pipeline_name\":\"Test"), bad, utf8("\",\"json_payload\":\"{}\"}"))), Expect.cmf(422, 400)));
    }
    final Map<String, String> escapes = new LinkedHashMap<>();
    escapes.put("an invalid escape", "\\x41");
    escapes.put("a raw control character", "\u0001");
    escapes.put("a broken \\u escape", "\\u12G4");
    for (final Map.Entry<String, String> e : escapes.entrySet()) {
      final byte[] mutated = concat(Arrays.copyOf(raw, nameAt), utf8(e.getValue()), Arrays.copyOfRange(raw, nameAt, raw.length));
      cases.add(new Case(route, "malformed string", e.getKey() + " inside json_payload", Req.post("/api/mlmd_push", "application/json", mutated),
          invalid));
    }

    // Huge fields: a push of a pipeline that is not in the dump stores nothing, however long its name.
    for (final int mb : List.of(1, 10)) {
      final ObjectNode mutated = request.deepCopy();
      mutated.put("pipeline_name", "p".repeat(mb * 1024 * 1024));
      cases.add(new Case(route, "huge field", mb + " MB pipeline_name", Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)),
          Expect.cmf(422, 413, 400).orOk(BadInputCampaign::pipelineNotExist)));
      final JsonNode dump = validDump.deepCopy();
      ((ObjectNode) dump.path("Pipeline").get(0).path("stages").get(0).path("executions").get(0).path("custom_properties")).put("huge", "h".repeat(mb * 1024 * 1024));
      final ObjectNode withHuge = request.deepCopy();
      withHuge.put("json_payload", JSON.writeValueAsString(dump));
      cases.add(new Case(route, "huge field", mb + " MB custom property in the dump", Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(withHuge)),
          Expect.cmf(413, 422, 400)));
    }

    // Injection strings as the pipeline name: the real server's answer, pipeline_not_exist, and nothing stored.
    for (final String name : HOSTILE) {
      final ObjectNode mutated = request.deepCopy();
      mutated.put("pipeline_name", name);
      cases.add(new Case(route, "hostile name", "pipeline_name '" + printable(name) + "'", Req.post("/api/mlmd_push", "application/json", JSON.writeValueAsBytes(mutated)),
          Expect.cmf(422).orOk(BadInputCampaign::pipelineNotExist)));
    }

    // Over the limit once inflated; wrong types and encodings.
    cases.add(new Case(route, "oversized", "gzip bomb inflating past max-push-bytes",
        Req.post("/api/mlmd_push", "application/json", gzipOfSpaces("{\"pipeline_name\":\"Test-env\",\"json_payload\":\"{}\",\"x\":\"", MAX_PUSH_BYTES + 1024 * 1024, "\"}"))
            .header("Content-Encoding", "gzip"), Expect.cmf(413)));
    final String form = "pipeline_name=Test-env&exec_uuid=&json_payload=" + URLEncoder.encode(JSON.writeValueAsString(payload), StandardCharsets.UTF_8);
    cases.add(new Case(route, "wrong content type", "a form body with a double-encoded json_payload", Req.post("/api/mlmd_push", "application/x-www-form-urlencoded", utf8(form)), Expect.cmf(415)));
    cases.add(new Case(route, "wrong content type", "a form body on /mlmd_push", Req.post("/mlmd_push", "application/x-www-form-urlencoded", utf8(form)), Expect.cmf(415)));
    final Multipart multipart = new Multipart().field("pipeline_name", "Test-env").field("json_payload", payload);
    cases.add(new Case(route, "wrong content type", "multipart", Req.post("/api/mlmd_push", multipart.contentType(), multipart.bytes()), Expect.cmf(415)));
    for (final String type : List.of("text/plain", "application/xml", "application/octet-stream", "application/x-ndjson", "text/html")) {
      cases.add(new Case(route, "wrong content type", "'" + type + "'", Req.post("/api/mlmd_push", type, validPush), Expect.cmf(415)));
    }
    cases.add(new Case(route, "bad gzip", "plain JSON declared gzip", Req.post("/api/mlmd_push", "application/json", validPush).header("Content-Encoding", "gzip"), Expect.cmf(400)));
    final byte[] gzipped = gzip(validPush);
    for (final int at : offsets(gzipped.length - 8, 6)) {
      // The prefix inflates to a truncated request: 422 from the route, or 400 from the decoder.
      cases.add(new Case(route, "bad gzip", "gzip cut at byte " + at + " of " + gzipped.length,
          Req.post("/api/mlmd_push", "application/json", Arrays.copyOf(gzipped, at)).header("Content-Encoding", "gzip"), Expect.cmf(400, 422)));
    }
    cases.add(new Case(route, "bad gzip", "gzip without the last byte of its trailer",
        Req.post("/api/mlmd_push", "application/json", Arrays.copyOf(gzipped, gzipped.length - 1)).header("Content-Encoding", "gzip"), Expect.cmf(400)));
    cases.add(new Case(route, "wrong content type", "Content-Encoding br", Req.post("/api/mlmd_push", "application/json", validPush).header("Content-Encoding", "br"), Expect.cmf(415, 400)));
  }

  private static String pathOf(final int n) {
    // Both spellings the cmf client may use.
    return n % 2 == 0 ? "/api/mlmd_push" : "/mlmd_push";
  }

  private static boolean pipelineNotExist(final Answer answer) {
    return answer.status() == 200 && answer.json().path("status").asText().equals("pipeline_not_exist");
  }

  // --- artifact bytes: PUT /api/v1/artifacts/{md5} and {md5}.dir ----------------------------------

  private void artifactCases(final List<Case> cases) throws IOException {
    final String route = "artifacts PUT";
    final byte[] content = randomBytes(4096);
    final String md5 = md5(content);

    final List<String> objects = new ArrayList<>(HOSTILE);
    objects.addAll(List.of("0", md5.substring(1), md5 + "0", md5.replace(md5.charAt(0), 'g'), md5 + ".DIRX", md5 + ".dir.dir", md5 + "/../x", md5 + ";.dir",
        "..", "%2e%2e", md5 + "%00", " " + md5, md5.substring(0, 16) + "\u0000" + md5.substring(17), "x".repeat(5000)));
    for (final String object : objects) {
      cases.add(new Case(route, "invalid md5", "object '" + printable(object) + "'",
          Req.put("/api/v1/artifacts/" + encodePathSegment(object), "application/octet-stream", content), Expect.problem(400).orStatus(404)));
    }
    cases.add(new Case(route, "invalid md5", "no object", Req.put("/api/v1/artifacts/", "application/octet-stream", content), Expect.json(404, 405)));

    for (final int at : offsets(content.length, 12)) {
      cases.add(new Case(route, "md5 mismatch", "body cut at byte " + at + " of " + content.length,
          Req.put("/api/v1/artifacts/" + md5, "application/octet-stream", Arrays.copyOf(content, at)), Expect.problem(422)));
    }
    for (int i = 0; i < 6; i++) {
      final byte[] other = randomBytes(1 + random.nextInt(100_000));
      cases.add(new Case(route, "md5 mismatch", "random " + other.length + " bytes", Req.put("/api/v1/artifacts/" + md5, "application/octet-stream", other), Expect.problem(422)));
    }
    cases.add(new Case(route, "md5 mismatch", "8 MB plus one byte, the last one wrong",
        Req.put("/api/v1/artifacts/" + md5(new byte[8 * 1024 * 1024 + 1]), "application/octet-stream", withLastByte(new byte[8 * 1024 * 1024 + 1], (byte) 1)), Expect.problem(422)));
    cases.add(new Case(route, "md5 mismatch", "random bytes as the .dir of their own md5", Req.put("/api/v1/artifacts/" + md5 + ".dir", "application/octet-stream", content),
        Expect.problem(422)));

    // .dir manifests whose md5 is right, so the manifest itself must be refused.
    final ArrayNode manifest = NODES.arrayNode();
    manifest.addObject().put("md5", md5).put("relpath", "a.txt");
    manifest.addObject().put("md5", validArtifactMd5).put("relpath", "sub/b.txt");
    final byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    final List<byte[]> manifests = new ArrayList<>();
    final List<String> names = new ArrayList<>();
    for (final int at : offsets(manifestBytes.length, 12)) {
      manifests.add(Arrays.copyOf(manifestBytes, at));
      names.add("manifest cut at byte " + at + " of " + manifestBytes.length);
    }
    final Map<String, JsonNode> entryValues = new LinkedHashMap<>();
    entryValues.put("md5 = 42", NODES.numberNode(42));
    entryValues.put("md5 = null", NODES.nullNode());
    entryValues.put("md5 = 'xyz'", NODES.textNode("xyz"));
    entryValues.put("md5 = injection", NODES.textNode("'; DROP TABLE executions; --"));
    final Map<String, JsonNode> relpaths = new LinkedHashMap<>();
    relpaths.put("relpath = 42", NODES.numberNode(42));
    relpaths.put("relpath = null", NODES.nullNode());
    relpaths.put("relpath = []", NODES.arrayNode());
    for (final String bad : List.of("../x", "../../../../etc/passwd", "/etc/passwd", "a/../../b", "C:\\x", "\\\\server\\share", "a\u0000b", "a\nb", "", ".", "a/",
        "x".repeat(300), "d/".repeat(600) + "f")) {
      relpaths.put("relpath = '" + printable(bad) + "'", NODES.textNode(bad));
    }
    for (final Map.Entry<String, JsonNode> e : entryValues.entrySet()) {
      final ArrayNode m = manifest.deepCopy();
      ((ObjectNode) m.get(1)).set("md5", e.getValue());
      manifests.add(JSON.writeValueAsBytes(m));
      names.add(e.getKey());
    }
    for (final Map.Entry<String, JsonNode> e : relpaths.entrySet()) {
      final ArrayNode m = manifest.deepCopy();
      ((ObjectNode) m.get(1)).set("relpath", e.getValue());
      manifests.add(JSON.writeValueAsBytes(m));
      names.add(e.getKey());
    }
    final Map<String, String> shapes = new LinkedHashMap<>();
    shapes.put("an object", "{\"md5\":\"" + md5 + "\",\"relpath\":\"a\"}");
    shapes.put("entries not objects", "[1, 2]");
    shapes.put("entry without md5", "[{\"relpath\":\"a\"}]");
    shapes.put("entry without relpath", "[{\"md5\":\"" + md5 + "\"}]");
    shapes.put("trailing content", new String(manifestBytes, StandardCharsets.UTF_8) + "[]");
    shapes.put("NaN as an entry", "[NaN]");
    shapes.put("10,000 levels in an extra field", "[{\"md5\":\"" + md5 + "\",\"relpath\":\"a\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}]");
    shapes.put("10,000 levels of [", "[".repeat(10_000));
    shapes.put("empty", "");
    for (final Map.Entry<String, String> e : shapes.entrySet()) {
      manifests.add(utf8(e.getValue()));
      names.add(e.getKey());
    }
    manifests.add(concat(utf8("[{\"md5\":\"" + md5 + "\",\"relpath\":\"a"), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\"}]")));
    names.add("invalid UTF-8 in relpath");
    manifests.add(concat(utf8("[{\"md5\":\"" + md5 + "\",\"relpath\":\"a"), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("b\"}]")));
    names.add("an overlong '/' (C0 AF) in relpath");
    manifests.add(concat(utf8("[{\"md5\":\"" + md5 + "\",\"relpath\":\"a"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}]")));
    names.add("an encoded surrogate in relpath");
    for (int i = 0; i < manifests.size(); i++) {
      final byte[] body = manifests.get(i);
      cases.add(new Case(route, "invalid .dir manifest", names.get(i),
          Req.put("/api/v1/artifacts/" + md5(body) + ".dir", "application/json", body), Expect.problem(422)));
    }

    cases.add(new Case(route, "bad gzip", "plain bytes declared gzip", Req.put("/api/v1/artifacts/" + md5, "application/octet-stream", content).header("Content-Encoding", "gzip"),
        Expect.problem(400)));
    cases.add(new Case(route, "wrong content type", "Content-Encoding br", Req.put("/api/v1/artifacts/" + md5, "application/octet-stream", content).header("Content-Encoding", "br"),
        Expect.problem(415, 400)));
  }

  // --- artifact bytes by name: POST /api/artifact_push ------------------------------------------

  private void artifactPushCases(final List<Case> cases) {
    final String route = "artifact_push";
    final byte[] wrong = utf8("not the bytes of data.xml.gz");
    final String known = "artifacts/data.xml.gz";
    cases.add(new Case(route, "missing parameter", "no parameters", Req.post("/api/artifact_push", "application/octet-stream", wrong), Expect.cmf(422)));
    cases.add(new Case(route, "missing parameter", "no artifact_name", Req.post("/api/artifact_push?pipeline_name=Test-env", "application/octet-stream", wrong), Expect.cmf(422)));
    cases.add(new Case(route, "missing parameter", "no pipeline_name", Req.post("/artifact_push?artifact_name=" + query(known), "application/octet-stream", wrong), Expect.cmf(422)));
    cases.add(new Case(route, "md5 mismatch", "wrong bytes for " + known,
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known), "application/octet-stream", wrong), Expect.cmf(422)));
    cases.add(new Case(route, "md5 mismatch", "wrong bytes for the full cmf name",
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known + ":236d9502e0283d91f689d7038b8508a2"), "application/octet-stream", wrong),
        Expect.cmf(422)));
    cases.add(new Case(route, "md5 mismatch", "empty body for " + known,
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known), "application/octet-stream", new byte[0]), Expect.cmf(422)));
    cases.add(new Case(route, "not a file", "the Metrics artifact, which has no bytes",
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query("metrics:7bea36fc-76f6-11ee-9600-5b8c6d427e3f:4"), "application/octet-stream", wrong),
        Expect.cmf(422, 404)));
    final Multipart noFile = new Multipart().field("pipeline_name", "Test-env");
    cases.add(new Case(route, "missing part", "multipart without file",
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known), noFile.contentType(), noFile.bytes()), Expect.cmf(422)));
    final Multipart wrongFile = new Multipart().file("file", "data.xml.gz", "application/octet-stream", wrong);
    cases.add(new Case(route, "md5 mismatch", "multipart with the wrong bytes",
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known), wrongFile.contentType(), wrongFile.bytes()), Expect.cmf(422)));
    final byte[] truncated = Arrays.copyOf(wrongFile.bytes(), wrongFile.bytes().length - 20);
    cases.add(new Case(route, "truncated", "multipart without its closing boundary",
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known), wrongFile.contentType(), truncated), Expect.json(400, 422)));
    for (final String hostile : HOSTILE) {
      cases.add(new Case(route, "hostile name", "pipeline_name '" + printable(hostile) + "'",
          Req.post("/api/artifact_push?pipeline_name=" + query(hostile) + "&artifact_name=" + query(known), "application/octet-stream", wrong), Expect.cmf(404, 400)));
      cases.add(new Case(route, "hostile name", "artifact_name '" + printable(hostile) + "'",
          Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(hostile), "application/octet-stream", wrong), Expect.cmf(404, 400)));
    }
    cases.add(new Case(route, "wrong content type", "Content-Encoding br",
        Req.post("/api/artifact_push?pipeline_name=Test-env&artifact_name=" + query(known), "application/octet-stream", wrong).header("Content-Encoding", "br"),
        Expect.cmf(415, 400)));
  }

  // --- the cmf side files: python-env, label, tensorboard and their reads ---------------------------

  private void sideFileCases(final List<Case> cases) throws IOException {
    final byte[] content = utf8("numpy==1.26.4\n");
    final List<String> badNames = new ArrayList<>(List.of("../../../../etc/passwd", "../python_env.txt", "a/../../b.txt", "/etc/passwd", "\\windows\\win.ini",
        "..\\..\\x.txt", "a\\..\\..\\b.txt", "dir/", ".", "..", "x".repeat(300) + ".txt", "d/".repeat(600) + "f.txt"));
    // The routes read the name as sent (the framework's multipart decoder used to blank control
    // characters and ':' and drop backslashes first): each of these is a 400 invalid-file-name.
    final List<String> refusedNames = List.of("ctl\u0001.txt", "nul\u0000.txt", "tab\tname.txt", "del\u007f.txt", "esc\u001b[31m.txt", "C:\\boot.ini",
        "C:\\..\\x.txt", "..\\x.txt");
    for (final String route : List.of("python-env", "label", "tensorboard")) {
      final String path = route.equals("tensorboard") ? "/api/tensorboard?pipeline_name=Test-env" : "/api/" + route;
      for (final String name : badNames) {
        // tensorboard takes sub-directories, so a name that only names a directory there is an ordinary path.
        final Multipart m = new Multipart().file("file", name, "text/plain", content);
        cases.add(new Case(route + " POST", "hostile file name", "file name '" + printable(name) + "'", Req.post(path, m.contentType(), m.bytes()), Expect.cmf(400, 422)));
      }
      for (final String name : refusedNames) {
        final Multipart m = new Multipart().file("file", name, "text/plain", content);
        cases.add(new Case(route + " POST", "hostile file name", "file name '" + printable(name) + "'", Req.post(path, m.contentType(), m.bytes()), Expect.cmf(400)));
      }
      final Multipart noFile = new Multipart().field("other", "x");
      cases.add(new Case(route + " POST", "missing part", "no file part", Req.post(path, noFile.contentType(), noFile.bytes()), Expect.cmf(422)));
      final Multipart wrongName = new Multipart().file("files", "ok.txt", "text/plain", content);
      cases.add(new Case(route + " POST", "missing part", "the part named 'files'", Req.post(path, wrongName.contentType(), wrongName.bytes()), Expect.cmf(422)));
      final Multipart good = new Multipart().file("file", "never_stored.txt", "text/plain", content);
      cases.add(new Case(route + " POST", "truncated", "multipart without its closing boundary",
          Req.post(path, good.contentType(), Arrays.copyOf(good.bytes(), good.bytes().length - 10)), Expect.json(400, 422)));
      cases.add(new Case(route + " POST", "truncated", "multipart cut inside the part headers",
          Req.post(path, good.contentType(), Arrays.copyOf(good.bytes(), 60)), Expect.json(400, 422)));
      cases.add(new Case(route + " POST", "wrong content type", "JSON instead of multipart", Req.post(path, "application/json", utf8("{\"file\":\"x\"}")), Expect.json(415)));
      cases.add(new Case(route + " POST", "wrong content type", "multipart without a boundary", Req.post(path, "multipart/form-data", good.bytes()), Expect.json(400, 415, 422)));
      cases.add(new Case(route + " POST", "wrong content type", "multipart with another boundary",
          Req.post(path, "multipart/form-data; boundary=other", good.bytes()), Expect.json(400, 422)));
    }
    for (final String pipeline : List.of("a/b", "..", "../x", "a\\b", "", "nul\u0000", "x".repeat(300))) {
      final Multipart m = new Multipart().file("file", "events.out.tfevents.1", "application/octet-stream", content);
      cases.add(new Case("tensorboard POST", "hostile pipeline", "pipeline_name '" + printable(pipeline) + "'",
          Req.post("/api/tensorboard?pipeline_name=" + query(pipeline), m.contentType(), m.bytes()), Expect.cmf(400, 422)));
    }
    final Multipart m = new Multipart().file("file", "events.out.tfevents.1", "application/octet-stream", content);
    cases.add(new Case("tensorboard POST", "missing parameter", "no pipeline_name", Req.post("/api/tensorboard", m.contentType(), m.bytes()), Expect.cmf(422)));
    cases.add(new Case("python-env POST", "oversized", "a gzip bomb inflating past max-side-file-bytes",
        Req.post("/api/python-env", Multipart.CONTENT_TYPE, multipartBomb("big_env.txt", MAX_SIDE_FILE_BYTES + 1024 * 1024)).header("Content-Encoding", "gzip"),
        Expect.cmf(413)));

    // The reads of side files, with hostile names and parameters.
    for (final String name : List.of("../../../../etc/passwd.txt", "/etc/hosts.txt", "C:\\boot.txt", "a/../../b.yaml", "nul\u0000.txt", "ctl\u0001.txt", "x".repeat(300) + ".txt")) {
      cases.add(new Case("python-env GET", "hostile file name", "'" + printable(name) + "'", Req.get("/api/python-env?file_name=" + query(name)), Expect.cmf(400)));
      cases.add(new Case("label-data GET", "hostile file name", "'" + printable(name) + "'", Req.get("/api/label-data?file_name=" + query(name)), Expect.cmf(400)));
      cases.add(new Case("download-python-env GET", "hostile file name", "'" + printable(name) + "'",
          Req.get("/api/download-python-env?list_of_files=python_env_campaign.txt&list_of_files=" + query(name)), Expect.cmf(400)));
    }
    for (final String name : HOSTILE) {
      cases.add(new Case("python-env GET", "hostile file name", "'" + printable(name) + ".txt'", Req.get("/api/python-env?file_name=" + query(name + ".txt")),
          Expect.cmf(400, 404)));
      cases.add(new Case("label-data GET", "hostile file name", "'" + printable(name) + "'", Req.get("/api/label-data?file_name=" + query(name)), Expect.cmf(400, 404)));
    }
    cases.add(new Case("python-env GET", "missing parameter", "no file_name", Req.get("/api/python-env"), Expect.cmf(422)));
    cases.add(new Case("python-env GET", "wrong extension", "'python_env_campaign.sh'", Req.get("/api/python-env?file_name=python_env_campaign.sh"), Expect.cmf(400)));
    cases.add(new Case("label-data GET", "missing parameter", "no file_name", Req.get("/api/label-data"), Expect.cmf(422)));
    // The real server answers 200 {"error": ...} here (cmf-protocol.md, section 1.1): a refusal in its shape.
    cases.add(new Case("download-python-env GET", "unknown file", "'no_such_env.txt'", Req.get("/api/download-python-env?list_of_files=no_such_env.txt"),
        Expect.cmf(404).orOk(a -> a.json() != null && a.json().has("error"))));
    cases.add(new Case("artifact_pull GET", "missing parameter", "no parameters", Req.get("/api/artifact_pull"), Expect.cmf(422)));
    for (final String hostile : HOSTILE.subList(0, 10)) {
      cases.add(new Case("artifact_pull GET", "hostile name", "artifact_name '" + printable(hostile) + "'",
          Req.get("/api/artifact_pull?pipeline_name=Test-env&artifact_name=" + query(hostile)), Expect.cmf(404, 400)));
    }
    for (final String receipt : List.of("'; DROP TABLE executions; --", "..", "0", "ABCDEF00-0000-0000-0000-000000000000", "x".repeat(5000))) {
      cases.add(new Case("receipts GET", "hostile id", "'" + printable(receipt) + "'", Req.get("/api/v1/receipts/" + encodePathSegment(receipt)), Expect.problem(400).orStatus(404)));
    }
    for (final String site : List.of("'; DROP TABLE executions; --", "UPPER", "a".repeat(100), "}) MATCH (n) DETACH DELETE n //")) {
      cases.add(new Case("watermark GET", "hostile site", "'" + printable(site) + "'", Req.get("/api/v1/sites/" + encodePathSegment(site) + "/watermark"),
          Expect.problem(400).orStatus(404)));
    }
    final String folder = md5(utf8("no such folder")) + ".dir";
    for (final String query : List.of("offset=-1", "offset=abc", "offset=1e99", "limit=-1", "limit=99999999", "limit=abc", "limit=NaN", "offset=9223372036854775808")) {
      cases.add(new Case("artifact members GET", "bad parameter", query, Req.get("/api/v1/artifacts/" + folder + "/members?" + query), Expect.problem(400)));
    }
    cases.add(new Case("artifact GET", "bad range", "Range past the end", Req.get("/api/v1/artifacts/" + validArtifactMd5).header("Range", "bytes=999999-"), Expect.problem(416)));
    cases.add(new Case("artifact GET", "bad range", "Range backwards", Req.get("/api/v1/artifacts/" + validArtifactMd5).header("Range", "bytes=9-3"),
        Expect.problem(416, 400).orOk(a -> a.status() == 200)));
  }

  // --- methods a route does not have ---------------------------------------------------------------

  private void methodCases(final List<Case> cases) {
    final String route = "other methods";
    final Expect notAllowed = Expect.json(404, 405);
    cases.add(new Case(route, "wrong method", "DELETE the stored artifact", Req.method("DELETE", "/api/v1/artifacts/" + validArtifactMd5), notAllowed));
    cases.add(new Case(route, "wrong method", "DELETE a journal", Req.method("DELETE", "/api/v1/sites/campaign-edge/journal"), notAllowed));
    cases.add(new Case(route, "wrong method", "PUT mlmd_push", Req.put("/api/mlmd_push", "application/json", validPush), notAllowed));
    cases.add(new Case(route, "wrong method", "PATCH python-env", Req.method("PATCH", "/api/python-env"), notAllowed));
    cases.add(new Case(route, "wrong method", "POST an artifact by md5", Req.post("/api/v1/artifacts/" + validArtifactMd5, "application/octet-stream", utf8("x")), notAllowed));
    cases.add(new Case(route, "wrong method", "PUT a journal", Req.put("/api/v1/sites/campaign-bad/journal", "application/json", utf8("[]")), notAllowed));
    cases.add(new Case(route, "wrong method", "DELETE a receipt", Req.method("DELETE", "/api/v1/receipts/00000000-0000-0000-0000-000000000000"), notAllowed));
    cases.add(new Case(route, "wrong method", "POST to pipelines", Req.post("/api/v1/pipelines", "application/json", utf8("{\"name\":\"x\"}")), notAllowed));
  }

  // --- hostile parameters on the read routes --------------------------------------------------------

  private void readCases(final List<Case> cases) throws IOException {
    final Expect badParameter = Expect.problem(400);
    final List<String> injections = new ArrayList<>(HOSTILE.subList(0, 15));
    injections.add("nul\u0000byte");
    for (final String s : injections) {
      final String q = query(s);
      final String shown = printable(s);
      final Expect emptyOr4xx = Expect.problem(400, 404).orEmpty(s);
      cases.add(new Case("executions GET", "injection in a filter", "pipeline=" + shown, Req.get("/api/v1/executions?pipeline=" + q), emptyOr4xx));
      cases.add(new Case("executions GET", "injection in a filter", "stage=" + shown, Req.get("/api/v1/executions?stage=" + q), emptyOr4xx));
      cases.add(new Case("executions GET", "injection in a filter", "property=seed:" + shown, Req.get("/api/v1/executions?property=seed:" + q), emptyOr4xx));
      cases.add(new Case("executions GET", "injection in a filter", "property=" + shown + ":1", Req.get("/api/v1/executions?property=" + q + ":1"), emptyOr4xx));
      cases.add(new Case("executions GET", "injection in a filter", "sort=" + shown, Req.get("/api/v1/executions?sort=" + q), badParameter));
      cases.add(new Case("executions GET", "injection in a filter", "page_token=" + shown, Req.get("/api/v1/executions?page_token=" + q), badParameter));
      cases.add(new Case("artifacts GET", "injection in a filter", "type=" + shown, Req.get("/api/v1/artifacts?type=" + q), emptyOr4xx));
      cases.add(new Case("artifacts GET", "injection in a filter", "name=" + shown, Req.get("/api/v1/artifacts?name=" + q), emptyOr4xx));
      cases.add(new Case("artifacts GET", "injection in a filter", "property=url:" + shown, Req.get("/api/v1/artifacts?property=url:" + q), emptyOr4xx));
      cases.add(new Case("artifacts GET", "injection in a filter", "page_token=" + shown, Req.get("/api/v1/artifacts?page_token=" + q), badParameter));
      final boolean slash = s.contains("/") || s.contains("\\");
      final Expect notFound = slash ? Expect.problem(404, 400).orStatus(404) : Expect.problem(404, 400);
      cases.add(new Case("v1 GET", "injection in a path", "executions/" + shown, Req.get("/api/v1/executions/" + encodePathSegment(s)), notFound));
      cases.add(new Case("v1 GET", "injection in a path", "artifacts/" + shown + "/metadata", Req.get("/api/v1/artifacts/" + encodePathSegment(s) + "/metadata"), notFound));
      cases.add(new Case("v1 GET", "injection in a path", "pipelines/" + shown, Req.get("/api/v1/pipelines/" + encodePathSegment(s)), notFound));
      cases.add(new Case("lineage GET", "injection in a path", "lineage/artifacts/" + shown, Req.get("/api/v1/lineage/artifacts/" + encodePathSegment(s)),
          slash ? emptyOr4xx.orStatus(404) : emptyOr4xx));
      cases.add(new Case("lineage GET", "injection in a parameter", "direction=" + shown, Req.get("/api/v1/lineage/artifacts/236d9502e0283d91f689d7038b8508a2?direction=" + q),
          badParameter));
      cases.add(new Case("lineage GET", "injection in a parameter", "cursor=" + shown, Req.get("/api/v1/lineage/executions/48ad70d2-76f6-11ee-9600-5b8c6d427e3f?cursor=" + q),
          badParameter));
      final Expect cmfEmpty = slash ? Expect.cmf(400, 404, 422).orStatus(404).orEmpty(s) : Expect.cmf(400, 404, 422).orEmpty(s);
      cases.add(new Case("cmf reads GET", "injection in a path", "pipeline-stages/" + shown, Req.get("/api/pipeline-stages/" + encodePathSegment(s)), cmfEmpty));
      cases.add(new Case("cmf reads GET", "injection in a filter", "executions-by-stage filter_value=" + shown,
          Req.get("/api/executions-by-stage/Test-env?stage_name=Test-env/Prepare&filter_value=" + q), cmfEmpty));
      cases.add(new Case("cmf reads GET", "injection in a filter", "executions-by-stage stage_name=" + shown,
          Req.get("/api/executions-by-stage/" + encodePathSegment(s) + "?stage_name=" + q), cmfEmpty));
      cases.add(new Case("cmf reads GET", "injection in a filter", "artifacts-by-stage artifact_type=" + shown,
          Req.get("/api/artifacts-by-stage/Test-env?stage_name=Test-env/Prepare&artifact_type=" + q), cmfEmpty));
      cases.add(new Case("cmf reads GET", "injection in a path", "list-of-executions/" + shown, Req.get("/api/list-of-executions/" + encodePathSegment(s)), cmfEmpty));
      cases.add(new Case("cmf reads GET", "injection in a path", "artifact-lineage/tangled-tree/" + shown,
          Req.get("/api/artifact-lineage/tangled-tree/" + encodePathSegment(s)), cmfEmpty));
      // A NUL is refused before any route (query-service's NulCharacterFilter): 400, in problem+json.
      cases.add(new Case("cmf reads GET", "injection in a parameter", "model-card modelId=" + shown, Req.get("/api/model-card?modelId=" + q),
          s.indexOf('\0') >= 0 ? Expect.cmf(400) : Expect.cmf(422)));
      cases.add(new Case("mlmd_pull POST", "injection in a name", "pipeline_name " + shown,
          Req.post("/api/mlmd_pull", "application/json", JSON.writeValueAsBytes(NODES.objectNode().put("pipeline_name", s))), Expect.cmf(404)));
      cases.add(new Case("mlmd_pull POST", "injection in a name", "exec_uuid " + shown,
          Req.post("/api/mlmd_pull", "application/json", JSON.writeValueAsBytes(NODES.objectNode().put("pipeline_name", "Test-env").put("exec_uuid", s))),
          Expect.cmf(404, 422).orOk(a -> a.status() == 200 && a.text().equals("no_exec_uuid"))));
    }
    for (final String size : List.of("abc", "-1", "0", "100000", "99999999999", "1.5", "NaN", "")) {
      cases.add(new Case("executions GET", "bad parameter", "page_size=" + size, Req.get("/api/v1/executions?page_size=" + size),
          size.isEmpty() ? Expect.problem(400).orEmptyOrAny() : badParameter));
      cases.add(new Case("artifacts GET", "bad parameter", "page_size=" + size, Req.get("/api/v1/artifacts?page_size=" + size),
          size.isEmpty() ? Expect.problem(400).orEmptyOrAny() : badParameter));
    }
    for (final String token : List.of("AAAA", "eyJ4IjoxfQ", "eyJrIjoiJzsgRFJPUCBUQUJMRSBleGVjdXRpb25zOyAtLSJ9", "%00", "x".repeat(20_000), "====")) {
      cases.add(new Case("executions GET", "bad parameter", "page_token=" + token.substring(0, Math.min(20, token.length())), Req.get("/api/v1/executions?page_token=" + token),
          badParameter));
    }
    for (final String depth : List.of("0", "-1", "26", "99999999999", "abc", "NaN", "1e3", "5.5")) {
      cases.add(new Case("lineage GET", "bad parameter", "depth=" + depth, Req.get("/api/v1/lineage/artifacts/236d9502e0283d91f689d7038b8508a2?depth=" + depth), badParameter));
    }
    for (final String nodes : List.of("0", "-5", "5001", "abc", "2147483648")) {
      cases.add(new Case("lineage GET", "bad parameter", "max_nodes=" + nodes, Req.get("/api/v1/lineage/executions/48ad70d2-76f6-11ee-9600-5b8c6d427e3f?max_nodes=" + nodes),
          badParameter));
    }
    for (final String id : List.of("abc", "99999999999999999999", "1.5", "NaN", "")) {
      cases.add(new Case("cmf reads GET", "bad parameter", "model-card modelId=" + id, Req.get("/api/model-card?modelId=" + id), Expect.cmf(422)));
    }
    for (final String page : List.of("abc", "-1", "99999999999999999999")) {
      cases.add(new Case("cmf reads GET", "bad parameter", "executions-by-stage active_page=" + page,
          Req.get("/api/executions-by-stage/Test-env?stage_name=Test-env/Prepare&active_page=" + page), Expect.cmf(400, 422).orEmpty()));
      cases.add(new Case("cmf reads GET", "bad parameter", "artifacts-by-stage record_per_page=" + page,
          Req.get("/api/artifacts-by-stage/Test-env?stage_name=Test-env/Prepare&artifact_type=Dataset&record_per_page=" + page), Expect.cmf(400, 422).orEmpty()));
    }

    // The pull is a POST that reads: its body gets the same treatment as the push's.
    final byte[] pull = utf8("{\"pipeline_name\":\"Test-env\",\"exec_uuid\":null}");
    for (final int at : offsets(pull.length, 8)) {
      cases.add(new Case("mlmd_pull POST", "truncated", "body cut at byte " + at, Req.post("/api/mlmd_pull", "application/json", Arrays.copyOf(pull, at)),
          at == 0 ? Expect.cmf(400, 422).orOk(a -> a.status() == 200) : Expect.cmf(400, 422)));
    }
    for (final String body : List.of("{\"pipeline_name\":42}", "{\"pipeline_name\":[]}", "{\"last_sync_time\":\"abc\"}", "{\"last_sync_time\":NaN}",
        "{\"last_sync_time\":1e400}", "{\"last_sync_time\":99999999999999999999999}", "{\"exec_uuid\":{}}", "[]", "\"x\"",
        "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", "[".repeat(10_000))) {
      cases.add(new Case("mlmd_pull POST", "wrong type", printable(body.substring(0, Math.min(40, body.length()))), Req.post("/api/mlmd_pull", "application/json", utf8(body)),
          Expect.cmf(400, 404, 422).orEmpty()));
    }
    cases.add(new Case("mlmd_pull GET", "injection in a path", "mlmd_pull/'; DROP TABLE executions; --",
        Req.get("/api/mlmd_pull/" + encodePathSegment("'; DROP TABLE executions; --")), Expect.cmf(404)));
  }

  // --- requests no ordinary client sends: raw bytes on a socket ------------------------------------

  private void rawCases(final List<Case> cases) {
    final String route = "raw HTTP";
    final String bodyOf16 = "0123456789abcdef";
    cases.add(new Case(route, "oversized", "PUT artifact declaring more than max-artifact-bytes",
        Req.raw("PUT /api/v1/artifacts/" + md5(utf8("declared")) + " HTTP/1.1\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (MAX_ARTIFACT_BYTES + 1)
            + "\r\n\r\n" + bodyOf16, false), Expect.problem(413)));
    cases.add(new Case(route, "oversized", "journal declaring more than max-journal-bytes",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + (MAX_JOURNAL_BYTES + 1) + "\r\n\r\n[", false),
        Expect.problem(413)));
    cases.add(new Case(route, "truncated", "journal body shorter than its Content-Length, then EOF",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/x-ndjson\r\nContent-Length: 500\r\n\r\n{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}\n",
            true), Expect.problem(400, 408).orNoAnswer()));
    cases.add(new Case(route, "truncated", "push body shorter than its Content-Length, then EOF",
        Req.raw("POST /api/mlmd_push HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n" + new String(validPush, 0, 200, StandardCharsets.UTF_8), true),
        Expect.cmf(400, 408, 422).orNoAnswer()));
    cases.add(new Case(route, "path traversal", "literal ../ in the journal path",
        Req.raw("POST /api/v1/sites/../../v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", false),
        Expect.json(400, 404).orNoBody()));
    cases.add(new Case(route, "path traversal", "literal ../ towards the artifact",
        Req.raw("PUT /api/v1/artifacts/../artifacts/" + validArtifactMd5 + " HTTP/1.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 3\r\n\r\nabc", false),
        Expect.json(400, 404, 422).orNoBody()));
    cases.add(new Case(route, "control characters", "a space in the path",
        Req.raw("POST /api/v1/sites/a b/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", false), Expect.json(400, 404).orNoBody()));
    cases.add(new Case(route, "control characters", "a raw tab and NUL in the path",
        Req.raw("POST /api/v1/sites/a\t\u0000/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", false), Expect.json(400, 404).orNoBody()));
    cases.add(new Case(route, "bad framing", "malformed chunk size",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n", false),
        Expect.json(400).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "bad framing", "Content-Length and chunked together",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n",
            false), Expect.json(400).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "bad framing", "a negative Content-Length",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n[]", false),
        Expect.json(400).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "bad framing", "two different Content-Lengths",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n[]]", false),
        Expect.json(400).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "huge header", "a 100 KB header",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nX-Big: " + "b".repeat(100_000) + "\r\nContent-Length: 2\r\n\r\n[]", false),
        Expect.json(400, 413, 431).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "huge header", "a 100 KB request line",
        Req.raw("POST /api/v1/sites/" + "a".repeat(100_000) + "/journal HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", false),
        Expect.json(400, 413, 414, 431).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "control characters", "CRLF injected into a header value",
        Req.raw("POST /api/v1/sites/campaign-bad/journal HTTP/1.1\r\nContent-Type: application/json\r\nX-Evil: a\rb\r\nContent-Length: 2\r\n\r\n[]", false),
        Expect.json(400).orNoBody().orNoAnswer()));
    cases.add(new Case(route, "bad framing", "HTTP/0.9 style request", Req.raw("GET /api/v1/sites/campaign-edge/watermark\r\n\r\n", false),
        Expect.json(400, 404, 505).orNoBody().orNoAnswer()));
    // Last, since it may take ingest down: a body the route refuses, but only once it is read whole.
    cases.add(new Case("journal", "oversized", "a 700 MB plain body",
        Req.post("/api/v1/sites/campaign-bad/journal", "application/json", new byte[700 * 1024 * 1024]), Expect.problem(413)));
  }

  // --- running one case ---------------------------------------------------------------------------

  private void run(final Case c) throws Exception {
    final long started = System.nanoTime();
    final Answer answer = send(c.request());
    final double seconds = (System.nanoTime() - started) / 1e9;
    slowest.add(String.format(Locale.ROOT, "%07.2f s %s", seconds, c.name()));
    answers.add(String.format(Locale.ROOT, "%d\t%.3f\t%s\t%s\t%s", answer.status(), seconds, answer.contentType(), c.name().replace('\t', ' '),
        answer.toString().replace('\n', ' ').replace('\t', ' ')));
    statuses.merge(answer.status(), 1, Integer::sum);
    final String what = c.name() + " -> " + answer;

    final List<String> problems = new ArrayList<>();
    if (answer.status() >= 500) {
      problems.add("a server error");
    } else if (answer.status() == Answer.NO_ANSWER) {
      if (!c.expect().noAnswerAllowed()) {
        problems.add("no answer: " + answer.text());
      }
    } else if (answer.status() >= 200 && answer.status() < 300) {
      if (!c.expect().okAllowed(answer)) {
        problems.add("accepted a bad input");
      }
    } else if (urlTooLong(c.request()) && (answer.status() == 413 || answer.status() == 414)) {
      // Refused before any route runs, in the framework's shape; a 4xx all the same.
    } else if (!c.expect().statuses().contains(answer.status())) {
      problems.add("status " + answer.status() + ", expected one of " + c.expect().statuses());
    } else if (!c.expect().shapeHolds(answer)) {
      problems.add("not the route's error shape (" + c.expect().shape() + ")");
    } else if (c.expect().detailNames() != null && !answer.json().path("detail").asText().contains(c.expect().detailNames())) {
      problems.add("the detail does not name '" + c.expect().detailNames() + "'");
    }
    if (c.kind().startsWith("injection") && seconds > READ_CEILING.toSeconds()) {
      problems.add(String.format(Locale.ROOT, "took %.1f s: was something executed?", seconds));
    }
    // What a case published or wrote is its fault; the next case is compared with the new state.
    final Map<Integer, Long> offsets = journalEndOffsets();
    if (!offsets.equals(offsetsNow)) {
      final long committed = committedRecordsBetween(offsetsNow, offsets);
      if (committed > 0) {
        problems.add("the journal's end offsets moved from " + offsetsNow + " to " + offsets + ", " + committed + " committed records");
      } else {
        // An aborted transaction: its records and marker take offsets, but no reader sees them.
        aborted.add(c.name() + ": " + offsetsNow + " -> " + offsets);
      }
      offsetsNow = offsets;
    }
    final Map<String, Long> files = blobFiles();
    if (!files.equals(blobsNow)) {
      problems.add("the bucket changed: " + difference(blobsNow, files));
      blobsNow = files;
    }
    if (!problems.isEmpty()) {
      if (problems.stream().anyMatch(p -> p.startsWith("the journal") || p.startsWith("the bucket"))) {
        leaks.add(c.name());
      }
      throw new AssertionError(String.join("; ", problems) + "\n  " + what);
    }
  }

  private static boolean urlTooLong(final Req req) {
    return req.path() != null && req.path().length() > MAX_URL;
  }

  private Answer send(final Req req) throws IOException, InterruptedException {
    if (req.raw() != null) {
      return sendRaw(req);
    }
    // URI.create, not resolve: resolving would normalise away the '..' segments some cases send.
    final String door = cmf.frontDoor("/").toString();
    final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(door.substring(0, door.length() - 1) + req.path())).timeout(CASE_TIMEOUT);
    req.headers().forEach(b::header);
    b.method(req.method(), req.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(req.body()));
    try {
      final HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    } catch (HttpTimeoutException e) {
      return new Answer(Answer.NO_ANSWER, "", utf8("no answer within " + CASE_TIMEOUT));
    } catch (IOException e) {
      // The server closed the connection without an answer, perhaps while the body was still being sent.
      return new Answer(Answer.NO_ANSWER, "", utf8(e.toString()));
    }
  }

  /** One request as raw bytes, for what {@link HttpClient} will not send; the answer is read to EOF. */
  private Answer sendRaw(final Req req) throws IOException {
    final URI door = cmf.frontDoor("/");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), door.getPort())) {
      socket.setSoTimeout((int) RAW_TIMEOUT.toMillis());
      final String text = req.raw();
      final int headerEnd = text.indexOf("\r\n");
      // Host and Connection: close after the request line, so the answer ends with the connection.
      final String request = headerEnd < 0 ? text
          : text.substring(0, headerEnd + 2) + "Host: 127.0.0.1:" + door.getPort() + "\r\nConnection: close\r\n" + text.substring(headerEnd + 2);
      final OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        if (req.closeAfterSending()) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        // The server may answer and close before the request is written whole; read what it said.
      }
      final ByteArrayOutputStream received = new ByteArrayOutputStream();
      try (InputStream in = socket.getInputStream()) {
        in.transferTo(received);
      } catch (SocketTimeoutException e) {
        if (received.size() == 0) {
          return new Answer(Answer.NO_ANSWER, "", utf8("no answer within " + RAW_TIMEOUT));
        }
      } catch (IOException e) {
        if (received.size() == 0) {
          return new Answer(Answer.NO_ANSWER, "", utf8(e.toString()));
        }
      }
      return Answer.parse(received.toByteArray());
    }
  }

  // --- the stores -----------------------------------------------------------------------------------

  private static KafkaConsumer<byte[], byte[]> journalConsumer(final String bootstrap) {
    final Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // The committed end: what a reader of the journal (the replay) can ever see.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  /** The journal's committed end offset by partition number. */
  private Map<Integer, Long> journalEndOffsets() {
    final List<TopicPartition> partitions = kafka.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    final Map<Integer, Long> offsets = new TreeMap<>();
    kafka.endOffsets(partitions, Duration.ofSeconds(30)).forEach((p, offset) -> offsets.put(p.partition(), offset));
    return offsets;
  }

  /**
   * How many records a read_committed reader finds between two sets of end offsets: zero when
   * the offsets only moved for an aborted transaction (its records and its marker).
   */
  private long committedRecordsBetween(final Map<Integer, Long> from, final Map<Integer, Long> to) {
    final List<TopicPartition> partitions = to.keySet().stream().map(p -> new TopicPartition(TOPIC, p)).toList();
    kafka.assign(partitions);
    partitions.forEach(tp -> kafka.seek(tp, from.getOrDefault(tp.partition(), 0L)));
    long records = 0;
    final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (partitions.stream().anyMatch(tp -> kafka.position(tp) < to.get(tp.partition()))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("could not read " + TOPIC + " from " + from + " to " + to);
      }
      for (final var record : kafka.poll(Duration.ofMillis(200))) {
        if (record.offset() < to.get(record.partition())) {
          records++;
        }
      }
    }
    return records;
  }

  private Map<String, Long> projectionRowCounts() throws SQLException {
    final Map<String, Long> counts = new TreeMap<>();
    try (Connection pg = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ports.getProperty("postgres") + "/postgres", "postgres", "");
        Statement st = pg.createStatement()) {
      final List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (final String table : tables) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }

  /** Every file s3proxy keeps for the bucket, with its size. */
  private Map<String, Long> blobFiles() throws IOException {
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).collect(Collectors.toMap(f -> blobs.relativize(f).toString(), f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, (a, b) -> a, TreeMap::new));
    }
  }

  private static String difference(final Map<String, Long> before, final Map<String, Long> after) {
    final Set<String> added = new TreeSet<>(after.keySet());
    added.removeAll(before.keySet());
    final Set<String> removed = new TreeSet<>(before.keySet());
    removed.removeAll(after.keySet());
    final Set<String> changed = new TreeSet<>();
    before.forEach((k, v) -> {
      if (after.containsKey(k) && !after.get(k).equals(v)) {
        changed.add(k);
      }
    });
    return "added " + added + ", removed " + removed + ", changed " + changed;
  }

  private static Path blobsDir(final Path dataDir) throws IOException {
    try (Stream<Path> dirs = Files.walk(dataDir, 4)) {
      return dirs.filter(Files::isDirectory).filter(d -> d.getFileName().toString().equals("blobs")).findFirst()
          .orElseThrow(() -> new IOException("no s3 blobs directory under " + dataDir));
    }
  }

  private static Properties ports(final Path dataDir) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      final Path file = files.filter(f -> f.getFileName().toString().equals("ports.properties")).findFirst()
          .orElseThrow(() -> new IOException("no ports.properties under " + dataDir));
      final Properties ports = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        ports.load(in);
      }
      return ports;
    }
  }

  private void awaitApplied(final Answer upload) {
    assertThat(upload.status()).as(upload.text()).isEqualTo(200);
    final String receipt = upload.json().path("receipt").asText();
    await("receipt " + receipt + " APPLIED").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> send(Req.get("/api/v1/receipts/" + receipt)).text().contains("\"status\":\"APPLIED\""));
  }

  // --- valid bodies, and their mutations --------------------------------------------------------------

  private static final Map<String, Schema> FACT_SCHEMAS =
      Map.of(
          "pipeline", PipelineFact.getClassSchema(),
          "stage", StageFact.getClassSchema(),
          "execution", ExecutionFact.getClassSchema(),
          "artifact", ArtifactFact.getClassSchema(),
          "event", EventFact.getClassSchema(),
          "property", PropertyChange.getClassSchema(),
          "metric", MetricPoint.getClassSchema());

  /** One value of every JSON type, and the numbers a 64-bit field cannot hold. */
  private static final Map<String, JsonNode> WRONG_VALUES = new LinkedHashMap<>();

  static {
    WRONG_VALUES.put("\"text\"", NODES.textNode("text"));
    WRONG_VALUES.put("42", NODES.numberNode(42));
    WRONG_VALUES.put("1.5", NODES.numberNode(1.5));
    WRONG_VALUES.put("true", NODES.booleanNode(true));
    WRONG_VALUES.put("null", NODES.nullNode());
    WRONG_VALUES.put("[]", NODES.arrayNode());
    WRONG_VALUES.put("{}", NODES.objectNode());
    WRONG_VALUES.put("NaN", NODES.numberNode(Double.NaN));
    WRONG_VALUES.put("2^64", NODES.numberNode(BigInteger.ONE.shiftLeft(64)));
    WRONG_VALUES.put("injection", NODES.textNode("'; DROP TABLE executions; --"));
  }

  /** Whether the ingest's reader takes {@code value} for a field of {@code schema} (NativeRecords' rules). */
  private static boolean accepts(final Schema schema, final JsonNode value) {
    return switch (schema.getType()) {
      case STRING -> value.isTextual();
      case LONG -> value.isIntegralNumber() && value.canConvertToLong();
      case DOUBLE -> value.isNumber();
      case BOOLEAN -> value.isBoolean();
      case NULL -> value.isNull();
      case ENUM -> value.isTextual() && schema.getEnumSymbols().contains(value.asText());
      case MAP -> value.isObject();
      case UNION -> {
        final Set<Schema.Type> branches = schema.getTypes().stream().map(Schema::getType).collect(Collectors.toSet());
        yield (value.isNull() && branches.contains(Schema.Type.NULL))
            || (value.isTextual() && branches.contains(Schema.Type.STRING))
            || (value.isBoolean() && branches.contains(Schema.Type.BOOLEAN))
            || (value.isIntegralNumber() && value.canConvertToLong() && branches.contains(Schema.Type.LONG))
            || (value.isNumber() && !value.isIntegralNumber() && branches.contains(Schema.Type.DOUBLE));
      }
      default -> true;
    };
  }

  /** A valid batch with one record of every kind, numbered from {@code firstSeq}. */
  private static List<ObjectNode> validRecords(final long firstSeq, final String pipeline) {
    final String uuid = "c0ffee00-0000-4000-8000-" + String.format(Locale.ROOT, "%012d", firstSeq);
    final String uri = md5(utf8(pipeline + firstSeq));
    final List<ObjectNode> records = new ArrayList<>();
    final long[] seq = {firstSeq};
    final java.util.function.BiFunction<String, ObjectNode, ObjectNode> record = (kind, fact) -> {
      final ObjectNode r = NODES.objectNode();
      r.put("seq", seq[0]++);
      r.put("time", "2026-12-01T05:00:00Z");
      r.put("kind", kind);
      r.set("fact", fact);
      return r;
    };
    records.add(record.apply("pipeline", NODES.objectNode().put("name", pipeline)));
    records.add(record.apply("stage", NODES.objectNode().put("pipeline", pipeline).put("name", pipeline + "/train")));
    records.add(record.apply("execution", NODES.objectNode().put("uuid", uuid).put("pipeline", pipeline).put("stage", pipeline + "/train").put("type", pipeline + "/train")));
    records.add(record.apply("artifact", NODES.objectNode().put("uri", uri).put("type", "Dataset").put("name", "data.csv:" + uri)));
    records.add(record.apply("event", NODES.objectNode().put("executionUuid", uuid).put("artifactUri", uri).put("direction", "INPUT")));
    records.add(record.apply("property", NODES.objectNode().put("entity", "EXECUTION").put("id", uuid).put("key", "lr").put("value", 0.01)));
    records.add(record.apply("metric", NODES.objectNode().put("executionUuid", uuid).put("name", "loss").put("step", 1).put("value", 0.5)));
    return records;
  }

  private static ArrayNode arrayOf(final List<? extends JsonNode> nodes) {
    final ArrayNode array = NODES.arrayNode();
    nodes.forEach(array::add);
    return array;
  }

  private static byte[] ndjson(final List<? extends JsonNode> records) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (final JsonNode r : records) {
      out.write(JSON.writeValueAsBytes(r));
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static JsonNode parse(final String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code count} distinct cut points in [0, length): both ends and seeded random ones between. */
  private List<Integer> offsets(final int length, final int count) {
    final TreeSet<Integer> at = new TreeSet<>(List.of(0, 1, length - 1));
    while (at.size() < Math.min(count, length)) {
      at.add(random.nextInt(length));
    }
    return new ArrayList<>(at);
  }

  /** Cut points strictly inside an NDJSON line, so the cut never leaves only complete lines. */
  private List<Integer> ndjsonCuts(final byte[] lines, final int count) {
    final List<Integer> inside = new ArrayList<>();
    int lineStart = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i] == '\n') {
        for (int j = lineStart + 1; j < i; j++) {
          inside.add(j);
        }
        lineStart = i + 1;
      }
    }
    final TreeSet<Integer> at = new TreeSet<>();
    while (at.size() < Math.min(count, inside.size())) {
      at.add(inside.get(random.nextInt(inside.size())));
    }
    return new ArrayList<>(at);
  }

  private byte[] randomBytes(final int n) {
    final byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] withLastByte(final byte[] bytes, final byte last) {
    bytes[bytes.length - 1] = last;
    return bytes;
  }

  private static byte[] withBytesInName(final String before, final byte[] bad, final String after) {
    return concat(utf8(before), bad, utf8(after));
  }

  private static byte[] gzip(final byte[] bytes) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** A small gzip that inflates to {@code prefix}, {@code spaces} blanks and {@code suffix}. */
  private static byte[] gzipOfSpaces(final String prefix, final long spaces, final String suffix) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      gz.write(utf8(prefix));
      final byte[] chunk = new byte[1 << 20];
      Arrays.fill(chunk, (byte) ' ');
      for (long left = spaces; left > 0; left -= chunk.length) {
        gz.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      gz.write(utf8(suffix));
    }
    return out.toByteArray();
  }

  /** A gzip of a multipart body whose one file part holds {@code size} zero bytes. */
  private static byte[] multipartBomb(final String fileName, final long size) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
      gz.write(utf8("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\nContent-Type: text/plain\r\n\r\n"));
      final byte[] chunk = new byte[1 << 20];
      for (long left = size; left > 0; left -= chunk.length) {
        gz.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      gz.write(utf8("\r\n--" + Multipart.BOUNDARY + "--\r\n"));
    }
    return out.toByteArray();
  }

  private static byte[] concat(final byte[]... parts) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (final byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static int indexOf(final byte[] haystack, final byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }

  private static byte[] utf8(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String md5(final byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every byte but the unreserved ones percent-encoded: the segment arrives as it is, slashes and dots included. */
  private static String encodePathSegment(final String s) {
    final StringBuilder out = new StringBuilder();
    for (final byte b : utf8(s)) {
      final char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static String query(final String s) {
    return encodePathSegment(s);
  }

  /** A name as it can stand in a test's name: controls escaped, length capped. */
  private static String printable(final String s) {
    final StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 60; i++) {
      final char c = s.charAt(i);
      out.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return s.length() > 60 ? out + "...(" + s.length() + " chars)" : out.toString();
  }

  // --- the vocabulary of the campaign ---------------------------------------------------------------

  /** One generated input: its route, its class of badness, and what it must get. */
  private record Case(String route, String kind, String detail, Req request, Expect expect) {
    String name() {
      return route + " | " + kind + " | " + detail;
    }
  }

  /** A request through the front door; {@code raw} is sent as bytes on a socket instead. */
  private record Req(String method, String path, Map<String, String> headers, byte[] body, String raw, boolean closeAfterSending) {

    static Req get(final String path) {
      return new Req("GET", path, new LinkedHashMap<>(), null, null, false);
    }

    static Req method(final String method, final String path) {
      return new Req(method, path, new LinkedHashMap<>(), null, null, false);
    }

    static Req post(final String path, final String type, final byte[] body) {
      return withBody("POST", path, type, body);
    }

    static Req put(final String path, final String type, final byte[] body) {
      return withBody("PUT", path, type, body);
    }

    static Req raw(final String request, final boolean closeAfterSending) {
      return new Req("RAW", null, Map.of(), null, request, closeAfterSending);
    }

    private static Req withBody(final String method, final String path, final String type, final byte[] body) {
      final Map<String, String> headers = new LinkedHashMap<>();
      if (!type.isEmpty()) {
        headers.put("Content-Type", type);
      }
      return new Req(method, path, headers, body, null, false);
    }

    Req header(final String name, final String value) {
      headers.put(name, value);
      return this;
    }
  }

  /** The error shape a route answers in. */
  private enum Shape {
    /** RFC 9457 {@code application/problem+json} with {@code type}, {@code title} and {@code status}. */
    PROBLEM,
    /** The cmf client's JSON: an object with {@code detail} (and perhaps {@code status}). */
    CMF,
    /** Some JSON body: the framework's own answers where no route ran. */
    JSON
  }

  /**
   * What a case must get: one of {@code statuses} in {@code shape}; or a 2xx only where {@code ok}
   * allows it (a read's empty answer, the cmf push's {@code pipeline_not_exist}).
   */
  private record Expect(
      Set<Integer> statuses, Set<Integer> anyJson, Shape shape, String detailNames, String cmfStatus, Predicate<Answer> ok, boolean bodyOptional,
      boolean noAnswerAllowed) {

    static Expect problem(final Integer... statuses) {
      return new Expect(new TreeSet<>(Arrays.asList(statuses)), Set.of(), Shape.PROBLEM, null, null, a -> false, false, false);
    }

    static Expect cmf(final Integer... statuses) {
      return new Expect(new TreeSet<>(Arrays.asList(statuses)), Set.of(), Shape.CMF, null, null, a -> false, false, false);
    }

    static Expect json(final Integer... statuses) {
      return new Expect(new TreeSet<>(Arrays.asList(statuses)), Set.of(), Shape.JSON, null, null, a -> false, false, false);
    }

    /** Also {@code status} in the framework's JSON: a path the router does not match never reaches the route. */
    Expect orStatus(final int status) {
      final Set<Integer> more = new TreeSet<>(statuses);
      more.add(status);
      final Set<Integer> json = new TreeSet<>(anyJson);
      json.add(status);
      return new Expect(more, json, shape, detailNames, cmfStatus, ok, bodyOptional, noAnswerAllowed);
    }

    Expect detailNames(final String field) {
      return new Expect(statuses, anyJson, shape, field, cmfStatus, ok, bodyOptional, noAnswerAllowed);
    }

    Expect cmfStatus(final String token) {
      return new Expect(statuses, anyJson, shape, detailNames, token, ok, bodyOptional, noAnswerAllowed);
    }

    Expect orOk(final Predicate<Answer> allowed) {
      return new Expect(statuses, anyJson, shape, detailNames, cmfStatus, allowed, bodyOptional, noAnswerAllowed);
    }

    /** A read may answer 200 with nothing in it, the echo of the hostile strings aside. */
    Expect orEmpty(final String... echoes) {
      return orOk(a -> a.status() == 200 && isEmpty(a.json(), Set.of(echoes)));
    }

    Expect orEmptyOrAny() {
      return orOk(a -> a.status() == 200);
    }

    /** Protocol-level refusals (Netty's own 400) may come without a body. */
    Expect orNoBody() {
      return new Expect(statuses, anyJson, shape, detailNames, cmfStatus, ok, true, noAnswerAllowed);
    }

    /** A request cut off mid-body may simply be dropped: there is nobody left to answer. */
    Expect orNoAnswer() {
      return new Expect(statuses, anyJson, shape, detailNames, cmfStatus, ok, bodyOptional, true);
    }

    boolean okAllowed(final Answer answer) {
      return ok.test(answer);
    }

    boolean shapeHolds(final Answer a) {
      final JsonNode json = a.body().length == 0 ? null : a.json();
      if (json == null) {
        return bodyOptional;
      }
      if (anyJson.contains(a.status())) {
        return json.isObject();
      }
      return switch (shape) {
        case PROBLEM -> a.contentType().startsWith("application/problem+json") && json.path("status").asInt() == a.status() && json.hasNonNull("type")
            && json.hasNonNull("title");
        case CMF -> json.isObject() && json.has("detail") && (cmfStatus == null || json.path("status").asText().equals(cmfStatus));
        case JSON -> true;
      };
    }

    private static boolean isEmpty(final JsonNode node, final Set<String> echoes) {
      if (node == null) {
        return false;
      }
      if (node.isArray() || node.isObject()) {
        for (final Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
          if (!isEmpty(it.next(), echoes)) {
            return false;
          }
        }
        return true;
      }
      if (node.isTextual()) {
        return node.asText().isEmpty() || echoes.contains(node.asText());
      }
      if (node.isNumber()) {
        return node.asDouble() == 0;
      }
      return node.isNull() || node.isBoolean();
    }
  }

  /** An answer: status, content type and body; {@link #NO_ANSWER} when the server said nothing. */
  private record Answer(int status, String contentType, byte[] body) {

    static final int NO_ANSWER = -1;

    private static final ObjectMapper LENIENT =
        JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2000).build()).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        final JsonNode node = LENIENT.readTree(body);
        return node == null || node.isMissingNode() ? null : node;
      } catch (IOException e) {
        return null;
      }
    }

    /** A raw HTTP/1.1 answer, its body de-chunked where it was chunked. */
    static Answer parse(final byte[] bytes) {
      final String all = new String(bytes, StandardCharsets.ISO_8859_1);
      final int end = all.indexOf("\r\n\r\n");
      if (!all.startsWith("HTTP/1.") || end < 0) {
        return new Answer(NO_ANSWER, "", bytes);
      }
      final String[] head = all.substring(0, end).split("\r\n");
      final int status = Integer.parseInt(head[0].split(" ")[1]);
      String type = "";
      boolean chunked = false;
      for (final String h : head) {
        final String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          type = h.substring(13).trim();
        }
        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
      if (chunked) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        final String text = new String(body, StandardCharsets.ISO_8859_1);
        while (at < text.length()) {
          final int eol = text.indexOf("\r\n", at);
          if (eol < 0) {
            break;
          }
          final int size = Integer.parseInt(text.substring(at, eol).split(";")[0].trim(), 16);
          if (size == 0) {
            break;
          }
          out.write(body, eol + 2, Math.min(size, body.length - eol - 2));
          at = eol + 2 + size + 2;
        }
        body = out.toByteArray();
      }
      return new Answer(status, type, body);
    }

    @Override
    public String toString() {
      final String text = text();
      return status + " " + contentType + " " + (text.length() > 400 ? text.substring(0, 400) + "..." : text);
    }
  }

  /** A multipart/form-data body, as the cmf client's requests library builds it. */
  private static final class Multipart {
    static final String BOUNDARY = "campaign7b1d3f0a9c";
    static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Multipart field(final String name, final String value) {
      out.writeBytes(utf8("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n"));
      return this;
    }

    Multipart file(final String name, final String fileName, final String type, final byte[] content) {
      // A quoted-string: a backslash escapes the next character, so a literal one is sent doubled.
      final String quoted = fileName.replace("\\", "\\\\").replace("\"", "\\\"");
      out.writeBytes(utf8("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + quoted + "\"\r\nContent-Type: " + type + "\r\n\r\n"));
      out.writeBytes(content);
      out.writeBytes(utf8("\r\n"));
      return this;
    }

    String contentType() {
      return CONTENT_TYPE;
    }

    byte[] bytes() {
      final ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(out.toByteArray());
      all.writeBytes(utf8("--" + BOUNDARY + "--\r\n"));
      return all.toByteArray();
    }
  }
}
