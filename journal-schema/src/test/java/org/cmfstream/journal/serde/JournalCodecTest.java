// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.journal.JournalRecords;
import org.junit.jupiter.api.Test;

class JournalCodecTest {

  private final JournalCodec codec = JournalCodec.instance();

  @Test
  void shouldRoundTripARecordWithEveryKindOfPropertyValue() {
    // given
    final ArtifactFact artifact =
        ArtifactFact.newBuilder()
            .setUri("236d9502e0283d91f689d7038b8508a2")
            .setType("Dataset")
            .setName("artifacts/data.xml.gz:236d9502e0283d91f689d7038b8508a2")
            .setProperties(Map.of("url", "Test-env:/repo/files/md5/23/6d9502e0283d91f689d7038b8508a2"))
            .setCustomProperties(new java.util.HashMap<>(Map.of("seed", 20170428L, "loss", Double.NaN, "ok", true, "label", "café")))
            .build();
    artifact.getCustomProperties().put("empty", null);
    final JournalRecord record = JournalRecords.of("edge-1", 42L, Instant.ofEpochMilli(1698650998240L), "u-1", artifact);

    // when
    final JournalRecord decoded = codec.decode(codec.encode(record));

    // then
    assertThat(decoded).isEqualTo(record);
    assertThat(decoded.getContentHash()).isEqualTo(JournalRecords.hashOf(artifact).hex());
    assertThat(((ArtifactFact) decoded.getBody()).getCustomProperties()).containsEntry("empty", null).containsEntry("ok", true);
  }

  @Test
  void shouldWriteTheSingleObjectHeaderWithTheSchemaFingerprint() {
    final JournalRecord record =
        JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u-1", MetricPoint.newBuilder().setExecutionUuid("e").setName("loss").setStep(0).setValue(1.5).build());

    final byte[] bytes = codec.encode(record);

    assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly(0xC3, 0x01);
    final long fingerprint = SchemaNormalization.parsingFingerprint64(JournalRecord.getClassSchema());
    final byte[] expected = new byte[8];
    for (int i = 0; i < 8; i++) {
      expected[i] = (byte) (fingerprint >>> (8 * i)); // little-endian
    }
    assertThat(Arrays.copyOfRange(bytes, 2, 10)).isEqualTo(expected);
  }

  @Test
  void shouldRejectBytesThatAreNotAJournalRecord() {
    assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3})).isInstanceOf(JournalDecodingException.class);
    final byte[] unknownSchema = new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
    assertThatThrownBy(() -> codec.decode(unknownSchema))
        .isInstanceOf(JournalDecodingException.class)
        .hasMessageContaining("schema");
  }

  @Test
  void shouldPassTombstonesThroughTheKafkaSerde() {
    final JournalSerde serde = new JournalSerde();
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }
}
