// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.junit.jupiter.api.Test;

/** The codec's reader makes exactly the values Avro's own decoder makes, class for class, and refuses what Avro refuses. */
class DirectReaderTest {

  private static final BinaryMessageDecoder<JournalRecord> AVRO_JOURNAL =
      new BinaryMessageDecoder<>(SpecificData.getForClass(JournalRecord.class), JournalRecord.getClassSchema());
  private static final BinaryMessageDecoder<EntityChange> AVRO_ENTITIES =
      new BinaryMessageDecoder<>(SpecificData.getForClass(EntityChange.class), EntityChange.getClassSchema());

  @Test
  void shouldReadTheValuesOfAvrosDecoderForEveryKindOfRecord() throws Exception {
    for (final JournalRecord record : RandomRecords.journal(21, 300)) {
      // given
      final byte[] bytes = JournalCodec.instance().encode(record);

      // when
      final JournalRecord ours = JournalCodec.instance().decode(bytes);

      // then
      // (by shape alone: Avro's equals() holds no record with a NaN metric equal, not even to itself)
      assertThat(shape(ours)).isEqualTo(shape(AVRO_JOURNAL.decode(bytes)));
    }
  }

  @Test
  void shouldReadTheValuesOfAvrosDecoderForEntityChanges() throws Exception {
    for (final EntityChange change : RandomRecords.entityChanges(22, 300)) {
      // given
      final byte[] bytes = JournalCodec.entities().encode(change);

      // when
      final EntityChange ours = JournalCodec.entities().decode(bytes);

      // then
      final EntityChange avro = AVRO_ENTITIES.decode(bytes);
      assertThat(ours).isEqualTo(avro);
      assertThat(shape(ours)).isEqualTo(shape(avro));
    }
  }

  @Test
  void shouldReadMapsAndArraysWrittenInBlocksWithTheirSizes() throws Exception {
    for (final EntityChange change : RandomRecords.entityChanges(23, 50)) {
      // given: Avro's blocking encoder, which writes a negative item count followed by the block's size
      final ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(header(JournalCodec.entities().encode(change)));
      final BinaryEncoder blocking = EncoderFactory.get().blockingBinaryEncoder(body, null);
      new SpecificDatumWriter<EntityChange>(EntityChange.getClassSchema()).write(change, blocking);
      blocking.flush();

      // when
      final EntityChange ours = JournalCodec.entities().decode(body.toByteArray());

      // then
      final EntityChange avro = AVRO_ENTITIES.decode(body.toByteArray());
      assertThat(ours).isEqualTo(avro).isEqualTo(change);
      assertThat(shape(ours)).isEqualTo(shape(avro));
    }
  }

  @Test
  void shouldRefuseEveryRecordCutShort() {
    for (final JournalRecord record : RandomRecords.journal(24, 30)) {
      final byte[] bytes = JournalCodec.instance().encode(record);
      for (int length = 10; length < bytes.length; length++) {
        final byte[] cut = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> JournalCodec.instance().decode(cut)).isInstanceOf(JournalDecodingException.class).hasMessageContaining("JournalRecord");
      }
    }
  }

  @Test
  void shouldRefuseAUnionBranchTheSchemaDoesNotHave() {
    // given: an entity change whose barrier union (null or a mark, the last field) says branch 5
    final EntityChange change = RandomRecords.entityChanges(25, 1).get(0);
    change.setBarrier(null);
    final byte[] bytes = JournalCodec.entities().encode(change);
    bytes[bytes.length - 1] = 10;

    // when, then
    assertThatThrownBy(() -> JournalCodec.entities().decode(bytes)).isInstanceOf(JournalDecodingException.class).hasMessageContaining("no union branch 5");
  }

  @Test
  void shouldLeaveBytesOfAnUnknownSchemaToAvrosDecoder() {
    // given: a fingerprint no released schema has
    final byte[] bytes = JournalCodec.instance().encode(RandomRecords.journal(26, 1).get(0));
    bytes[5] ^= 0x55;

    // when, then
    assertThatThrownBy(() -> JournalCodec.instance().decode(bytes)).isInstanceOf(JournalDecodingException.class).hasMessageContaining("schema this version does not know");
  }

  private static byte[] header(final byte[] encoded) {
    return Arrays.copyOf(encoded, 10);
  }

  /**
   * A value's parts with their classes and texts, so that a String read as a Utf8 (which equals()
   * may forgive) shows; a double's text is exact.
   */
  private static String shape(final Object value) {
    if (value instanceof IndexedRecord r) {
      final StringBuilder out = new StringBuilder(r.getClass().getName()).append('{');
      for (int i = 0; i < r.getSchema().getFields().size(); i++) {
        out.append(shape(r.get(i))).append(';');
      }
      return out.append('}').toString();
    }
    if (value instanceof Map<?, ?> m) {
      return m.getClass().getName() + m.entrySet().stream().map(e -> shape(e.getKey()) + "=" + shape(e.getValue())).sorted().collect(Collectors.joining(",", "{", "}"));
    }
    if (value instanceof Collection<?> c) {
      return c.getClass().getName() + c.stream().map(DirectReaderTest::shape).collect(Collectors.joining(",", "[", "]"));
    }
    return value == null ? "null" : value.getClass().getName() + ":" + value;
  }
}
