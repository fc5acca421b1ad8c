// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.ArtifactFact;
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

  @Test
  void shouldRefuseTextsPostgresqlIndexesBeyondTheirLimitCountingUtf8Bytes() {
    // given: at the limit in UTF-8 (two bytes a character), and one character beyond it
    final String atLimit = "\u00e9".repeat(StoredText.MAX_INDEXED_BYTES / 2);
    final JournalRecord fits = record(ArtifactFact.newBuilder().setUri("u").setType(atLimit).setName("n").build());
    final JournalRecord type = record(ArtifactFact.newBuilder().setUri("u").setType(atLimit + "x").setName("n").build());
    final JournalRecord uri = record(ArtifactFact.newBuilder().setUri("s3://" + "p".repeat(800)).setType("t").setName("n").build());
    final JournalRecord stage = record(ExecutionFact.newBuilder().setUuid("e").setPipeline("p").setStage("s".repeat(801)).setType("t").build());

    // then: a long value of a field that is not indexed is fine
    assertThat(StoredText.problem(fits)).isNull();
    assertThat(StoredText.problem(type)).isEqualTo("fact.type is 801 bytes long; identities, names, types, pipelines and stages are at most 800 bytes,"
        + " as PostgreSQL indexes them");
    assertThat(StoredText.problem(uri)).startsWith("a part of the identity is 805 bytes long");
    assertThat(StoredText.problem(stage)).startsWith("fact.stage is 801 bytes long");
    assertThat(StoredText.problem(record(execution("e", Map.of("note", "x".repeat(100_000)))))).isNull();
  }

  private static ExecutionFact execution(final String uuid, final Map<String, Object> custom) {
    return ExecutionFact.newBuilder().setUuid(uuid).setPipeline("p").setStage("p/s").setType("t").setCustomProperties(custom).build();
  }

  private static JournalRecord record(final IndexedRecord body) {
    return JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u", body);
  }
}
