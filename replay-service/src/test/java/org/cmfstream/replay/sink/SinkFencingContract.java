// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;

/**
 * What every sink's store must do with a late transaction of a writer the group has dropped (a
 * zombie): not write an older state over the one the partition's new owner stored, nor move its
 * offset back; and still take the owner's next batch. A store's IT implements the three hooks
 * against the real store; each test uses a topic name of its own, so its offsets are its own.
 */
public abstract class SinkFencingContract {

  protected final String topic = UniqueNames.of("fencing");
  protected final String uri = UniqueNames.of("s3://fencing/model");

  /** Applies one artifact change as one batch, in one transaction of the store under test. */
  protected abstract void write(EntityChange change, Map<Integer, Long> firstOffsets, Map<Integer, Long> nextOffsets) throws Exception;

  /** The artifact's type as the store holds it. */
  protected abstract String storedType() throws Exception;

  /** The offsets the store holds for {@link #topic}, partition to next offset. */
  protected abstract Map<Integer, Long> storedOffsets() throws Exception;

  @Test
  void shouldRejectALateBatchOnceAnotherWriterStoredThePartitionFurtherAndApplyTheNextOne() throws Exception {
    // given: the partition's new owner applied offsets 100-199, where the artifact became a Model
    write(artifact("Model"), Map.of(0, 100L), Map.of(0, 200L));

    // when: the dropped writer's batch of offsets 0-99, with the older state, commits late
    assertThatThrownBy(() -> write(artifact("Dataset"), Map.of(0, 0L, 1, 0L), Map.of(0, 100L, 1, 50L)))
        .isInstanceOf(EntitySink.StaleBatchException.class)
        .hasMessageContaining("0=200");

    // then: nothing of it was written, on either partition
    assertThat(storedType()).isEqualTo("Model");
    assertThat(storedOffsets()).containsExactly(Map.entry(0, 200L));

    // and when: the owner's next batch begins past a gap that compaction left
    write(artifact("Metrics"), Map.of(0, 250L), Map.of(0, 260L));

    // then: it applies
    assertThat(storedType()).isEqualTo("Metrics");
    assertThat(storedOffsets()).containsExactly(Map.entry(0, 260L));
  }

  private EntityChange artifact(final String type) {
    return EntityChange.newBuilder().setKey("artifact/" + uri).setKind("artifact").setFacts(Map.of("type", List.<Object>of(type)))
        .setProperties(Map.of()).setSets(Map.of()).setEarliest(Map.of()).setBarrier(null).build();
  }
}
