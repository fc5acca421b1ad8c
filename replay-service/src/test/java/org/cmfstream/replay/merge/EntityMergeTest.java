// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.replay.merge.Records.artifact;
import static org.cmfstream.replay.merge.Records.execution;
import static org.cmfstream.replay.merge.Records.record;

import java.util.List;
import java.util.Map;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.replay.merge.EntityMerge.Outcome;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EntityMergeTest {

  private static final String URI = "236d9502e0283d91f689d7038b8508a2";

  private static EntityMerge.Result mergeAll(final List<JournalRecord> records) {
    EntityMerge.Result result = null;
    for (final JournalRecord r : records) {
      result = EntityMerge.merge(result == null ? null : result.state(), r);
    }
    return result;
  }

  @Nested
  class Duplicates {

    @Test
    void shouldCallTheSameRecordTwiceADuplicate() {
      final JournalRecord r = record("edge-1", 1, 100, artifact(URI, "Dataset", "data.xml.gz", Map.of(), Map.of("k", 1L)));

      final EntityMerge.Result first = EntityMerge.merge(null, r);
      final EntityMerge.Result again = EntityMerge.merge(first.state(), r);

      assertThat(first.outcome()).isEqualTo(Outcome.NEW);
      assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(again.state()).isEqualTo(first.state());
    }

    @Test
    void shouldCallTheSameFactFromAnotherSiteADuplicateButKeepTheNewerStamp() {
      final EntityMerge.Result first = EntityMerge.merge(null, record("edge-1", 1, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of("k", 1L))));
      final EntityMerge.Result other = EntityMerge.merge(first.state(), record("edge-2", 9, 200, artifact(URI, "Dataset", "d", Map.of(), Map.of("k", 1L))));

      assertThat(other.outcome()).isEqualTo(Outcome.DUPLICATE);
      assertThat(other.state().properties().get("custom.k").stamp().site()).isEqualTo("edge-2");
    }
  }

  @Nested
  class MutableProperties {

    @Test
    void shouldKeepTheLastWriterByEventTimeWhateverTheOrderOfArrival() {
      final JournalRecord early = record("edge-1", 5, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of("owner", "ann")));
      final JournalRecord late = record("edge-2", 1, 200, artifact(URI, "Dataset", "d", Map.of(), Map.of("owner", "bob")));

      assertThat(mergeAll(List.of(early, late)).state().properties().get("custom.owner").value()).isEqualTo("bob");
      assertThat(mergeAll(List.of(late, early)).state().properties().get("custom.owner").value()).isEqualTo("bob");
      // Arriving late, the older write still moves when the artifact was first seen.
      assertThat(mergeAll(List.of(late, early)).state().earliest()).containsEntry("firstSeen", 100L);
    }

    @Test
    void shouldBreakTiesBySiteThenSequence() {
      final JournalRecord a = record("edge-a", 7, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of("owner", "ann")));
      final JournalRecord b = record("edge-b", 1, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of("owner", "bob")));

      assertThat(mergeAll(List.of(b, a)).state().properties().get("custom.owner").value()).isEqualTo("bob");
      assertThat(mergeAll(List.of(a, b)).state()).isEqualTo(mergeAll(List.of(b, a)).state());
    }

    /**
     * One write logged twice, its number once as 1 and once as 1.0: one canonical text, so one hash
     * and one stamp. The first to arrive was kept, so the stores showed either form.
     */
    @Test
    void shouldKeepOneFormOfAValueWrittenTwiceUnderOneStampWhicheverArrivesFirst() {
      // given
      final JournalRecord asLong = record("edge-1", 3, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of("epochs", 1L)));
      final JournalRecord asDouble = record("edge-1", 3, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of("epochs", 1.0)));
      // when
      final Object longFirst = mergeAll(List.of(asLong, asDouble)).state().properties().get("custom.epochs").value();
      final Object doubleFirst = mergeAll(List.of(asDouble, asLong)).state().properties().get("custom.epochs").value();
      // then
      assertThat(asLong.getContentHash()).isEqualTo(asDouble.getContentHash());
      assertThat(longFirst).isEqualTo(doubleFirst);
    }

    @Test
    void shouldTreatGitEndCommitAsMutableAndTheCommandAsImmutable() {
      final JournalRecord started = record("s", 1, 100, execution("e1", Map.of("Execution", "train.py", "Git_End_Commit", ""), Map.of()));
      final JournalRecord finished = record("s", 2, 200, execution("e1", Map.of("Execution", "train.py", "Git_End_Commit", "abc"), Map.of()));

      final EntityMerge.Result result = mergeAll(List.of(started, finished));

      assertThat(result.outcome()).isEqualTo(Outcome.NEW);
      assertThat(result.state().properties().get("properties.Git_End_Commit").value()).isEqualTo("abc");
      assertThat(result.state().conflicts()).isEmpty();
    }
  }

  @Nested
  class Conflicts {

    @Test
    void shouldKeepContradictingImmutableFactsSideBySide() {
      final JournalRecord dataset = record("edge-1", 1, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of()));
      final JournalRecord model = record("edge-2", 1, 100, artifact(URI, "Model", "d", Map.of(), Map.of()));

      final EntityMerge.Result result = mergeAll(List.of(dataset, model));

      assertThat(result.outcome()).isEqualTo(Outcome.CONFLICT);
      assertThat(result.state().conflicts()).containsOnlyKeys("type");
      assertThat(result.state().conflicts().get("type").values()).containsExactly("Dataset", "Model");
      assertThat(result.state().fact("type")).isNull();
      assertThat(mergeAll(List.of(model, dataset)).state()).isEqualTo(result.state());
    }

    @Test
    void shouldReportAConflictOnceAndItsRepeatAsADuplicate() {
      final JournalRecord dataset = record("edge-1", 1, 100, artifact(URI, "Dataset", "d", Map.of(), Map.of()));
      final JournalRecord model = record("edge-2", 1, 100, artifact(URI, "Model", "d", Map.of(), Map.of()));

      final EntityMerge.Result conflict = mergeAll(List.of(dataset, model));

      assertThat(EntityMerge.merge(conflict.state(), model).outcome()).isEqualTo(Outcome.DUPLICATE);
    }
  }

  @Nested
  class Sets {

    @Test
    void shouldUniteNamesUrlListsAndLabels() {
      final JournalRecord one = record("s", 1, 100, artifact(URI, "Dataset", "artifacts/data.xml.gz:" + URI,
          Map.of("url", "Test-env:/remote/files/md5/23/6d95"), Map.of("labels", "a.csv,b.csv")));
      final JournalRecord two = record("t", 1, 50, artifact(URI, "Dataset", "data.xml.gz",
          Map.of("url", "Other-env:/r/files/md5/23/6d95, Test-env:/remote/files/md5/23/6d95"), Map.of("labels", "b.csv,c.csv")));

      final EntityState state = mergeAll(List.of(one, two)).state();

      assertThat(state.sets().get("names")).containsExactly("artifacts/data.xml.gz:" + URI, "data.xml.gz");
      assertThat(state.sets().get("properties.url")).containsExactly("Other-env:/r/files/md5/23/6d95", "Test-env:/remote/files/md5/23/6d95");
      assertThat(state.sets().get("custom.labels")).containsExactly("a.csv", "b.csv", "c.csv");
      assertThat(state.earliest()).containsEntry("firstSeen", 50L);
    }

    @Test
    void shouldCollectTheUuidsOfAReusedExecution() {
      final EntityState state = EntityMerge.merge(null, record("s", 1, 1, execution("e1", Map.of("Execution_uuid", "e1, e2"), Map.of()))).state();

      assertThat(state.sets().get("uuids")).containsExactly("e1", "e2");
    }
  }

  @Test
  void shouldTreatNumbersThatAreEqualAsEqualWhateverTheirType() {
    final JournalRecord asLong = record("s", 1, 1, artifact(URI, "Metrics", "m", Map.of(), Map.of()));
    final EntityState zero = EntityMerge.merge(null, record("s", 1, 1, org.cmfstream.avro.MetricPoint.newBuilder().setExecutionUuid("e").setName("loss").setStep(0).setValue(0.0).build())).state();
    final EntityMerge.Result negativeZero =
        EntityMerge.merge(zero, record("t", 1, 1, org.cmfstream.avro.MetricPoint.newBuilder().setExecutionUuid("e").setName("loss").setStep(0).setValue(-0.0).build()));

    assertThat(EntityMerge.merge(null, asLong).outcome()).isEqualTo(Outcome.NEW);
    assertThat(negativeZero.outcome()).isEqualTo(Outcome.DUPLICATE);
  }
}
