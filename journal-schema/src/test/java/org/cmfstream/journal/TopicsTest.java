// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void shouldNameTheTopicsOfTheDesign() {
    assertThat(Topics.all())
        .extracting(TopicSpec::name)
        .containsExactly("cmf.journal.v1", "cmf.journal.dlq.v1", "cmf.entities.v1");
  }

  @Test
  void shouldCompactOnlyTheEntityTopic() {
    assertThat(Topics.all()).filteredOn(TopicSpec::compacted).containsExactly(Topics.ENTITIES);
  }

  /** A barrier mark read without a change compaction removed before it made a receipt APPLIED early. */
  @Test
  void shouldKeepEveryEntityChangeLongerThanASinkIsExpectedToLag() {
    assertThat(Long.parseLong(Topics.ENTITIES.configs().getOrDefault("min.compaction.lag.ms", "0"))).isGreaterThanOrEqualTo(java.time.Duration.ofDays(1).toMillis());
  }

  @Test
  void shouldRejectIllegalTopicNamesAndPartitionCounts() {
    assertThatThrownBy(() -> new TopicSpec("bad topic", 1, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad topic");
    assertThatThrownBy(() -> new TopicSpec("ok", 0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
  }
}
