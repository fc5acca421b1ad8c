// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.PropertyChange;
import org.junit.jupiter.api.Test;

class EntityKeyTest {

  @Test
  void shouldKeyPropertyChangesLikeTheEntityTheyChange() {
    final JournalRecord execution =
        record(ExecutionFact.newBuilder().setUuid("1afa").setPipeline("p").setStage("p/s").setType("t").build());
    final JournalRecord change =
        record(PropertyChange.newBuilder().setEntity(EntityKind.EXECUTION).setId("1afa").setKey("Git_End_Commit").setValue("abc").build());

    assertThat(EntityKey.of(change)).isEqualTo(EntityKey.of(execution));
    assertThat(EntityKey.of(execution).orElseThrow().value()).isEqualTo("execution/1afa");
  }

  @Test
  void shouldKeepCompositeKeysApartWhateverTheirParts() {
    final JournalRecord one = record(EventFact.newBuilder().setExecutionUuid("a/b").setArtifactUri("c").setDirection(Direction.INPUT).build());
    final JournalRecord two = record(EventFact.newBuilder().setExecutionUuid("a").setArtifactUri("b/c").setDirection(Direction.INPUT).build());

    assertThat(EntityKey.of(one)).isNotEqualTo(EntityKey.of(two));
  }

  @Test
  void shouldGiveBackTheIdentitysPartsInTheOrderTheyWereJoined() {
    // given: an event whose execution and artifact hold slashes, and a plain artifact
    final EntityKey event =
        EntityKey.of(record(EventFact.newBuilder().setExecutionUuid("a/b").setArtifactUri("s3://x/y").setDirection(Direction.OUTPUT).build())).orElseThrow();
    final EntityKey execution = EntityKey.of(record(ExecutionFact.newBuilder().setUuid("u/1").setPipeline("p").setStage("s").setType("t").build())).orElseThrow();

    // then
    assertThat(event.parts()).containsExactly("a/b", "s3://x/y", "OUTPUT");
    assertThat(EntityKey.parts(event.value())).isEqualTo(event.parts());
    assertThat(EntityKey.identity(execution.value())).isEqualTo("u/1");
    assertThat(execution.parts()).containsExactly("u/1");
  }

  @Test
  void shouldGiveBarriersNoEntity() {
    assertThat(EntityKey.of(record(BatchBarrier.newBuilder().setRecords(3).build()))).isEmpty();
  }

  private static JournalRecord record(final org.apache.avro.generic.IndexedRecord body) {
    return JournalRecords.of("edge-1", 1L, Instant.EPOCH, "u", body);
  }
}
