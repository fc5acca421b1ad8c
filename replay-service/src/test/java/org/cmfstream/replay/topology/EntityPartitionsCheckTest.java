// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntityPartitionsCheckTest {

  @Test
  void shouldAcceptAsManyEntityPartitionsAsTheTopicHas() {
    // when/then
    assertThatCode(() -> EntityPartitionsCheck.require(6, "cmf.entities.v1", 6)).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseOtherEntityPartitionsThanTheTopicHasNamingBothAndTheSetting() {
    // when/then
    assertThatThrownBy(() -> EntityPartitionsCheck.require(6, "cmf.entities.v1", 12))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cmf.entities.v1 has 12 partitions")
        .hasMessageContaining("cmfstream.replay.entity-partitions is 6")
        .hasMessageContaining("set cmfstream.replay.entity-partitions (environment CMFSTREAM_REPLAY_ENTITY_PARTITIONS) to 12");
  }
}
