// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cmfstream.ingest.web.BadInput;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests for what issue #7's bad-input campaign (e2e-tests' {@code BadInputCampaign})
 * found in the cmf push: a 500 for nesting beyond the reader's limit, and bytes that are not UTF-8
 * inside {@code json_payload} stored as U+FFFD.
 */
class SpooledPushTest {

  private static final int MAX_RECORDS = 1_000;

  @TempDir Path spool;

  private BadInput refused(final byte[] body) {
    return catchThrowableOfType(BadInput.class, () -> {
      try (SpooledPush push = SpooledPush.spool(new ByteArrayInputStream(body), 1 << 20, MAX_RECORDS, spool)) {
        push.translate("site", "upload", Instant.EPOCH);
      }
    });
  }

  /** A push translated: its outcome, its records, and the bytes this thread allocated translating it (spooling the body not counted). */
  private record Measured(CmfPushTranslator.Outcome outcome, int records, long allocated) {}

  private Measured translateMeasured(final byte[] body) throws Exception {
    final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    try (SpooledPush push = SpooledPush.spool(new ByteArrayInputStream(body), 1 << 24, MAX_RECORDS, spool)) {
      final long before = threads.getCurrentThreadAllocatedBytes();
      final CmfPushTranslator.Outcome outcome = push.translate("site", "upload", Instant.EPOCH);
      final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      return new Measured(outcome, push.records().count(), allocated);
    }
  }

  private static byte[] utf8(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Nested
  class DeepNesting {

    @Test
    void shouldRefuseNestingBeyondTheLimitInTheRequestWith422() {
      // given
      final byte[] body = utf8("{\"pipeline_name\":\"p\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + ",\"json_payload\":\"{}\"}");
      // when
      final BadInput bad = refused(body);
      // then
      assertThat(bad).isNotNull();
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.detail()).contains("nesting depth");
    }

    @Test
    void shouldRefuseNestingBeyondTheLimitInTheDumpWith422() {
      // given
      final byte[] body = utf8("{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"x\\\": " + "[".repeat(300) + "]".repeat(300)
          + ", \\\"Pipeline\\\": []}\"}");
      // when
      final BadInput bad = refused(body);
      // then
      assertThat(bad).isNotNull();
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.detail()).contains("json_payload").contains("nesting depth");
    }
  }

  @Nested
  class InvalidUtf8 {

    /** Sequences Jackson's byte parser lets pass while skipping a string: a surrogate, an overlong '/', beyond U+10FFFF. */
    @Test
    void shouldRefuseBytesThatAreNotUtf8InsideTheDumpWith422() {
      for (final byte[] bad : new byte[][] {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}) {
        // given
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(utf8("{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\": [{\\\"name\\\": \\\"p"));
        body.writeBytes(bad);
        body.writeBytes(utf8("\\\", \\\"stages\\\": []}]}\"}"));
        // when
        final BadInput refused = refused(body.toByteArray());
        // then
        assertThat(refused).as("%02x...", bad[0]).isNotNull();
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.detail()).contains("UTF-8");
      }
    }
  }

  @Nested
  class OtherEncodings {

    private static final String BODY = "{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\": [{\\\"name\\\": \\\"p\\\", \\\"stages\\\": []}]}\"}";

    /**
     * Jackson reads UTF-16 and UTF-32 when the first bytes say so, but the second pass finds
     * json_payload by its byte offset in UTF-8: such a body failed with an internal error, a 500.
     */
    @Test
    void shouldRefuseABodyInUtf16OrUtf32With422() {
      for (final String charset : new String[] {"UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE"}) {
        // given
        final byte[] body = BODY.getBytes(java.nio.charset.Charset.forName(charset));
        // when
        final BadInput refused = refused(body);
        // then
        assertThat(refused).as(charset).isNotNull();
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.detail()).contains("UTF-8");
      }
    }

    @Test
    void shouldReadABodyThatStartsWithAUtf8ByteOrderMark() throws Exception {
      // given
      final ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      body.writeBytes(utf8(BODY));
      // when
      final CmfPushTranslator.Outcome outcome;
      try (SpooledPush push = SpooledPush.spool(new ByteArrayInputStream(body.toByteArray()), 1 << 20, MAX_RECORDS, spool)) {
        outcome = push.translate("site", "upload", Instant.EPOCH);
      }
      // then
      assertThat(outcome.pipelineFound()).isTrue();
    }
  }

  @Nested
  class ManyRecords {

    /**
     * A dump of a few kilobytes: one execution reused under 40 uuids, with 30 events, is 1,200
     * event records; beyond the limit it is refused, not spooled to disk whatever its size.
     */
    @Test
    void shouldRefuseAPushThatTranslatesIntoMoreRecordsThanTheLimitWith413() throws Exception {
      // given
      final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      final var execution = json.createObjectNode();
      final List<String> uuids = new ArrayList<>();
      for (int u = 0; u < 40; u++) {
        uuids.add("uuid-" + u);
      }
      execution.put("name", "e").putObject("properties").put("Execution_uuid", String.join(",", uuids));
      final var events = execution.putArray("events");
      for (int e = 0; e < 30; e++) {
        events.addObject().put("type", 3).putObject("artifact").put("uri", "s3://b/a-" + e).put("type", "Dataset");
      }
      final var dump = json.createObjectNode();
      final var stage = dump.putArray("Pipeline").addObject().put("name", "p").putArray("stages").addObject().put("name", "s");
      stage.putArray("executions").add(execution);
      final byte[] body = json.writeValueAsBytes(Map.of("pipeline_name", "p", "json_payload", json.writeValueAsString(dump)));
      // when
      final BadInput bad = refused(body);
      // then
      assertThat(bad).isNotNull();
      assertThat(bad.status()).isEqualTo(413);
      assertThat(bad.type()).isEqualTo("too_many_records");
      assertThat(bad.detail()).contains("more than " + MAX_RECORDS);
    }

    /**
     * A body that streams past the limit gets the type a declared length past it gets ({@code
     * Bodies.checkDeclaredLength}): it was {@code body_too_large} here, {@code body-too-large} there.
     */
    @Test
    void shouldRefuseABodyOverTheLimitAsTheDeclaredLengthCheckDoes() {
      // given
      final byte[] body = utf8("{\"pipeline_name\": \"p\", \"json_payload\": \"" + " ".repeat(2_000) + "\"}");
      // when
      final BadInput bad = catchThrowableOfType(BadInput.class, () -> SpooledPush.spool(new ByteArrayInputStream(body), 1_000, MAX_RECORDS, spool).close());
      // then
      assertThat(bad).isNotNull();
      assertThat(bad.status()).isEqualTo(413);
      assertThat(bad.type()).isEqualTo("body-too-large");
    }
  }

  @Nested
  class UnreadFields {

    /**
     * An execution was held whole as a tree, fields the translation never reads included: an
     * execution of 15 MB of empty objects ran an ingest at -Xmx256m out of memory. Such a field is
     * now skipped unread; the bytes this thread allocates show it (a tree of them takes hundreds).
     */
    @Test
    void shouldSkipAFieldOfAnExecutionItDoesNotReadWithoutHoldingIt() throws Exception {
      // given: one execution carrying a million empty objects it does not need
      final StringBuilder junk = new StringBuilder("[");
      for (int i = 0; i < 1_000_000; i++) {
        junk.append(i == 0 ? "{}" : ",{}");
      }
      junk.append(']');
      final byte[] body = utf8("{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\": [{\\\"name\\\": \\\"p\\\", \\\"stages\\\": [{\\\"name\\\": \\\"s\\\", "
          + "\\\"executions\\\": [{\\\"name\\\": \\\"e\\\", \\\"properties\\\": {\\\"Execution_uuid\\\": \\\"u-1\\\"}, \\\"junk\\\": " + junk
          + ", \\\"events\\\": []}]}]}]}\"}");
      // when
      final Measured translated = translateMeasured(body);
      // then
      assertThat(translated.outcome().pipelineFound()).isTrue();
      assertThat(translated.outcome().executions()).isEqualTo(1);
      assertThat(translated.allocated()).as("bytes allocated translating a push of %d bytes", body.length).isLessThan(32L << 20);
    }
  }

  @Nested
  class ManyEvents {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * One execution of {@code events} events, written as a real dump writes it: its events before
     * its properties. Reused under two uuids; the artifacts repeat after {@code artifacts} events;
     * {@code rich} ones carry a name, custom properties (every 100th is a {@code Metrics} one) and
     * a time, the others a uri and a type.
     */
    private static void writeDump(final com.fasterxml.jackson.core.JsonGenerator out, final int events, final int artifacts, final boolean rich)
        throws java.io.IOException {
      out.writeStartObject();
      out.writeArrayFieldStart("Pipeline");
      out.writeStartObject();
      out.writeArrayFieldStart("stages");
      out.writeStartObject();
      out.writeArrayFieldStart("executions");
      out.writeStartObject();
      out.writeStringField("name", "train");
      out.writeArrayFieldStart("events");
      for (int e = 0; e < events; e++) {
        final int a = e % artifacts;
        out.writeStartObject();
        out.writeNumberField("type", e % 2 == 0 ? 3 : 4);
        out.writeObjectFieldStart("artifact");
        out.writeStringField("uri", "s3://bucket/data/artifact-" + a);
        out.writeStringField("type", rich && a % 100 == 0 ? "Metrics" : "Dataset");
        if (rich) {
          out.writeStringField("name", "data/artifact-" + a + ".csv:" + Integer.toHexString(a));
          out.writeObjectFieldStart("custom_properties");
          out.writeNumberField("loss", 1.0 / (a + 1));
          out.writeNumberField("epoch", a);
          out.writeStringField("commit", "c" + "0".repeat(31) + a);
          out.writeEndObject();
          out.writeNumberField("create_time_since_epoch", 1_700_000_000_000L + a);
        }
        out.writeEndObject();
        out.writeEndObject();
      }
      out.writeEndArray();
      out.writeObjectFieldStart("properties");
      out.writeStringField("Execution_uuid", "u-1,u-2");
      out.writeStringField("Context_Type", "s");
      out.writeEndObject();
      out.writeEndObject();
      out.writeEndArray();
      out.writeStringField("name", "s");
      out.writeEndObject();
      out.writeEndArray();
      out.writeStringField("name", "p");
      out.writeEndObject();
      out.writeEndArray();
      out.writeEndObject();
    }

    /**
     * The heap the translation of {@code dump} holds when it makes the first record {@code
     * moment} picks, beyond what was in use before it started; and that the moment came.
     */
    private static long heapHeldAt(final Path dump, final java.util.function.Predicate<org.cmfstream.avro.JournalRecord> moment, final Path spill)
        throws java.io.IOException {
      final java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
      final long[] held = {-1};
      final RecordSink sink =
          new RecordSink() {
            @Override
            public void accept(final org.cmfstream.avro.JournalRecord record) {
              if (held[0] < 0 && moment.test(record)) {
                System.gc();
                held[0] = memory.getHeapMemoryUsage().getUsed();
              }
            }

            @Override
            public long mark() {
              return 0;
            }

            @Override
            public void rollback(final long mark) {
              throw new AssertionError("the only pipeline is the one pushed");
            }
          };
      System.gc();
      final long before = memory.getHeapMemoryUsage().getUsed();
      try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(dump.toFile())) {
        CmfPushTranslator.translate(parser, "p", null, "site", "upload", Instant.EPOCH, sink, spill);
      }
      assertThat(held[0]).as("the moment came").isNotNegative();
      return held[0] - before;
    }

    private Path dumpFile(final int events, final int artifacts, final boolean rich) throws java.io.IOException {
      final Path dump = spool.resolve("dump.json");
      try (com.fasterxml.jackson.core.JsonGenerator out = JSON.getFactory().createGenerator(dump.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
        writeDump(out, events, artifacts, rich);
      }
      return dump;
    }

    private static String dumpText(final int events, final int artifacts, final boolean rich) throws java.io.IOException {
      final java.io.StringWriter dump = new java.io.StringWriter();
      try (com.fasterxml.jackson.core.JsonGenerator out = JSON.createGenerator(dump)) {
        writeDump(out, events, artifacts, rich);
      }
      return dump.toString();
    }

    /** The push of pipeline p's {@code dump}. */
    private static byte[] pushOf(final String dump) throws java.io.IOException {
      return JSON.writeValueAsBytes(Map.of("pipeline_name", "p", "json_payload", dump));
    }

    /** The records a push translates into, through the spool. */
    private List<org.cmfstream.avro.JournalRecord> spooledRecords(final byte[] body) throws java.io.IOException {
      final List<org.cmfstream.avro.JournalRecord> records = new ArrayList<>();
      try (SpooledPush push = SpooledPush.spool(new ByteArrayInputStream(body), 1 << 24, 1_000_000, spool)) {
        push.translate("site", "upload", Instant.EPOCH);
        push.records().forEach(bytes -> records.add(org.cmfstream.journal.serde.JournalCodec.instance().decode(bytes)));
      }
      return records;
    }

    private void assertNoSpoolFileLeft() throws java.io.IOException {
      try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(spool)) {
        assertThat(left).as("spool files left").isEmpty();
      }
    }

    @Test
    void shouldTranslateAnExecutionOfManyEventsAsADumpHeldInMemoryDoes() throws Exception {
      // given: 2,500 events, most of them past those held in memory
      final String dump = dumpText(2_500, 1_200, true);
      final byte[] body = pushOf(dump);
      final List<org.cmfstream.avro.JournalRecord> expected = CmfPushTranslator.translate(JSON.readTree(dump), "p", null, "site", "upload", Instant.EPOCH).records();
      // when
      final List<org.cmfstream.avro.JournalRecord> records = spooledRecords(body);
      // then: the same records in the same order: 2 executions, 1,200 artifacts, 5,000 events,
      // 100 metric points (25 events of Metrics artifacts, two numbers each, two uuids), the stage, the pipeline
      assertThat(records).hasSize(2 + 1_200 + 5_000 + 100 + 2).isEqualTo(expected);
      assertNoSpoolFileLeft();
    }

    /**
     * An execution's events were held as a tree until its properties came: a 172 MB push of one
     * execution of 300,000 events ran an ingest at -Xmx384m out of memory (it took 1.6 GB). Now
     * only their artifacts' records are held, in a file beyond a thousand. The heap still
     * in use when the first event record is made, all events read, shows it (80 MB before, 2 MB now).
     */
    /**
     * Executions without {@code Context_Type} wait for their stage's name, which comes after them:
     * their events wait in the spill, and give it back last first.
     */
    @Test
    void shouldTranslateExecutionsOfManyEventsThatWaitForTheirStagesName() throws Exception {
      // given: two such executions of 1,500 events each, the stage's name after them
      final com.fasterxml.jackson.databind.node.ObjectNode dump = JSON.createObjectNode();
      final com.fasterxml.jackson.databind.node.ObjectNode stage = dump.putArray("Pipeline").addObject().putArray("stages").addObject();
      final com.fasterxml.jackson.databind.node.ArrayNode executions = stage.putArray("executions");
      for (int x = 0; x < 2; x++) {
        final com.fasterxml.jackson.databind.node.ObjectNode execution = executions.addObject().put("name", "e" + x);
        final com.fasterxml.jackson.databind.node.ArrayNode events = execution.putArray("events");
        for (int e = 0; e < 1_500; e++) {
          events.addObject().put("type", 4).putObject("artifact").put("uri", "s3://b/x" + x + "-" + e).put("type", "Dataset");
        }
        execution.putObject("properties").put("Execution_uuid", "u-" + x);
      }
      stage.put("name", "s");
      ((com.fasterxml.jackson.databind.node.ObjectNode) dump.get("Pipeline").get(0)).put("name", "p");
      final byte[] body = pushOf(JSON.writeValueAsString(dump));
      final List<org.cmfstream.avro.JournalRecord> expected = CmfPushTranslator.translate(dump, "p", null, "site", "upload", Instant.EPOCH).records();
      // when
      final List<org.cmfstream.avro.JournalRecord> records = spooledRecords(body);
      // then: 2 executions, 3,000 artifacts, 3,000 events, the stage, the pipeline
      assertThat(records).hasSize(6_004).isEqualTo(expected);
      assertNoSpoolFileLeft();
    }

    /**
     * A push refused while its spilled events are read back (here: more records than allowed)
     * leaves no spool file behind, nor one deleted but still open.
     */
    @Test
    void shouldLeaveNoSpoolFileOpenWhenRefusedWhileReadingTheSpill() throws Exception {
      // given: 2,500 events under two uuids is more than 3,000 records
      final byte[] body = pushOf(dumpText(2_500, 2_500, false));
      // when
      final BadInput bad = catchThrowableOfType(BadInput.class, () -> {
        try (SpooledPush push = SpooledPush.spool(new ByteArrayInputStream(body), 1 << 24, 3_000, spool)) {
          push.translate("site", "upload", Instant.EPOCH);
        }
      });
      // then
      assertThat(bad).isNotNull();
      assertThat(bad.status()).isEqualTo(413);
      assertNoSpoolFileLeft();
      assertThat(openFilesIn(spool)).as("files still open in the spool directory").isEmpty();
    }

    /** What this process holds open under {@code dir}, deleted files included (Linux's /proc). */
    private static List<String> openFilesIn(final Path dir) throws java.io.IOException {
      final Path fds = Path.of("/proc/self/fd");
      org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(fds), "a /proc file system");
      final List<String> open = new ArrayList<>();
      try (java.util.stream.Stream<Path> links = java.nio.file.Files.list(fds)) {
        for (final Path link : links.toList()) {
          try {
            final String target = java.nio.file.Files.readSymbolicLink(link).toString();
            if (target.startsWith(dir.toString())) {
              open.add(target);
            }
          } catch (java.io.IOException e) {
            // Closed since it was listed.
          }
        }
      }
      return open;
    }

    @Test
    void shouldHoldAnExecutionOfManyEventsInBoundedMemory() throws Exception {
      // given: 40,000 events, 10 MB
      final Path dump = dumpFile(40_000, 1_200, true);
      // when
      final long held = heapHeldAt(dump, record -> record.getBody() instanceof org.cmfstream.avro.EventFact, spool);
      // then
      assertThat(held).as("heap held once every event was read, for a dump of %d bytes", java.nio.file.Files.size(dump)).isLessThan(16L << 20);
    }

    /**
     * The content hashes of the artifacts a push has emitted, a shared one once, were a set of
     * hex strings, about 150 bytes each: 2 million distinct artifacts (a 127 MB push) ran an
     * ingest at -Xmx256m out of memory. The heap held when the stage's record is made, every
     * artifact emitted, shows it (63 MB before, 21 MB now, for 400,000).
     */
    @Test
    void shouldHoldTheHashesOfTheArtifactsItEmittedInLittleMemory() throws Exception {
      // given: 380,000 distinct artifacts, 31 MB
      final Path dump = dumpFile(380_000, 380_000, false);
      // when
      final long held = heapHeldAt(dump, record -> record.getBody() instanceof org.cmfstream.avro.StageFact, spool);
      // then
      assertThat(held).as("heap held once every artifact was emitted, for a dump of %d bytes", java.nio.file.Files.size(dump)).isLessThan(32L << 20);
    }
  }

  @Nested
  class ManyPipelines {

    /**
     * A pipeline that is not the one pushed is rolled back, and the artifacts it emitted are
     * forgotten with it. Forgetting them made a new set each time, 16 KB: 20,000 such pipelines of
     * one artifact each (4.6 MB) allocated 533 MB, now 212; a million (77 MB), 18.6 GB, now 2.2.
     * The set is now wiped, and only if it holds anything.
     */
    @Test
    void shouldRollBackManyPipelinesWithoutAllocatingForEach() throws Exception {
      // given: 20,000 pipelines of one artifact before the one pushed
      final StringBuilder pipelines = new StringBuilder();
      for (int i = 0; i < 20_000; i++) {
        pipelines.append("{\\\"name\\\": \\\"o").append(i).append("\\\", \\\"stages\\\": [{\\\"name\\\": \\\"s\\\", \\\"executions\\\": [{\\\"name\\\": \\\"e\\\", ")
            .append("\\\"properties\\\": {\\\"Execution_uuid\\\": \\\"u").append(i).append("\\\"}, \\\"events\\\": [{\\\"type\\\": 3, \\\"artifact\\\": {\\\"uri\\\": \\\"a")
            .append(i).append("\\\", \\\"type\\\": \\\"Dataset\\\"}}]}]}]}, ");
      }
      final byte[] body = utf8("{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\": [" + pipelines + "{\\\"name\\\": \\\"p\\\", \\\"stages\\\": []}]}\"}");
      // when
      final Measured translated = translateMeasured(body);
      // then
      assertThat(translated.outcome().pipelineFound()).isTrue();
      assertThat(translated.records()).isEqualTo(1);
      assertThat(translated.allocated()).as("bytes allocated translating a push of %d bytes", body.length).isLessThan(350L << 20);
    }
  }

  @Nested
  class CollidingKeys {

    /**
     * Keys that share one hash in the name table of Jackson's text parser: a table shared by every
     * parse refused such a dump with 422, then failed other pushes with an internal error, a 500
     * (jackson-core#547). Nine blocks of "aB" or "b!": 512 keys.
     */
    @Test
    void shouldReadADumpOfCollidingKeysAndEveryPushAfterIt() throws Exception {
      // given
      final StringBuilder colliding = new StringBuilder();
      for (int i = 0; i < 512; i++) {
        final StringBuilder key = new StringBuilder();
        for (int block = 0; block < 9; block++) {
          key.append((i >> block & 1) == 0 ? "aB" : "b!");
        }
        colliding.append(",\\\"").append(key).append("\\\":0");
      }

      // when, then: the push is read, and so are the pushes after it, each with names of its own
      assertThat(translate(dump(colliding.toString())).pipelineFound()).isTrue();
      for (int push = 0; push < 200; push++) {
        final StringBuilder names = new StringBuilder();
        for (int k = 0; k < 10; k++) {
          names.append(",\\\"x").append(push).append('_').append(k).append("\\\":0");
        }
        assertThat(translate(dump(names.toString())).pipelineFound()).as("push %d", push).isTrue();
      }
    }

    /** A push of one pipeline and no stages, with {@code extra} entries in its dump's object. */
    private static byte[] dump(final String extra) {
      return utf8("{\"pipeline_name\":\"p\",\"json_payload\":\"{\\\"Pipeline\\\": [{\\\"name\\\": \\\"p\\\", \\\"stages\\\": []}]" + extra + "}\"}");
    }

    private CmfPushTranslator.Outcome translate(final byte[] body) throws Exception {
      try (SpooledPush push = SpooledPush.spool(new ByteArrayInputStream(body), 1 << 20, MAX_RECORDS, spool)) {
        return push.translate("site", "upload", Instant.EPOCH);
      }
    }
  }
}
