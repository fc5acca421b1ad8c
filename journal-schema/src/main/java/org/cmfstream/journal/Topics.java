// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.time.Duration;
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

  /** How long a change to {@link #ENTITIES} stays, whatever comes after it. */
  public static final Duration ENTITIES_MIN_COMPACTION_LAG = Duration.ofDays(7);

  /**
   * The merged state of every entity, keyed by entity identity; also the public change stream.
   *
   * <p>Compacted, but no change younger than {@link #ENTITIES_MIN_COMPACTION_LAG}: a sink applies
   * an upload's barrier mark as proof that it holds the upload's changes before it on that
   * partition, and a change that compaction removed (its entity changed again later) would be
   * missing from a sink that had not read it yet, so the upload's receipt could read APPLIED
   * early. With the lag only a sink more than seven days behind can meet that.
   */
  public static final TopicSpec ENTITIES =
      new TopicSpec(
          "cmf.entities.v1",
          DEFAULT_PARTITIONS,
          Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", Long.toString(ENTITIES_MIN_COMPACTION_LAG.toMillis())));

  private Topics() {}

  /** Every topic the system needs before it starts. */
  public static List<TopicSpec> all() {
    return List.of(JOURNAL, JOURNAL_DLQ, ENTITIES);
  }
}
