// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyBudgetTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void shouldRefuseAShareBeyondTheBudgetUntilAnotherIsGivenBack() {
    // given: a budget of 4 MiB, 3 of them held
    final BodyBudget budget = new BodyBudget(4 * MIB, Duration.ofMillis(50));
    final BodyBudget.Share first = budget.share();
    first.growTo(3 * MIB);
    final BodyBudget.Share second = budget.share();

    // when / then: 1 MiB more fits, 2 do not
    second.growTo(MIB);
    assertThatThrownBy(() -> second.growTo(2 * MIB)).isInstanceOf(BodyBudget.Busy.class).hasMessageContaining("4 MiB");

    // when: the first upload is answered
    first.close();

    // then
    second.growTo(4 * MIB);
    second.close();
  }

  @Test
  void shouldLetOneBodyLargerThanTheWholeBudgetTakeAllOfIt() {
    // given
    final BodyBudget budget = new BodyBudget(2 * MIB, Duration.ofMillis(50));

    // when
    try (BodyBudget.Share share = budget.share()) {
      share.growTo(64 * MIB);

      // then: nothing is left for anyone else until it is given back
      assertThatThrownBy(() -> budget.share().growTo(1)).isInstanceOf(BodyBudget.Busy.class);
    }
    try (BodyBudget.Share after = budget.share()) {
      after.growTo(2 * MIB);
    }
  }

  @Test
  void shouldAskForEachSizeTheBufferGrowsToBeforeAllocatingIt() throws Exception {
    // given: a body of 300 KB of unknown length
    final byte[] body = new byte[300_000];
    final List<Long> asked = new ArrayList<>();

    // when
    final byte[] read = Bodies.readAll(new ByteArrayInputStream(body), -1, 1_000_000, asked::add);

    // then
    assertThat(read).hasSize(body.length);
    assertThat(asked).containsExactly(65_536L, 131_072L, 262_144L, 524_288L);
  }

  @Test
  void shouldStopReadingWhenTheBudgetRefusesTheBufferToGrow() {
    // given
    final BodyBudget budget = new BodyBudget(128 * 1024, Duration.ofMillis(20));

    // when / then: 64 KB fit, the 128 KB buffer it grows to does not once another upload holds some
    try (BodyBudget.Share other = budget.share(); BodyBudget.Share share = budget.share()) {
      other.growTo(1);
      assertThatThrownBy(() -> Bodies.readAll(new ByteArrayInputStream(new byte[100_000]), -1, 1_000_000, share::growTo))
          .isInstanceOf(BodyBudget.Busy.class);
    }
  }
}
