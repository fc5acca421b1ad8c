// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.journal.JournalRecords;
import org.junit.jupiter.api.Test;

/** The codec writes exactly what Avro's own single-object encoder writes. */
class SingleObjectCodecTest {

  private static final BinaryMessageEncoder<JournalRecord> AVRO = new BinaryMessageEncoder<>(SpecificData.getForClass(JournalRecord.class), JournalRecord.getClassSchema());

  @Test
  void shouldWriteTheBytesOfAvrosEncoderForEveryKindAndValue() throws Exception {
    // given
    for (final JournalRecord record : RandomRecords.journal(11, 300)) {
      // when
      final byte[] ours = JournalCodec.instance().encode(record);

      // then
      assertThat(ours).isEqualTo(bytes(AVRO.encode(record)));
      assertThat(JournalCodec.instance().decode(ours).toString()).isEqualTo(record.toString());
    }
  }

  @Test
  void shouldWriteTheBytesOfAvrosEncoderForEntityChanges() throws Exception {
    // given: entity states with every map, array, union and nested record the schema has
    final BinaryMessageEncoder<EntityChange> avro = new BinaryMessageEncoder<>(SpecificData.getForClass(EntityChange.class), EntityChange.getClassSchema());
    for (final EntityChange change : RandomRecords.entityChanges(12, 300)) {
      // when
      final byte[] ours = JournalCodec.entities().encode(change);

      // then
      assertThat(ours).isEqualTo(bytes(avro.encode(change)));
      assertThat(JournalCodec.entities().decode(ours)).isEqualTo(change);
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void shouldTakeAnyNumberForALongAsAvroDoes() throws Exception {
    // given: an int where the schema has a long, as a caller's raw map may hold one
    final BinaryMessageEncoder<EntityChange> avro = new BinaryMessageEncoder<>(SpecificData.getForClass(EntityChange.class), EntityChange.getClassSchema());
    final Map earliest = new HashMap<>();
    earliest.put("created", 42);
    final EntityChange change = EntityChange.newBuilder().setKey("k").setKind("artifact").setEarliest(earliest).build();

    // when, then
    assertThat(JournalCodec.entities().encode(change)).isEqualTo(bytes(avro.encode(change)));
  }

  @Test
  void shouldWriteUtf8ValuesAndNaNsOfAnyBitsAsAvroDoes() throws Exception {
    // given: an Avro Utf8 string and a NaN that is not Java's canonical one, in property maps
    final Map<String, Object> properties = new HashMap<>();
    properties.put("text", new org.apache.avro.util.Utf8("café 🚀"));
    properties.put("nan", Double.longBitsToDouble(0x7ff8_0000_0000_0001L));
    final JournalRecord record = JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u",
        ArtifactFact.newBuilder().setUri("u").setType("t").setName("n").setProperties(properties).build());

    // when, then
    assertThat(JournalCodec.instance().encode(record)).isEqualTo(bytes(AVRO.encode(record)));
  }

  @Test
  void shouldRefuseANullWhereTheSchemaHasNone() {
    final JournalRecord record = JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u", PipelineFact.newBuilder().setName("p").build());
    record.setSite(null);

    assertThatThrownBy(() -> JournalCodec.instance().encode(record)).isInstanceOf(NullPointerException.class).hasMessageContaining("JournalRecord.site");
  }

  @Test
  void shouldEncodeRightAfterARecordItCouldNotEncode() throws Exception {
    // given: a record whose map holds what the schema has no branch for
    final Map<String, Object> wrong = new HashMap<>();
    wrong.put("list", List.of(1));
    final JournalRecord bad = JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u", ArtifactFact.newBuilder().setUri("u").setType("t").setName("n").build());
    ((ArtifactFact) bad.getBody()).setProperties(wrong);
    final JournalRecord good = JournalRecords.of("edge-1", 2L, Instant.EPOCH, "u", PipelineFact.newBuilder().setName("p").build());

    // when
    assertThatThrownBy(() -> JournalCodec.instance().encode(bad)).isInstanceOf(RuntimeException.class);

    // then
    assertThat(JournalCodec.instance().encode(good)).isEqualTo(bytes(AVRO.encode(good)));
  }

  @Test
  void shouldEncodeALargeRecordAndThenASmallOne() throws Exception {
    final JournalRecord large = JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u", PipelineFact.newBuilder().setName("p".repeat(2_000_000)).build());
    final JournalRecord small = JournalRecords.of("edge-1", 2L, Instant.EPOCH, "u", PipelineFact.newBuilder().setName("p").build());

    assertThat(JournalCodec.instance().encode(large)).isEqualTo(bytes(AVRO.encode(large)));
    assertThat(JournalCodec.instance().encode(small)).isEqualTo(bytes(AVRO.encode(small)));
  }

  private static byte[] bytes(final ByteBuffer buffer) {
    final byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
