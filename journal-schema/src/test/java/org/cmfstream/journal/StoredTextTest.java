// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.junit.jupiter.api.Test;

class StoredTextTest {

  @Test
  void shouldPassTextBothStoresCanHoldControlCharactersAndAllElse() {
    // given: tabs, newlines, other control characters, non-Latin text and emoji
    final JournalRecord record = record(execution("u-1", Map.of("note", "a\tb\nc\u0001d \u00e9\u4e2d\ud83d\ude00")));

    // then
    assertThat(StoredText.problem(record)).isNull();
    assertThat(StoredText.problem(record(BatchBarrier.newBuilder().setRecords(3).build()))).isNull();
  }

  @Test
  void shouldNameWhereAPropertyValueHoldsNul() {
    // given
    final JournalRecord record = record(execution("u-1", Map.of("note", "before\u0000after")));

    // when
    final String problem = StoredText.problem(record);

    // then
    assertThat(problem).isEqualTo("fact.customProperties.note holds U+0000 (NUL), which PostgreSQL cannot store");
  }

  @Test
  void shouldFindNulInAMapKeyAndInAnIdentity() {
    assertThat(StoredText.problem(record(execution("u-1", Map.of("bad\u0000key", 1L))))).startsWith("a key of fact.customProperties holds U+0000");
    assertThat(StoredText.problem(record(execution("u\u00001", Map.of())))).startsWith("fact.uuid holds U+0000");
  }

  @Test
  void shouldRefuseTheKeySeparatorInAnyPartOfAnIdentity() {
    // given: the separator in a plain identity, in an event's artifact and in a metric's name
    final JournalRecord execution = record(execution("a\u001fb", Map.of()));
    final JournalRecord event = record(EventFact.newBuilder().setExecutionUuid("e").setArtifactUri("s3://x\u001fINPUT").setDirection(Direction.INPUT).build());
    final JournalRecord metric = record(MetricPoint.newBuilder().setExecutionUuid("e").setName("loss\u001f2").setStep(1).setValue(0.5).build());

    // then
    assertThat(StoredText.problem(execution)).isEqualTo("an identity holds U+001F, which separates the parts of an entity key: execution/a|b");
    assertThat(StoredText.problem(event)).startsWith("an identity holds U+001F");
    assertThat(StoredText.problem(metric)).startsWith("an identity holds U+001F");
    // and a property value may hold it: it is no part of a key
    assertThat(StoredText.problem(record(execution("u-1", Map.of("note", "a\u001fb"))))).isNull();
  }

  private static ExecutionFact execution(final String uuid, final Map<String, Object> custom) {
    return ExecutionFact.newBuilder().setUuid(uuid).setPipeline("p").setStage("p/s").setType("t").setCustomProperties(custom).build();
  }

  private static JournalRecord record(final IndexedRecord body) {
    return JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u", body);
  }
}
