// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.replay.merge.Records.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.journal.EntityKey;

/**
 * The merge is a join (DESIGN.md): replaying a journal in any order, with any record repeated,
 * ends in the same state for every entity, and a record merged twice changes nothing the second
 * time. Journals are drawn from a small universe of entities, sites and values so that records
 * collide, overwrite each other and conflict.
 */
class EntityMergeJoinLawsTest {

  @Property(tries = 300)
  void shouldEndInTheSameStatesWhateverTheOrderAndRepetition(@ForAll("journals") final List<JournalRecord> journal, @ForAll final long seed) {
    // given: the same journal shuffled, with a third of its records repeated
    final Random random = new Random(seed);
    final List<JournalRecord> replayed = new ArrayList<>(journal);
    for (final JournalRecord r : journal) {
      if (random.nextInt(3) == 0) {
        replayed.add(r);
      }
    }
    Collections.shuffle(replayed, random);

    // then
    assertThat(replay(replayed)).isEqualTo(replay(journal));
  }

  @Property(tries = 200)
  void shouldCallEveryRecordMergedAgainADuplicate(@ForAll("journals") final List<JournalRecord> journal) {
    final Map<String, EntityState> states = replay(journal);
    for (final JournalRecord r : journal) {
      final String key = EntityKey.of(r).orElseThrow().value();
      assertThat(EntityMerge.merge(states.get(key), r).outcome()).isEqualTo(EntityMerge.Outcome.DUPLICATE);
    }
  }

  @Property(tries = 200)
  void shouldJoinAssociatively(@ForAll("records") final JournalRecord a, @ForAll("records") final JournalRecord b, @ForAll("records") final JournalRecord c) {
    final EntityState x = EntityMerge.contribution(a);
    final EntityState y = withKeyOf(x, EntityMerge.contribution(b));
    final EntityState z = withKeyOf(x, EntityMerge.contribution(c));

    assertThat(x.join(y).join(z)).isEqualTo(x.join(y.join(z)));
    assertThat(x.join(y)).isEqualTo(y.join(x));
    assertThat(x.join(x)).isEqualTo(x);
  }

  private static Map<String, EntityState> replay(final List<JournalRecord> records) {
    final Map<String, EntityState> states = new HashMap<>();
    for (final JournalRecord r : records) {
      final String key = EntityKey.of(r).orElseThrow().value();
      states.put(key, EntityMerge.merge(states.get(key), r).state());
    }
    return states;
  }

  /** The laws hold per entity; to combine any three contributions, give them one key and kind. */
  private static EntityState withKeyOf(final EntityState like, final EntityState other) {
    return new EntityState(like.key(), like.kind(), other.facts(), other.properties(), other.sets(), other.earliest());
  }

  @Provide
  Arbitrary<List<JournalRecord>> journals() {
    return records().list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<JournalRecord> records() {
    final Arbitrary<String> site = Arbitraries.of("edge-1", "edge-2", "cmf.0123456789abcdef");
    final Arbitrary<Long> seq = Arbitraries.longs().between(0, 5);
    final Arbitrary<Long> time = Arbitraries.longs().between(0, 4);
    final Arbitrary<Object> value = Arbitraries.of(1L, 1.0, 2L, "x", "y", Double.NaN, true, -0.0, 0L);
    final Arbitrary<String> uri = Arbitraries.of("a1", "a2");
    final Arbitrary<String> uuid = Arbitraries.of("e1", "e2");
    final Arbitrary<org.apache.avro.generic.IndexedRecord> body =
        Arbitraries.oneOf(
            Combinators.combine(uri, Arbitraries.of("Dataset", "Model"), Arbitraries.of("d.csv", "d2.csv"), Arbitraries.of("p:/r/1", "q:/r/2,p:/r/1"), value)
                .as((u, type, name, url, v) -> Records.artifact(u, type, name, Map.of("url", url), Map.of("k", v))),
            Combinators.combine(uuid, Arbitraries.of("train.py", "eval.py"), Arbitraries.of("", "abc"), value)
                .as((u, command, end, v) -> Records.execution(u, Map.of("Execution", command, "Git_End_Commit", end, "Execution_uuid", u), Map.of("seed", v))),
            Combinators.combine(uuid, uri, Arbitraries.of(Direction.INPUT, Direction.OUTPUT))
                .as((u, a, d) -> EventFact.newBuilder().setExecutionUuid(u).setArtifactUri(a).setDirection(d).build()),
            Combinators.combine(uuid, Arbitraries.of(0.5, 1.0, Double.NaN))
                .as((u, v) -> MetricPoint.newBuilder().setExecutionUuid(u).setName("loss").setStep(0).setValue(v).build()),
            Combinators.combine(uri, value)
                .as((a, v) -> PropertyChange.newBuilder().setEntity(EntityKind.ARTIFACT).setId(a).setKey("k").setValue(v).build()));
    return Combinators.combine(site, seq, time, body).as((s, q, t, b) -> record(s, q, t, b));
  }
}
