// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecordBase;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.BarrierMark;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityChange;
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

/** Random journal records and entity changes with every kind, map, array, union and nested record the schemas have. */
final class RandomRecords {

  private RandomRecords() {}

  /** {@code n} records of every kind, from {@code seed}, and a batch barrier. */
  static List<JournalRecord> journal(final long seed, final int n) {
    final List<JournalRecord> records = new ArrayList<>();
    final Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      records.add(JournalRecords.of("edge-" + i % 3, i % 5 == 0 ? null : (long) i, Instant.ofEpochMilli(1795414078432L + i), "upload-" + i, body(i, random)));
    }
    records.add(JournalRecords.of("cmf.x", null, Instant.EPOCH, "u", BatchBarrier.newBuilder().setRecords(n).build()));
    return records;
  }

  /** {@code n} entity states, from {@code seed}, some with a barrier mark. */
  static List<EntityChange> entityChanges(final long seed, final int n) {
    final List<EntityChange> changes = new ArrayList<>();
    final Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
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
      changes.add(EntityChange.newBuilder().setKey("artifact/" + i).setKind("artifact").setFacts(facts).setProperties(properties)
          .setSets(sets).setEarliest(earliest).setBarrier(barrier).build());
    }
    return changes;
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

  static Object scalar(final Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> null;
      case 1 -> random.nextLong();
      case 2 -> random.nextDouble();
      case 3 -> "s" + random.nextInt();
      case 4 -> random.nextBoolean();
      default -> Double.NaN;
    };
  }
}
