// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.util.List;
import java.util.Map;

/**
 * The topics of DESIGN.md ("Stores"). They are created ahead of time, before anything produces to
 * them: an idempotent producer writing right after a topic is created can lose a batch
 * (KAFKA-15591, still present in the 4.3 broker).
 */
public final class Topics {

  /**
   * Partitions per topic. Six lets up to six replay copies share the work while keeping the
   * per-partition overhead small on a 2-core machine; raise it for real clusters.
   */
  static final int DEFAULT_PARTITIONS = 6;

  /** Journal records as uploaded, keyed by site so that a site's journal stays in order. */
  public static final TopicSpec JOURNAL =
      new TopicSpec("cmf.journal.v1", DEFAULT_PARTITIONS, Map.of("cleanup.policy", "delete", "retention.ms", "-1"));

  /** Records the replay rejected, with the reason in a header. */
  public static final TopicSpec JOURNAL_DLQ =
      new TopicSpec("cmf.journal.dlq.v1", DEFAULT_PARTITIONS, Map.of("cleanup.policy", "delete", "retention.ms", "-1"));

  /** The merged state of every entity, keyed by entity identity; also the public change stream. */
  public static final TopicSpec ENTITIES =
      new TopicSpec("cmf.entities.v1", DEFAULT_PARTITIONS, Map.of("cleanup.policy", "compact"));

  private Topics() {}

  /** Every topic the system needs before it starts. */
  public static List<TopicSpec> all() {
    return List.of(JOURNAL, JOURNAL_DLQ, ENTITIES);
  }
}
