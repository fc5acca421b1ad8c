// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.time.Instant;
import java.util.List;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.ingest.web.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No unit test of this module initialises the journal codec, so this is Avro's first use here. */
class NativeRecordsTest {

  @Test
  void shouldReadEveryKindWithoutAnyOtherAvroUseBeforeIt() {
    // given: the first Avro use of this JVM is a native upload (a regression: record classes were
    // once made by reflection, which Avro 1.12 refuses for classes not yet trusted)
    final String ndjson =
        "{\"seq\":1,\"kind\":\"execution\",\"fact\":{\"uuid\":\"e1\",\"pipeline\":\"p\",\"stage\":\"p/s\",\"type\":\"T\",\"customProperties\":{\"loss\":NaN,\"n\":3}}}\n"
            + "{\"seq\":2,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e1\",\"artifactUri\":\"a1\",\"direction\":\"OUTPUT\"}}\n"
            + "{\"seq\":3,\"kind\":\"property\",\"fact\":{\"entity\":\"ARTIFACT\",\"id\":\"a1\",\"key\":\"labels\",\"value\":\"x\"}}\n";

    // when
    final List<JournalRecord> records = NativeRecords.read(ndjson.getBytes(StandardCharsets.UTF_8), true, "edge-1", "u", Instant.EPOCH, 10);

    // then
    assertThat(records).hasSize(3);
    assertThat(((ExecutionFact) records.get(0).getBody()).getCustomProperties()).containsEntry("n", 3L);
    assertThat((Double) ((ExecutionFact) records.get(0).getBody()).getCustomProperties().get("loss")).isNaN();
    assertThat(((EventFact) records.get(1).getBody()).getDirection()).isEqualTo(Direction.OUTPUT);
    assertThat(records).extracting(JournalRecord::getSeq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void shouldCountARecordSentTwiceInOneBatchOnce() {
    final String line = "{\"seq\":7,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}";

    final List<JournalRecord> records = NativeRecords.read(("[" + line + "," + line + "]").getBytes(StandardCharsets.UTF_8), false, "edge-1", "u", Instant.EPOCH, 10);

    assertThat(records).hasSize(1);
  }

  /** The bad-input campaign's invalid UTF-8: a lone continuation byte, an overlong '/', a cut-short sequence, a surrogate, 0xFF, beyond U+10FFFF. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"80", "c0af", "c3", "eda080", "ff", "f4908080"})
  void shouldRefuseNdjsonThatIsNotUtf8NamingTheLine(final String hex) {
    // given: a valid first line, then the bad bytes inside a pipeline name on the second
    final byte[] body = concat(bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"ok\"}}\n{\"seq\":2,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p"),
        HexFormat.of().parseHex(hex), bytes("\"}}\n"));

    // when / then: refused, not read with U+FFFD in the name; no record comes back to be published
    assertThatThrownBy(() -> NativeRecords.read(body, true, "edge-1", "u", Instant.EPOCH, 10))
        .isInstanceOfSatisfying(BadInput.class, bad -> {
          assertThat(bad.status()).isEqualTo(400);
          assertThat(bad.type()).isEqualTo("malformed-json");
          assertThat(bad.detail()).contains("line 2").contains("not valid UTF-8").contains("byte 93");
        });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"80", "c0af", "c3", "eda080", "ff", "f4908080"})
  void shouldRefuseAJsonArrayThatIsNotUtf8NamingTheByte(final String hex) {
    // given: Jackson's byte parser alone would read c0af as '/' and f4908080 as two lone surrogates
    final byte[] body = concat(bytes("[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p"), HexFormat.of().parseHex(hex), bytes("\"}}]"));

    // when / then
    assertThatThrownBy(() -> NativeRecords.read(body, false, "edge-1", "u", Instant.EPOCH, 10))
        .isInstanceOfSatisfying(BadInput.class, bad -> {
          assertThat(bad.status()).isEqualTo(400);
          assertThat(bad.type()).isEqualTo("malformed-json");
          assertThat(bad.detail()).contains("not valid UTF-8").contains("byte 45");
        });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"name\":\"p\\u0000\"}", "{\"name\":\"p\",\"customProperties\":{\"note\":\"a\\u0000b\"}}",
      "{\"name\":\"p\\u001fq\"}", "{\"name\":\"LONG\"}"})
  void shouldRefuseTextNoStoreCanHoldNamingTheRecord(final String fact) {
    // given: NUL, which PostgreSQL cannot store, the entity key's separator in a name, and a name longer than PostgreSQL indexes
    final String line = "{\"seq\":2,\"kind\":\"pipeline\",\"fact\":" + fact.replace("LONG", "p".repeat(801)) + "}";

    // when / then: refused as NDJSON and as an array, whichever reader takes the body
    for (final boolean ndjson : new boolean[] {true, false}) {
      final byte[] body = bytes(ndjson ? "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"ok\"}}\n" + line + "\n"
          : "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"ok\"}}," + line + "]");
      assertThat(NativeRecords.readEncoded(body, ndjson, "edge-1", "u", Instant.EPOCH, 10)).isNull();
      assertThatThrownBy(() -> NativeRecords.read(body, ndjson, "edge-1", "u", Instant.EPOCH, 10))
          .isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.type()).isEqualTo("unstorable-text");
            assertThat(bad.detail()).startsWith("record 2 (seq 2): ").containsAnyOf("U+0000", "U+001F", "is 801 bytes long");
          });
    }
  }

  @Test
  void shouldRefuseTooManyRecordsBeforeReadingAnyAndBrokenJsonBeforeCountingThem() {
    // given: three records, the last of them no record at all, with room for two; then the same broken off
    final String three = "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"a\"}},{\"seq\":2,\"kind\":\"pipeline\",\"fact\":{\"name\":\"b\"}},{}]";

    // when / then
    assertThatThrownBy(() -> NativeRecords.read(bytes(three), false, "edge-1", "u", Instant.EPOCH, 2))
        .isInstanceOfSatisfying(BadInput.class, bad -> {
          assertThat(bad.status()).isEqualTo(413);
          assertThat(bad.detail()).isEqualTo("the upload holds 3 records; the limit is 2");
        });
    assertThatThrownBy(() -> NativeRecords.read(bytes(three.substring(0, three.length() - 3)), false, "edge-1", "u", Instant.EPOCH, 2))
        .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.type()).isEqualTo("malformed-json"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"[{}, ", "{\"seq\":1", "[1] [2]", "{\"a\":1} x", ""})
  void shouldRefuseBrokenJsonArraysAsMalformed(final String text) {
    assertThatThrownBy(() -> NativeRecords.read(bytes(text), false, "edge-1", "u", Instant.EPOCH, 10))
        .isInstanceOfSatisfying(BadInput.class, bad -> {
          assertThat(bad.status()).isEqualTo(400);
          assertThat(bad.type()).isIn("malformed-json", "invalid-record", "invalid-seq");
        });
  }

  @Test
  void shouldKeepWellFormedNonAsciiNamesExactly() {
    // given
    final String name = "café 🚀 \u07ff";

    // when
    final List<JournalRecord> ndjson = NativeRecords.read(bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"" + name + "\"}}\n"), true, "edge-1", "u", Instant.EPOCH, 10);
    final List<JournalRecord> array = NativeRecords.read(bytes("[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"" + name + "\"}}]"), false, "edge-1", "u", Instant.EPOCH, 10);

    // then
    assertThat(((PipelineFact) ndjson.get(0).getBody()).getName()).isEqualTo(name);
    assertThat(((PipelineFact) array.get(0).getBody()).getName()).isEqualTo(name);
  }

  @Test
  void shouldReadKeysThatCollideInAHashTableAndLeaveOtherUploadsAlone() {
    // given: 512 map keys of two-character blocks that share one hash in a text parser's table of
    // field names (jackson-core#547: such a table refused the upload, then failed others' with an
    // internal error), in NDJSON, whose tree path parses each line as text
    final StringBuilder map = new StringBuilder();
    for (int i = 0; i < 512; i++) {
      final StringBuilder key = new StringBuilder();
      for (int block = 0; block < 9; block++) {
        key.append((i >> block & 1) == 0 ? "aB" : "b!");
      }
      map.append(i == 0 ? "" : ",").append('"').append(key).append("\":0");
    }
    final byte[] colliding = bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{" + map + "}}}\n");
    final byte[] plain = bytes("{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\",\"customProperties\":{\"seed\":1,\"lr\":0.1}}}\n");

    // when
    final List<JournalRecord> tree = NativeRecords.readTree(colliding, true, "edge-1", "u", Instant.EPOCH, 10);
    final List<JournalRecord> read = NativeRecords.read(colliding, true, "edge-1", "u", Instant.EPOCH, 10);

    // then: the keys are read as any others, and uploads after them still read
    assertThat(((PipelineFact) tree.get(0).getBody()).getCustomProperties()).hasSize(512);
    assertThat(read).extracting(JournalRecord::getContentHash).isEqualTo(tree.stream().map(JournalRecord::getContentHash).toList());
    for (int i = 0; i < 200; i++) {
      final byte[] other = bytes(new String(plain, StandardCharsets.UTF_8).replace("\"seed\"", "\"seed" + i + "\""));
      assertThat(NativeRecords.readTree(other, true, "edge-1", "u", Instant.EPOCH, 10)).hasSize(1);
    }
  }

  private static byte[] bytes(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(final byte[]... parts) {
    int n = 0;
    for (final byte[] p : parts) {
      n += p.length;
    }
    final byte[] out = new byte[n];
    int at = 0;
    for (final byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
