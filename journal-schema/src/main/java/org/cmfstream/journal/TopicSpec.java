// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.util.Map;
import java.util.Objects;

/**
 * One Kafka topic of the journal, described once: its name, how many partitions it has and the
 * topic-level settings it must be created with. Kept free of Kafka classes so that every module,
 * including this one, can name topics without depending on a client.
 *
 * @param name the topic name, versioned ({@code cmf.journal.v1})
 * @param partitions the partition count; the ceiling for replay copies working in parallel
 * @param configs topic-level configs, e.g. {@code cleanup.policy=compact}
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException("not a legal Kafka topic name: " + name);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /** Whether Kafka keeps only the latest record per key on this topic. */
  public boolean compacted() {
    return "compact".equals(configs.get("cleanup.policy"));
  }
}
