// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PropertyChange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The hashing path writes the very bytes of the canonical text, whatever the value. */
class CanonicalBytesTest {

  @Nested
  class Scalars {

    @Test
    void shouldWriteEveryDoubleAsItsExactDecimalLikeBigDecimal() {
      // given: the edges, then random bit patterns (every exponent, subnormals included)
      final List<Double> doubles =
          new ArrayList<>(List.of(0.001, 0.1, 0.5, 1.0, -1.0, 1e21, 1e22, 1e23, 9007199254740993.0, 0x1p63, -0x1p63, 0x1p62, 0x1p64, Double.MIN_VALUE,
              -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 123456.789, 0.9551, 1.5e-300, 3.0, 4.9e-324));
      final Random random = new Random(42);
      for (int i = 0; i < 20_000; i++) {
        final double d = Double.longBitsToDouble(random.nextLong());
        if (Double.isFinite(d) && d != 0) {
          doubles.add(d);
        }
        // and the magnitudes of real properties and metrics, whose fractions take the long path
        doubles.add((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 30));
      }
      for (final double d : doubles) {
        // when, then
        assertThat(CanonicalBytes.exactDecimal(d)).as("%s", d).isEqualTo(new BigDecimal(d).stripTrailingZeros().toPlainString());
      }
    }

    @Test
    void shouldWriteNumbersStringsAndScalarsAsTheText() {
      final List<Object> values =
          List.of(0L, 1, (short) -2, (byte) 3, Long.MIN_VALUE, Long.MAX_VALUE, new BigInteger("-123456789012345678901234567890"), 0.0, -0.0, 0.0f, Double.NaN,
              Double.longBitsToDouble(0x7ff8000000000001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1f, 1e21, -2.5, new BigDecimal("0.00"),
              new BigDecimal("-12.3400"), new BigDecimal("1E+5"), true, false, "", "plain", "café 🚀", "\"quoted\\\"", "\u0000\u001f\u007f\u0080\u07ff\u0800\uffff",
              "lone \ud800 high", "lone \udc00 low", "pair \ud83d\ude80 and reversed \ude80\ud83d", "\ud800", "end \ud83d", new Utf8("utf8 ü"),
              Direction.OUTPUT, new GenericData.EnumSymbol(Direction.getClassSchema(), "INPUT"), Instant.ofEpochMilli(1795414078432L));
      for (final Object value : values) {
        assertSameAsText(value);
      }
    }

    @Test
    void shouldFindTheFirstEscapedByteWhereverItIs() {
      // given: runs of plain bytes (those next to the escaped ones among them) of every length,
      // from every offset, then an escaped byte at every position, or none; and random bytes
      final byte[] plain = {0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7e, (byte) 0x80, (byte) 0x9f, (byte) 0xa2, (byte) 0xdc, (byte) 0xff, 'a'};
      final byte[] escaped = {0x00, 0x01, 0x1f, '"', '\\', 0x7f};
      final Random random = new Random(7);
      for (int length = 0; length < 40; length++) {
        for (int from = 0; from < 9; from++) {
          final byte[] b = new byte[from + length + 3];
          for (int k = 0; k < b.length; k++) {
            b[k] = plain[random.nextInt(plain.length)];
          }
          assertThat(CanonicalBytes.firstEscaped(b, from, from + length)).isEqualTo(from + length);
          for (int at = from; at < from + length; at++) {
            final byte[] with = b.clone();
            with[at] = escaped[random.nextInt(escaped.length)];
            if (random.nextBoolean() && at + 1 < with.length) {
              with[at + 1 + random.nextInt(with.length - at - 1)] = escaped[random.nextInt(escaped.length)];
            }
            // when, then
            assertThat(CanonicalBytes.firstEscaped(with, from, from + length)).as("length %d from %d at %d", length, from, at).isEqualTo(at);
          }
        }
      }
      for (int i = 0; i < 10_000; i++) {
        final byte[] b = new byte[random.nextInt(30)];
        random.nextBytes(b);
        assertThat(CanonicalBytes.firstEscaped(b, 0, b.length)).isEqualTo(firstEscapedByteByByte(b));
      }
    }

    @Test
    void shouldWriteAPlainStringQuotedAsTheEscapingWriterDoes() {
      // given: strings with no byte the canonical form escapes, ASCII and multi-byte, from an offset
      final String[] plain = {"", "a", "executionUuid", "artifacts/data.csv:236d95", "é 日本 🚀", "x".repeat(300)};
      for (final String s : plain) {
        final byte[] utf8 = ("[" + s + "]").getBytes(StandardCharsets.UTF_8);
        final CanonicalBytes quoted = new CanonicalBytes();
        final CanonicalBytes escaping = new CanonicalBytes();
        // when
        quoted.writeQuoted(utf8, 1, utf8.length - 2);
        escaping.writeUtf8(utf8, 1, utf8.length - 2);
        // then
        assertThat(quoted.toByteArray()).as(s).isEqualTo(escaping.toByteArray()).startsWith('"').endsWith('"');
      }
    }

    @Test
    void shouldWriteRandomStringsAsTheTextWhateverTheirCharacters() {
      // given: strings mixing ASCII (escapes among them), Latin-1, the BMP, pairs and lone surrogates
      final Random random = new Random(20261202L);
      final char[] pool = {'a', 'Z', '0', ' ', '"', '\\', '/', '\u0000', '\n', '\u001f', '\u007f', '\u0080', '\u00e9', '\u00ff', '\u0100', '\u07ff', '\u0800',
          '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\uffff'};
      for (int i = 0; i < 5_000; i++) {
        final StringBuilder s = new StringBuilder();
        final int length = random.nextInt(40);
        for (int k = 0; k < length; k++) {
          s.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : pool[random.nextInt(pool.length)]);
        }
        // when, then
        assertSameAsText(s.toString());
      }
    }
  }

  @Nested
  class Containers {

    @Test
    void shouldSortMapKeysByCodePointsAtEverySize() {
      // given: maps small enough for the insertion sort and larger, with keys UTF-16 would misorder
      final Random random = new Random(7);
      final String[] stems = {"a", "B", "é", "\ufffd", "\ud83d\ude80", "", "a\u0000", "ab", "\uff41", "z"};
      for (int size = 0; size < 40; size++) {
        final Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < size; i++) {
          map.put(stems[random.nextInt(stems.length)] + random.nextInt(50), random.nextBoolean() ? random.nextLong() : null);
        }
        // when, then
        assertSameAsText(map);
      }
    }

    @Test
    void shouldKeepTheOrderOfKeysThatReadAlike() {
      // A String and a Utf8 key with the same text are two entries; the text keeps their order.
      final Map<Object, Object> map = new LinkedHashMap<>();
      map.put("k", 1L);
      map.put(new Utf8("k"), 2L);
      map.put("a", 3L);
      assertSameAsText(map);
      final Map<Object, Object> big = new LinkedHashMap<>();
      for (int i = 0; i < 20; i++) {
        big.put(Integer.toString(i % 10), i);
        big.put(new Utf8(Integer.toString(i % 10)), -i);
      }
      assertSameAsText(big);
    }

    @Test
    void shouldWriteNestedSetsListsArraysAndMapsAsTheText() {
      final Map<String, Object> nested = new HashMap<>();
      nested.put("set", new LinkedHashSet<>(List.of("b", 2L, "a", List.of(1, 2), Map.of("x", "\ud800"))));
      nested.put("list", List.of(Map.of("k", List.of()), new LinkedHashSet<>(), 0.25));
      nested.put("array", new Object[] {"x", null, new Object[] {1.5f}});
      nested.put("map", Map.of("inner", Map.of("deeper", Map.of("é", Double.NaN))));
      nested.put("null", null);
      assertSameAsText(nested);
      assertSameAsText(List.of(nested, nested));
    }
  }

  @Nested
  class Records {

    @Test
    void shouldWriteEveryFactRecordAsTheText() {
      final Map<String, Object> custom = new HashMap<>(Map.of("seed", 7L, "loss", Double.NaN, "ok", true, "name", "café 🚀", "lr", 0.001));
      custom.put("none", null);
      final List<IndexedRecord> records =
          List.of(
              ArtifactFact.newBuilder().setUri("u").setType("Dataset").setName("n").setCustomProperties(custom).setCreateTime(5L).build(),
              ExecutionFact.newBuilder().setUuid("e").setPipeline("p").setStage("p/s").setType("T").setProperties(custom).build(),
              EventFact.newBuilder().setExecutionUuid("e").setArtifactUri("a").setDirection(Direction.OUTPUT).build(),
              PropertyChange.newBuilder().setEntity(EntityKind.ARTIFACT).setId("a").setKey("labels").setValue(-0.0).build(),
              MetricPoint.newBuilder().setExecutionUuid("e").setName("loss").setStep(3).setValue(Double.NEGATIVE_INFINITY).build());
      for (final IndexedRecord record : records) {
        // with a kind, as the content hash writes them, and without, as values nested in others
        final String kind = record.getSchema().getName();
        final CanonicalBytes out = new CanonicalBytes();
        out.writeRecord(kind, record);
        assertThat(new String(out.toByteArray(), StandardCharsets.UTF_8)).isEqualTo(CanonicalForm.record(kind, record));
        assertThat(ContentHash.ofRecord(kind, record).hex()).isEqualTo(sha256(CanonicalForm.record(kind, record).getBytes(StandardCharsets.UTF_8)));
        assertSameAsText(record);
        assertSameAsText(Map.of("nested", record));
      }
    }
  }

  @Test
  void shouldRefuseWhatTheTextRefuses() {
    assertThatThrownBy(() -> ContentHash.of(new Object())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no canonical form");
    assertThatThrownBy(() -> ContentHash.of(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class).hasMessage("map keys must be strings, got 1");
    assertThatThrownBy(() -> ContentHash.of(new java.util.concurrent.atomic.AtomicLong(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("number type");
    // and a failure leaves nothing behind for the next hash on the thread
    assertThat(ContentHash.of(Map.of()).hex()).isEqualTo(GoldenHashes.EMPTY_MAP);
  }

  @Test
  void shouldNotKeepAHugeBufferAfterAHugeValue() {
    final String huge = "x".repeat(200_000);

    assertThat(ContentHash.of(huge).hex()).isEqualTo(sha256(CanonicalForm.bytes(huge)));
    assertThat(ContentHash.of("café 🚀").hex()).isEqualTo(GoldenHashes.UNICODE);
  }

  private static void assertSameAsText(final Object value) {
    final CanonicalBytes out = new CanonicalBytes();
    out.write(value);
    assertThat(out.toByteArray()).as("%s", value).isEqualTo(CanonicalForm.bytes(value));
    assertThat(ContentHash.of(value).hex()).isEqualTo(sha256(CanonicalForm.bytes(value)));
  }

  private static String sha256(final byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static int firstEscapedByteByByte(final byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] >= 0 && b[i] < 0x20 || b[i] == '"' || b[i] == '\\' || b[i] == 0x7f) {
        return i;
      }
    }
    return b.length;
  }
}
