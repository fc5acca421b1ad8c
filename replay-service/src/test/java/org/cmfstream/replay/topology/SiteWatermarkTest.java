// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SiteWatermarkTest {

  @Test
  void shouldAdvanceOnlyOverAnUnbrokenRun() {
    SiteWatermark w = SiteWatermark.EMPTY;
    for (final long seq : new long[] {1, 2, 5, 6, 9}) {
      w = w.with(seq);
    }

    assertThat(w.completeThrough()).isEqualTo(2);
    assertThat(w.rangesText()).isEqualTo("5-6,9-9");
    assertThat(w.gaps()).extracting(g -> g[0] + "-" + g[1]).containsExactly("3-4", "7-8");

    final SiteWatermark filled = w.with(3).with(4).with(8).with(7);
    assertThat(filled.completeThrough()).isEqualTo(9);
    assertThat(filled.ranges()).isEmpty();
  }

  @Test
  void shouldIgnoreWhatItHasAlreadySeen() {
    final SiteWatermark w = SiteWatermark.EMPTY.with(1).with(4);

    assertThat(w.with(1)).isEqualTo(w);
    assertThat(w.with(4)).isEqualTo(w);
    assertThat(w.with(0)).isEqualTo(w);
  }

  /**
   * Every other number, as a site numbering by timestamps would leave them: without a bound each
   * record grew the state by a range, until it passed Kafka's record limit.
   */
  @Test
  void shouldKeepOnlyTheLowestRangesWhenASiteLeavesMoreGapsThanTheBound() {
    // given
    SiteWatermark w = SiteWatermark.EMPTY;
    for (long seq = 2; seq <= 6_000; seq += 2) {
      w = w.with(seq);
    }
    // then
    assertThat(w.ranges()).hasSize(SiteWatermark.MAX_RANGES);
    assertThat(w.ranges().get(SiteWatermark.MAX_RANGES - 1)).containsExactly(2 * SiteWatermark.MAX_RANGES, 2 * SiteWatermark.MAX_RANGES);
    assertThat(w.gaps()).hasSize(SiteWatermark.MAX_RANGES).allSatisfy(g -> assertThat(g[1]).isEqualTo(g[0]));

    // and when: the site sends the gaps it was told of
    for (long seq = 1; seq < 2 * SiteWatermark.MAX_RANGES; seq += 2) {
      w = w.with(seq);
    }
    // then: complete through what it remembers; what it forgot counts as not yet seen
    assertThat(w.completeThrough()).isEqualTo(2 * SiteWatermark.MAX_RANGES);
    assertThat(w.ranges()).isEmpty();
    assertThat(w.with(2 * SiteWatermark.MAX_RANGES + 2).rangesText()).isEqualTo((2 * SiteWatermark.MAX_RANGES + 2) + "-" + (2 * SiteWatermark.MAX_RANGES + 2));
  }

  /** A state stored before the bound, over it, is bounded when it is read, so its next publish fits in a record. */
  @Test
  void shouldBoundAStateStoredBeforeTheBound() {
    // given
    final StringBuilder stored = new StringBuilder();
    for (long seq = 2; seq <= 3_000; seq += 2) {
      stored.append(stored.length() == 0 ? "" : ",").append(seq).append('-').append(seq);
    }
    // when
    final SiteWatermark w = SiteWatermark.parse(0, stored.toString());
    // then
    assertThat(w.ranges()).hasSize(SiteWatermark.MAX_RANGES);
    assertThat(w.gaps()).hasSize(SiteWatermark.MAX_RANGES);
  }

  /** Ranges were merged by "end + 1 < start", which wraps at the largest number a site may send. */
  @Test
  void shouldTakeTheLargestSequenceNumberAgainAndNextToOthers() {
    // given
    final SiteWatermark w = SiteWatermark.EMPTY.with(1).with(Long.MAX_VALUE);
    // when
    final SiteWatermark again = w.with(Long.MAX_VALUE);
    final SiteWatermark below = w.with(Long.MAX_VALUE - 1);
    // then
    assertThat(again).isEqualTo(w);
    assertThat(w.rangesText()).isEqualTo(Long.MAX_VALUE + "-" + Long.MAX_VALUE);
    assertThat(w.gaps()).extracting(g -> g[0] + "-" + g[1]).containsExactly("2-" + (Long.MAX_VALUE - 1));
    assertThat(below.rangesText()).isEqualTo((Long.MAX_VALUE - 1) + "-" + Long.MAX_VALUE);
    assertThat(SiteWatermark.EMPTY.with(Long.MAX_VALUE).with(Long.MAX_VALUE - 1).rangesText()).isEqualTo(below.rangesText());
  }

  @Test
  void shouldRoundTripThroughText() {
    final SiteWatermark w = SiteWatermark.EMPTY.with(1).with(3).with(4).with(10);

    assertThat(SiteWatermark.parse(w.completeThrough(), w.rangesText())).isEqualTo(w);
  }

  @Property(tries = 300)
  void shouldNotDependOnArrivalOrderOrRepetition(@ForAll @IntRange(min = 1, max = 60) final int n, @ForAll final long seed) {
    final Random random = new Random(seed);
    final List<Long> seqs = new ArrayList<>();
    for (long s = 1; s <= n; s++) {
      if (random.nextInt(4) != 0) {
        seqs.add(s);
      }
    }
    final List<Long> shuffled = new ArrayList<>(seqs);
    shuffled.addAll(seqs.subList(0, seqs.size() / 2));
    Collections.shuffle(shuffled, random);

    SiteWatermark inOrder = SiteWatermark.EMPTY;
    for (final long s : seqs) {
      inOrder = inOrder.with(s);
    }
    SiteWatermark anyOrder = SiteWatermark.EMPTY;
    for (final long s : shuffled) {
      anyOrder = anyOrder.with(s);
    }

    assertThat(anyOrder).isEqualTo(inOrder);
    long expected = 0;
    while (seqs.contains(expected + 1)) {
      expected++;
    }
    assertThat(inOrder.completeThrough()).isEqualTo(expected);
  }
}
