// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.serde.JournalCodec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The one-pass reader's records decode to the tree path's (every field, the content hash), or it
 * steps aside so the other paths answer.
 */
class EncodedRecordsTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-01T04:00:00Z");
  private static final int MAX = 500;

  private static final String PIPELINE = "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}";
  private static final String EVENT = "{\"seq\":2,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e\",\"artifactUri\":\"a\",\"direction\":\"INPUT\"}}";

  /** Every kind and every kind of value a plain upload has, in rising seq order. */
  private static final List<String> PLAIN =
      List.of(
          PIPELINE,
          EVENT,
          "{\"seq\":3,\"time\":\"2026-11-23T06:00:00.123456Z\",\"kind\":\"stage\",\"fact\":{\"pipeline\":\"p\",\"name\":\"p/s\",\"createTime\":17}}",
          "{\"kind\":\"execution\",\"seq\":4,\"time\":1795414078432,\"fact\":{\"uuid\":\"u\",\"pipeline\":\"p\",\"stage\":\"p/s\",\"type\":\"T\","
              + "\"customProperties\":{\"nan\":NaN,\"inf\":Infinity,\"minf\":-Infinity,\"big\":9223372036854775807,\"small\":-9223372036854775808,"
              + "\"neg0\":-0.0,\"zero\":-0,\"tiny\":4.9e-324,\"huge\":1.7976931348623157e308,\"over\":1e400,\"lr\":0.001,\"sci\":1E-7,\"exp\":2e+3,"
              + "\"t\":true,\"f\":false,\"n\":null,\"s\":\"x\",\"del\":\"a\u007fb\",\"\":\"empty key\"},\"properties\":{},\"name\":\"\",\"createTime\":null}}",
          "{\"seq\":5,\"time\":null,\"kind\":\"artifact\",\"fact\":{\"uri\":\"236d9502e0283d91f689d7038b8508a2\",\"type\":\"Dataset\",\"name\":\"café 🚀 ü\","
              + "\"properties\":{\"url\":\"r:/files/md5/23/6d\",\"Commit\":\"c\",\"é\":\"e\",\"𝄞\":1,\"\u007f\":2,\"z\":3}}}",
          "{\"seq\":6,\"kind\":\"property\",\"fact\":{\"entity\":\"ARTIFACT\",\"id\":\"a\",\"key\":\"labels\",\"value\":12.5}}",
          "{\"seq\":7,\"kind\":\"property\",\"fact\":{\"entity\":\"EXECUTION\",\"id\":\"e\",\"key\":\"k\",\"value\":null}}",
          "{\"seq\":8,\"kind\":\"property\",\"fact\":{\"value\":true,\"key\":\"k\",\"id\":\"p\",\"entity\":\"PIPELINE\"}}",
          "{\"seq\":9,\"kind\":\"property\",\"fact\":{\"entity\":\"STAGE\",\"id\":\"s\",\"key\":\"k\",\"value\":\"v\"}}",
          "{\"seq\":10,\"kind\":\"property\",\"fact\":{\"entity\":\"STAGE\",\"id\":\"s\",\"key\":\"k\",\"value\":-42}}",
          "{\"seq\":11,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"loss\",\"step\":0,\"value\":NaN}}",
          "{\"seq\":12,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":-1,\"value\":12345678901234567890123}}",
          "{\"seq\":13,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":2,\"value\":9007199254740993}}",
          "{\"seq\":14,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":3,\"value\":0.30000000000000004441}}",
          "{\"seq\":15,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":4,\"value\":-0}}",
          "{ \"seq\" : 16 , \"kind\" : \"event\" , \"fact\" : { \"direction\" : \"INTERNAL_OUTPUT\" , \"artifactUri\" : \"a\" , \"executionUuid\" : \"e\" } }",
          "{\"seq\":9223372036854775807,\"kind\":\"stage\",\"fact\":{\"createTime\":-5,\"customProperties\":{\"k\":1},\"name\":\"p/t\",\"pipeline\":\"p\"}}");

  @Nested
  class WhenTheUploadIsPlain {

    @Test
    void shouldEncodeNdjsonAsTheTreeReadsIt() {
      assertSameAsTree(String.join("\n", PLAIN) + "\n", true);
    }

    @Test
    void shouldEncodeAJsonArrayAsTheTreeReadsIt() {
      assertSameAsTree("[" + String.join(",\n", PLAIN) + "]", false);
    }

    @Test
    void shouldToleratePaddingAndEmptyLinesLikeTheTree() {
      assertSameAsTree("\n  " + PIPELINE + " \r\n\r\n\t" + EVENT + "\t\r\n\n", true);
      assertSameAsTree(" \n[ " + PIPELINE + " ,\n " + EVENT + " ]\n ", false);
      assertSameAsTree(PIPELINE, true);
    }

    @Test
    void shouldEncodeGeneratedUploadsAsTheTreeReadsThem() {
      // given: many uploads of random records of every kind: fields in any order, optional ones
      // left out, maps of every size, every kind of scalar, Unicode, padding
      for (int seed = 0; seed < 40; seed++) {
        final Random random = new Random(seed);
        final boolean ndjson = random.nextBoolean();
        final List<String> records = new ArrayList<>();
        long seq = random.nextInt(3);
        for (int r = 0; r < 1 + random.nextInt(60); r++) {
          records.add(randomRecord(random, seq));
          seq += 1 + random.nextInt(3);
        }
        final String body = ndjson ? String.join(pad(random) + "\n" + pad(random), records) : "[" + String.join("," + pad(random), records) + "]";

        // when, then
        assertSameAsTree(body, ndjson);
      }
    }
  }

  @Nested
  class WhenTheReaderIsNotSure {

    @Test
    void shouldStepAsideForEveryError() {
      final List<String> bad =
          List.of(
              "",
              "\n\n",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}",
              "{\"seq\":-1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1.0,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":99999999999999999999,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":01,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":+1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"pipe\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"extra\":1}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"},\"other\":1}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":7}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":[1]}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":{}}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":99999999999999999999}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":1.}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":.5}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":1e}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":-}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":NaNa}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":nul}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":+Infinity}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":1" + "0".repeat(200) + "}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":1,\"a\":2}}}",
              "{\"seq\":1,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e\",\"artifactUri\":\"a\",\"direction\":\"SIDEWAYS\"}}",
              "{\"seq\":1,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"m\",\"step\":1,\"value\":\"1\"}}",
              "{\"seq\":1,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"m\",\"step\":1.5,\"value\":1}}",
              "{\"seq\":1,\"kind\":\"stage\",\"fact\":{\"pipeline\":\"p\",\"name\":\"p/s\",\"createTime\":1.5}}",
              "{\"seq\":1,\"time\":\"yesterday\",\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"time\":-5,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"time\":true,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "[" + PIPELINE + "]",
              PIPELINE + " " + EVENT,
              PIPELINE + "\n{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"q\"}}",
              "{\"seq\":1,\n\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "\"text\"",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}} x");
      for (final String body : bad) {
        assertStepsAside(body, true);
      }
      assertStepsAside("{" + PIPELINE.substring(1), false);
      assertStepsAside("[" + PIPELINE + "] []", false);
      assertStepsAside("[" + PIPELINE + ",1]", false);
      assertStepsAside("[" + PIPELINE + ",]", false);
      assertStepsAside("[]", false);
    }

    @Test
    void shouldStepAsideWhereTheTreeResolvesOrWritesDifferently() {
      // Escapes (a string's bytes are no longer its text), repeated keys (the tree keeps the
      // last), fact before kind, seqs repeated or falling (the tree compares their hashes), a raw
      // control character, a byte order mark, Unicode padding that strip() removes.
      final List<String> unsure =
          List.of(
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"a\\\"b\"}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"\\u0070\"}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"\\n\":1}}}",
              "{\"s\\u0065q\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"a\u0001b\"}}",
              "{\"seq\":1,\"seq\":2,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"name\":\"q\"}}",
              "{\"seq\":1,\"fact\":{\"name\":\"p\"},\"kind\":\"pipeline\"}",
              PIPELINE + "\n" + PIPELINE,
              EVENT + "\n" + PIPELINE,
              "\ufeff" + PIPELINE,
              PIPELINE + "\u2003");
      for (final String body : unsure) {
        assertStepsAside(body, true);
      }
    }

    @Test
    void shouldStepAsideForAMapKeyLongerThanTheParserTakes() {
      // given: map keys at the parser's limit on a name (50,000), and one byte beyond it, which
      // the tree refuses (a 400) and the one pass must not take
      final String atLimit = "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"" + "a".repeat(50_000) + "\":1}}}";
      final String beyond = atLimit.replace("\"a", "\"aa");

      // when, then
      assertSameAsTree(atLimit, true);
      assertSameAsTree("[" + atLimit + "]", false);
      assertStepsAside(beyond, true);
      assertStepsAside("[" + beyond + "]", false);
      assertThatThrownBy(() -> NativeRecords.read(bytes(beyond), true, "edge-1", "u", RECEIVED, MAX)).isInstanceOf(BadInput.class);
    }

    @Test
    void shouldStepAsideForAMapLargerThanItSorts() {
      // given: maps of 64 entries (the most it sorts) and of 65, keys in falling order
      final StringBuilder map = new StringBuilder();
      for (int k = 64; k > 0; k--) {
        map.append(k == 64 ? "" : ",").append("\"k").append(String.format(Locale.ROOT, "%03d", k)).append("\":").append(k);
      }
      final String atLimit = "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{" + map + "}}}";
      final String beyond = atLimit.replace("{\"k064\"", "{\"k065\":65,\"k064\"");

      // when, then
      assertSameAsTree(atLimit, true);
      assertStepsAside(beyond, true);
    }

    @Test
    void shouldReadAPlainUploadAfterOneItSteppedAsideFromMidRecord() {
      // given: on this thread, uploads it left in a map, after a DEL, after a long map, at the end
      final List<String> left =
          List.of(
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"a\u007fb\",\"customProperties\":{\"x\":1,\"y\":\"\\n\"}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"x\":1,\"x\":2}}}",
              PIPELINE + "\n" + EVENT + "\n{\"seq\":9,\"kind\":\"pipeline\",\"fact\":{\"name\":");
      for (final String body : left) {
        assertStepsAside(body, true);

        // when, then: the next upload reads as the tree reads it
        assertSameAsTree(String.join("\n", PLAIN) + "\n", true);
      }
    }

    @Test
    void shouldStepAsideForTooManyRecords() {
      assertThat(EncodedRecords.read(bytes(PIPELINE + "\n" + EVENT), true, "edge-1", "u", RECEIVED, 1)).isNull();
      assertThat(EncodedRecords.read(bytes("[" + PIPELINE + "," + EVENT + "]"), false, "edge-1", "u", RECEIVED, 1)).isNull();
      assertThat(EncodedRecords.read(bytes(PIPELINE + "\n" + EVENT), true, "edge-1", "u", RECEIVED, 2)).isNotNull();
    }
  }

  /** The records decode to the tree's, field by field and hash for hash; without maps to order, byte for byte. */
  private static void assertSameAsTree(final String body, final boolean ndjson) {
    final byte[] bytes = bytes(body);
    final List<JournalRecord> tree = NativeRecords.readTree(bytes, ndjson, "edge-1", "u", RECEIVED, MAX);

    final EncodedUpload encoded = EncodedRecords.read(bytes, ndjson, "edge-1", "u", RECEIVED, MAX);

    assertThat(encoded).as("the one-pass reader takes %s", body).isNotNull();
    assertThat(encoded.records()).hasSameSizeAs(tree);
    int largest = 0;
    for (int r = 0; r < tree.size(); r++) {
      final byte[] record = encoded.records().get(r);
      largest = Math.max(largest, record.length);
      final JournalRecord decoded = JournalCodec.instance().decode(record);
      assertThat(view(decoded)).as("record %d of %s", r + 1, body).isEqualTo(view(tree.get(r)));
      assertThat(JournalRecords.hashOf(body(decoded)).hex()).isEqualTo(decoded.getContentHash());
      if (!hasMapOfTwoOrMore(tree.get(r))) {
        assertThat(record).isEqualTo(JournalCodec.instance().encode(tree.get(r)));
      }
    }
    assertThat(encoded.largest()).isEqualTo(largest);
  }

  /** Everything a record says; its maps compare as maps, and a NaN equals a NaN (Double.equals). */
  private static Map<String, Object> view(final JournalRecord record) {
    final Map<String, Object> view = new LinkedHashMap<>();
    view.put("site", record.getSite());
    view.put("seq", record.getSeq());
    // The journal holds milliseconds: an ISO time's finer digits are not kept.
    view.put("eventTime", record.getEventTime().toEpochMilli());
    view.put("upload", record.getUpload());
    view.put("contentHash", record.getContentHash());
    view.put("facts", JournalRecords.facts(body(record)));
    return view;
  }

  private static IndexedRecord body(final JournalRecord record) {
    return (IndexedRecord) record.getBody();
  }

  private static boolean hasMapOfTwoOrMore(final JournalRecord record) {
    return JournalRecords.facts(body(record)).values().stream().anyMatch(v -> v instanceof Map<?, ?> m && m.size() > 1);
  }

  private static void assertStepsAside(final String body, final boolean ndjson) {
    assertThat(EncodedRecords.read(bytes(body), ndjson, "edge-1", "u", RECEIVED, MAX)).as(body).isNull();
  }

  private static String randomRecord(final Random random, final long seq) {
    final Map<String, String> fact = new LinkedHashMap<>();
    final String kind;
    switch (random.nextInt(7)) {
      case 0 -> {
        kind = "pipeline";
        fact.put("name", randomString(random));
        optional(random, fact, "customProperties", randomMap(random));
      }
      case 1 -> {
        kind = "stage";
        fact.put("pipeline", randomString(random));
        fact.put("name", randomString(random));
        optional(random, fact, "customProperties", randomMap(random));
        optional(random, fact, "createTime", random.nextBoolean() ? "null" : Long.toString(random.nextLong()));
      }
      case 2 -> {
        kind = "execution";
        for (final String field : List.of("uuid", "pipeline", "stage", "type")) {
          fact.put(field, randomString(random));
        }
        optional(random, fact, "name", randomString(random));
        optional(random, fact, "properties", randomMap(random));
        optional(random, fact, "customProperties", randomMap(random));
        optional(random, fact, "createTime", random.nextBoolean() ? "null" : Long.toString(random.nextInt(Integer.MAX_VALUE)));
      }
      case 3 -> {
        kind = "artifact";
        for (final String field : List.of("uri", "type", "name")) {
          fact.put(field, randomString(random));
        }
        optional(random, fact, "properties", randomMap(random));
        optional(random, fact, "customProperties", randomMap(random));
        optional(random, fact, "createTime", "null");
      }
      case 4 -> {
        kind = "event";
        fact.put("executionUuid", randomString(random));
        fact.put("artifactUri", randomString(random));
        fact.put("direction", List.of("\"INPUT\"", "\"OUTPUT\"", "\"INTERNAL_OUTPUT\"").get(random.nextInt(3)));
      }
      case 5 -> {
        kind = "property";
        fact.put("entity", List.of("\"PIPELINE\"", "\"STAGE\"", "\"EXECUTION\"", "\"ARTIFACT\"").get(random.nextInt(4)));
        fact.put("id", randomString(random));
        fact.put("key", randomString(random));
        fact.put("value", randomScalar(random));
      }
      default -> {
        kind = "metric";
        fact.put("executionUuid", randomString(random));
        fact.put("name", randomString(random));
        fact.put("step", Long.toString(random.nextInt(1000)));
        fact.put("value", randomNumber(random));
      }
    }
    final List<Map.Entry<String, String>> fields = new ArrayList<>(fact.entrySet());
    java.util.Collections.shuffle(fields, random);
    final StringBuilder facts = new StringBuilder("{");
    for (int f = 0; f < fields.size(); f++) {
      facts.append(f == 0 ? "" : ",").append(pad(random)).append('"').append(fields.get(f).getKey()).append("\":").append(pad(random)).append(fields.get(f).getValue());
    }
    facts.append('}');
    final List<String> envelope = new ArrayList<>(List.of("\"seq\":" + seq, "\"kind\":\"" + kind + "\""));
    switch (random.nextInt(4)) {
      case 0 -> envelope.add(random.nextInt(envelope.size() + 1), "\"time\":" + (1_795_414_078_432L + random.nextInt(1_000_000)));
      case 1 -> envelope.add(random.nextInt(envelope.size() + 1), "\"time\":\"2026-11-2" + random.nextInt(10) + "T06:00:0" + random.nextInt(10) + "Z\"");
      case 2 -> envelope.add(random.nextInt(envelope.size() + 1), "\"time\":null");
      default -> {
        // no time: the arrival time
      }
    }
    // The fact after the kind, as the reader wants it.
    envelope.add("\"fact\":" + facts);
    return "{" + pad(random) + String.join("," + pad(random), envelope) + pad(random) + "}";
  }

  private static void optional(final Random random, final Map<String, String> fact, final String field, final String value) {
    if (random.nextBoolean()) {
      fact.put(field, value);
    }
  }

  private static String randomMap(final Random random) {
    final StringBuilder map = new StringBuilder("{");
    final int size = random.nextInt(4) == 0 ? random.nextInt(40) : random.nextInt(5);
    final java.util.Set<String> keys = new java.util.HashSet<>();
    while (keys.size() < size) {
      final String key = randomString(random);
      if (keys.add(key)) {
        map.append(keys.size() == 1 ? "" : ",").append(key).append(':').append(randomScalar(random));
      }
    }
    return map.append('}').toString();
  }

  private static String randomString(final Random random) {
    final String[] parts = {"a", "seed", "lr", "é", "🚀", "Z", "_", "key with space", "\u007f", "日本", "", "artifacts/data.csv:236d95"};
    return "\"" + parts[random.nextInt(parts.length)] + (random.nextBoolean() ? "" : Integer.toString(random.nextInt(1000))) + "\"";
  }

  private static String randomScalar(final Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> randomNumber(random);
      case 1 -> Long.toString(random.nextLong());
      case 2 -> random.nextBoolean() ? "true" : "false";
      case 3 -> "null";
      default -> randomString(random);
    };
  }

  private static String randomNumber(final Random random) {
    return switch (random.nextInt(7)) {
      case 0 -> Double.toString(Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1));
      case 1 -> String.format(Locale.ROOT, "%.6f", random.nextDouble());
      case 2 -> random.nextBoolean() ? "NaN" : random.nextBoolean() ? "Infinity" : "-Infinity";
      case 3 -> random.nextInt(100) + "e" + (random.nextInt(40) - 20);
      case 4 -> "-0.0";
      case 5 -> Double.toString(random.nextGaussian());
      default -> "0.1";
    };
  }

  private static String pad(final Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\t";
      case 2 -> "  \r";
      default -> "";
    };
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
