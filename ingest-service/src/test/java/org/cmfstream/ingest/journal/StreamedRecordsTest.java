// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.serde.JournalCodec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The streaming pass gives the very records of the tree path (the same Avro bytes: every field,
 * the content hash, the order of map entries), or steps aside so the tree path answers.
 */
class StreamedRecordsTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-01T04:00:00Z");
  private static final int MAX = 50;

  private static final String PIPELINE = "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}";
  private static final String EVENT = "{\"seq\":2,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e\",\"artifactUri\":\"a\",\"direction\":\"INPUT\"}}";

  /** Records each tree-path test has to agree on: every kind and every kind of value. */
  private static final List<String> VALID =
      List.of(
          PIPELINE,
          "{\"seq\":3,\"time\":\"2026-11-23T06:00:00Z\",\"kind\":\"stage\",\"fact\":{\"pipeline\":\"p\",\"name\":\"p/s\",\"createTime\":17}}",
          "{\"kind\":\"execution\",\"seq\":4,\"time\":1795414078432,\"fact\":{\"uuid\":\"u\",\"pipeline\":\"p\",\"stage\":\"p/s\",\"type\":\"T\","
              + "\"customProperties\":{\"nan\":NaN,\"inf\":Infinity,\"minf\":-Infinity,\"big\":9223372036854775807,\"small\":-9223372036854775808,"
              + "\"neg0\":-0.0,\"tiny\":4.9e-324,\"huge\":1.7976931348623157e308,\"over\":1e400,\"lr\":0.001,\"sci\":1E-7,\"t\":true,\"f\":false,\"n\":null,"
              + "\"s\":\"x\",\"esc\":\"a\\\"b\\\\c\\n\\u0001\\ud83d\\ude80\\ud800\"},\"properties\":{},\"name\":\"\",\"createTime\":null}}",
          "{\"seq\":5,\"time\":null,\"kind\":\"artifact\",\"fact\":{\"uri\":\"236d9502e0283d91f689d7038b8508a2\",\"type\":\"Dataset\",\"name\":\"café 🚀 ü\","
              + "\"properties\":{\"url\":\"r:/files/md5/23/6d\",\"Commit\":\"c\",\"é\":\"\\u00e9\",\"𝄞\":1}}}",
          EVENT,
          "{\"seq\":6,\"kind\":\"property\",\"fact\":{\"entity\":\"ARTIFACT\",\"id\":\"a\",\"key\":\"labels\",\"value\":12.5}}",
          "{\"seq\":7,\"kind\":\"property\",\"fact\":{\"entity\":\"EXECUTION\",\"id\":\"e\",\"key\":\"k\",\"value\":null}}",
          "{\"seq\":8,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"loss\",\"step\":0,\"value\":NaN}}",
          "{\"seq\":9,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":1,\"value\":12345678901234567890123}}",
          "{\"seq\":10,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":2,\"value\":9007199254740993}}",
          "{\"seq\":11,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"acc\",\"step\":3,\"value\":0.30000000000000004441}}");

  @Nested
  class WhenTheUploadIsValid {

    @Test
    void shouldReadNdjsonExactlyLikeTheTree() {
      assertSameAsTree(String.join("\n", VALID) + "\n", true);
    }

    @Test
    void shouldReadAJsonArrayExactlyLikeTheTree() {
      assertSameAsTree("[" + String.join(",\n", VALID) + "]", false);
    }

    @Test
    void shouldToleratePaddingAndEmptyLinesLikeTheTree() {
      assertSameAsTree("\n  " + PIPELINE + " \r\n\r\n\t" + EVENT + "\t\r\n\n", true);
      assertSameAsTree(" \n[ " + PIPELINE + " ,\n " + EVENT + " ]\n ", false);
    }

    @Test
    void shouldCountTheSameFactsUnderOneSeqOnce() {
      assertSameAsTree(PIPELINE + "\n" + PIPELINE + "\n" + EVENT, true);
    }

    @Test
    void shouldReadManyGeneratedPropertyMapsExactlyLikeTheTree() {
      // given: maps of every size (HashMap iteration order depends on it) and random scalars
      final Random random = new Random(3);
      final StringBuilder ndjson = new StringBuilder();
      for (int seq = 0; seq < MAX; seq++) {
        final StringBuilder properties = new StringBuilder("{");
        for (int k = 0; k < seq; k++) {
          properties.append(k == 0 ? "" : ",").append('"').append(randomKey(random)).append("\":").append(randomScalar(random));
        }
        properties.append('}');
        ndjson.append("{\"seq\":").append(seq).append(",\"kind\":\"artifact\",\"fact\":{\"uri\":\"u").append(seq)
            .append("\",\"type\":\"Dataset\",\"name\":\"n\",\"customProperties\":").append(properties).append("}}\n");
      }
      // when, then
      assertSameAsTree(ndjson.toString(), true);
    }
  }

  @Nested
  class WhenTheStreamingPassIsNotSure {

    @Test
    void shouldLeaveEveryErrorToTheTree() {
      final List<String> bad =
          List.of(
              "",
              "\n\n",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}",
              "{\"seq\":-1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1.0,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":99999999999999999999,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"pipe\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"extra\":1}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"},\"other\":1}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":7}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":[1]}}}",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":99999999999999999999}}}",
              "{\"seq\":1,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e\",\"artifactUri\":\"a\",\"direction\":\"SIDEWAYS\"}}",
              "{\"seq\":1,\"time\":\"yesterday\",\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"time\":-5,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"time\":true,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "{\"seq\":1,\"kind\":\"metric\",\"fact\":{\"executionUuid\":\"e\",\"name\":\"m\",\"step\":1,\"value\":\"1\"}}",
              "[" + PIPELINE + "]",
              PIPELINE + " " + EVENT,
              PIPELINE + "\n{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"q\"}}",
              "{\"seq\":1,\n\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}",
              "\"text\"",
              "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}} x");
      for (final String body : bad) {
        assertTreeAnswers(body, true);
      }
      assertTreeAnswers("{" + PIPELINE.substring(1), false);
      assertTreeAnswers("[" + PIPELINE + "] []", false);
      assertTreeAnswers("[" + PIPELINE + ",1]", false);
      assertTreeAnswers("[]", false);
    }

    @Test
    void shouldLeaveWhatTheTreeResolvesDifferentlyToTheTree() {
      // Repeated keys (the tree keeps the last), fact before kind, a byte order mark, Unicode
      // padding that strip() removes, invalid UTF-8 (which the tree refuses, as a 400).
      final byte[] invalidUtf8 = concat("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28},
          "\"}}".getBytes(StandardCharsets.UTF_8));
      final byte[] surrogateUtf8 = concat("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"".getBytes(StandardCharsets.UTF_8),
          new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}}".getBytes(StandardCharsets.UTF_8));
      final List<byte[]> unsure =
          List.of(
              bytes("{\"seq\":1,\"seq\":2,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}"),
              bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"name\":\"q\"}}"),
              bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"a\":1,\"a\":2}}}"),
              bytes("{\"seq\":1,\"fact\":{\"name\":\"p\"},\"kind\":\"pipeline\"}"),
              bytes("\ufeff" + PIPELINE),
              bytes(PIPELINE + "\u2003"),
              invalidUtf8,
              surrogateUtf8);
      for (final byte[] body : unsure) {
        assertThat(StreamedRecords.read(body, true, "edge-1", "u", RECEIVED, MAX)).as(new String(body, StandardCharsets.UTF_8)).isNull();
        assertSameAnswer(body, true);
      }
    }

    @Test
    void shouldLeaveTooManyRecordsToTheTree() {
      assertTreeAnswers(PIPELINE + "\n" + EVENT, true, 1);
      assertTreeAnswers("[" + PIPELINE + "," + EVENT + "]", false, 1);
    }
  }

  @Test
  void shouldTellWellFormedUtf8() {
    assertThat(StreamedRecords.wellFormedUtf8(bytes("café 🚀 \u07ff \uffff \udbff\udfff"))).isTrue();
    assertThat(StreamedRecords.wellFormedUtf8(new byte[] {(byte) 0xC0, (byte) 0x80})).as("overlong").isFalse();
    assertThat(StreamedRecords.wellFormedUtf8(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80})).as("overlong").isFalse();
    assertThat(StreamedRecords.wellFormedUtf8(new byte[] {(byte) 0xED, (byte) 0xB0, (byte) 0x80})).as("surrogate").isFalse();
    assertThat(StreamedRecords.wellFormedUtf8(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("above U+10FFFF").isFalse();
    assertThat(StreamedRecords.wellFormedUtf8(new byte[] {(byte) 0xE2, (byte) 0x82})).as("cut short").isFalse();
    assertThat(StreamedRecords.wellFormedUtf8(new byte[] {'a', 0})).as("NUL").isFalse();
  }

  private static void assertSameAsTree(final String body, final boolean ndjson) {
    final byte[] bytes = bytes(body);
    final List<JournalRecord> tree = NativeRecords.readTree(bytes, ndjson, "edge-1", "u", RECEIVED, MAX);

    final List<JournalRecord> streamed = StreamedRecords.read(bytes, ndjson, "edge-1", "u", RECEIVED, MAX);

    assertThat(streamed).as("the streaming pass takes this upload").isNotNull();
    // The Avro bytes hold every field, the hash included, and the order of map entries; equals
    // would not do, as Avro's record equality holds a NaN field unequal to itself.
    assertThat(encoded(streamed)).containsExactlyElementsOf(encoded(tree));
    assertThat(encoded(NativeRecords.read(bytes, ndjson, "edge-1", "u", RECEIVED, MAX))).containsExactlyElementsOf(encoded(tree));
  }

  private static void assertTreeAnswers(final String body, final boolean ndjson) {
    assertTreeAnswers(body, ndjson, MAX);
  }

  private static void assertTreeAnswers(final String body, final boolean ndjson, final int max) {
    assertThat(StreamedRecords.read(bytes(body), ndjson, "edge-1", "u", RECEIVED, max)).as(body).isNull();
    final BadInput tree = catchThrowableOfType(BadInput.class, () -> NativeRecords.readTree(bytes(body), ndjson, "edge-1", "u", RECEIVED, max));
    final BadInput answer = catchThrowableOfType(BadInput.class, () -> NativeRecords.read(bytes(body), ndjson, "edge-1", "u", RECEIVED, max));
    assertThat(tree).as(body).isNotNull();
    assertThat(answer).as(body).isNotNull();
    assertThat(answer.status()).isEqualTo(tree.status());
    assertThat(answer.type()).isEqualTo(tree.type());
    assertThat(answer.detail()).isEqualTo(tree.detail());
  }

  /** read answers as readTree does, records or error. */
  private static void assertSameAnswer(final byte[] body, final boolean ndjson) {
    List<JournalRecord> tree = null;
    BadInput treeError = null;
    try {
      tree = NativeRecords.readTree(body, ndjson, "edge-1", "u", RECEIVED, MAX);
    } catch (BadInput e) {
      treeError = e;
    }
    if (treeError == null) {
      assertThat(encoded(NativeRecords.read(body, ndjson, "edge-1", "u", RECEIVED, MAX))).containsExactlyElementsOf(encoded(tree));
    } else {
      final BadInput answer = catchThrowableOfType(BadInput.class, () -> NativeRecords.read(body, ndjson, "edge-1", "u", RECEIVED, MAX));
      assertThat(answer.detail()).isEqualTo(treeError.detail());
    }
  }

  private static List<byte[]> encoded(final List<JournalRecord> records) {
    final List<byte[]> out = new ArrayList<>();
    records.forEach(r -> out.add(JournalCodec.instance().encode(r)));
    return out;
  }

  private static String randomKey(final Random random) {
    final String[] parts = {"a", "seed", "lr", "é", "🚀", "Z", "_", "key with space", "\\\"q\\\"", "\\u0001"};
    return parts[random.nextInt(parts.length)] + random.nextInt(1000);
  }

  private static String randomScalar(final Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> Long.toString(random.nextLong());
      case 1 -> Integer.toString(random.nextInt(100));
      case 2 -> Double.toString(Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1));
      case 3 -> String.format(Locale.ROOT, "%.6f", random.nextDouble());
      case 4 -> random.nextBoolean() ? "true" : "false";
      case 5 -> "null";
      case 6 -> random.nextBoolean() ? "NaN" : "-Infinity";
      case 7 -> "\"v" + random.nextInt() + "\"";
      default -> "\"ü\\t" + (char) ('a' + random.nextInt(26)) + "\"";
    };
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(final byte[]... parts) {
    final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (final byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
