// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.BarrierMark;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.avro.StageFact;
import org.cmfstream.avro.StampedValue;
import org.cmfstream.journal.JournalRecords;
import org.junit.jupiter.api.Test;

/** The codec writes exactly what Avro's own single-object encoder writes. */
class SingleObjectCodecTest {

  private static final BinaryMessageEncoder<JournalRecord> AVRO = new BinaryMessageEncoder<>(SpecificData.getForClass(JournalRecord.class), JournalRecord.getClassSchema());

  @Test
  void shouldWriteTheBytesOfAvrosEncoderForEveryKindAndValue() throws Exception {
    // given
    final List<JournalRecord> records = new ArrayList<>();
    final Random random = new Random(11);
    for (int i = 0; i < 300; i++) {
      records.add(JournalRecords.of("edge-" + i % 3, i % 5 == 0 ? null : (long) i, Instant.ofEpochMilli(1795414078432L + i), "upload-" + i, body(i, random)));
    }
    records.add(JournalRecords.of("cmf.x", null, Instant.EPOCH, "u", BatchBarrier.newBuilder().setRecords(300).build()));

    for (final JournalRecord record : records) {
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
    final Random random = new Random(12);
    for (int i = 0; i < 300; i++) {
      final Map<String, List<Object>> facts = new HashMap<>();
      final Map<String, StampedValue> properties = new HashMap<>();
      final Map<String, List<String>> sets = new HashMap<>();
      final Map<String, Long> earliest = new HashMap<>();
      for (int k = random.nextInt(6); k > 0; k--) {
        final List<Object> values = new ArrayList<>();
        for (int v = random.nextInt(3); v >= 0; v--) {
          values.add(scalar(random));
        }
        facts.put("f" + k, values);
        properties.put("p" + k + "é", StampedValue.newBuilder().setValue(scalar(random)).setEventTime(random.nextLong()).setSite("s")
            .setSeq(random.nextInt(Integer.MAX_VALUE)).setHash("h" + k).build());
        sets.put("s" + k, random.nextBoolean() ? List.of() : List.of("a", "b🚀"));
        earliest.put("e" + k, -random.nextLong());
      }
      final BarrierMark barrier = random.nextBoolean() ? null
          : BarrierMark.newBuilder().setUpload("u" + i).setSite("s").setPartition(random.nextInt(64) - 2).setPartitions(64)
              .setRecords(random.nextLong()).setFresh(i).setDuplicates(-i).setConflicts(0).build();
      final EntityChange change = EntityChange.newBuilder().setKey("artifact/" + i).setKind("artifact").setFacts(facts).setProperties(properties)
          .setSets(sets).setEarliest(earliest).setBarrier(barrier).build();

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

  private static SpecificRecordBase body(final int i, final Random random) {
    return switch (i % 7) {
      case 0 -> PipelineFact.newBuilder().setName("p" + i).setCustomProperties(properties(random)).build();
      case 1 -> StageFact.newBuilder().setPipeline("p").setName("p/s" + i).setCreateTime(random.nextBoolean() ? null : random.nextLong()).build();
      case 2 -> ExecutionFact.newBuilder().setUuid("e" + i).setPipeline("p").setStage("p/s").setType("T").setName(i % 2 == 0 ? "" : "reused")
          .setProperties(properties(random)).setCustomProperties(properties(random)).build();
      case 3 -> ArtifactFact.newBuilder().setUri("u" + i).setType("Dataset").setName("café 🚀 " + i).setProperties(properties(random)).build();
      case 4 -> EventFact.newBuilder().setExecutionUuid("e").setArtifactUri("a" + i).setDirection(Direction.values()[i % 3]).build();
      case 5 -> PropertyChange.newBuilder().setEntity(EntityKind.values()[i % 4]).setId("x").setKey("k").setValue(scalar(random)).build();
      default -> MetricPoint.newBuilder().setExecutionUuid("e").setName("loss").setStep(i).setValue(random.nextBoolean() ? Double.NaN : random.nextGaussian()).build();
    };
  }

  private static Map<String, Object> properties(final Random random) {
    final Map<String, Object> map = new HashMap<>();
    final int n = random.nextInt(20);
    for (int k = 0; k < n; k++) {
      map.put("k" + random.nextInt(100) + (k % 3 == 0 ? "é" : ""), scalar(random));
    }
    return map;
  }

  private static Object scalar(final Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextDouble();
      case 3 -> "s" + random.nextInt();
      case 4 -> random.nextBoolean();
      default -> Double.NaN;
    };
  }

  private static byte[] bytes(final ByteBuffer buffer) {
    final byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
