// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The replay's start-up check that {@code cmfstream.replay.entity-partitions} equals the partition
 * count of {@code cmf.entities.v1}. The merge writes a change to the partition of its key's hash
 * modulo the topic's count, and a barrier mark to its by-entity partition modulo the same count
 * ({@link ReplayTopology}): only when the two counts are equal does each mark land behind the
 * changes it vouches for, and otherwise a receipt could read APPLIED before its changes were.
 */
final class EntityPartitionsCheck {

  /** The setting that must match the topic. */
  static final String SETTING = "cmfstream.replay.entity-partitions";

  private EntityPartitionsCheck() {}

  /**
   * Reads the partition count of {@code topic} and {@linkplain #require compares} it.
   *
   * @throws IllegalStateException when they differ, or the topic cannot be described
   */
  static void check(final Admin admin, final String topic, final int configured, final Duration timeout) {
    require(configured, topic, partitionsOf(admin, topic, timeout));
  }

  /**
   * @throws IllegalStateException naming both counts and the setting to change, when they differ
   */
  static void require(final int configured, final String topic, final int actual) {
    if (configured != actual) {
      throw new IllegalStateException("the replay refuses to start: " + topic + " has " + actual + " partitions but " + SETTING + " is "
          + configured + "; set " + SETTING + " (environment CMFSTREAM_REPLAY_ENTITY_PARTITIONS) to " + actual
          + ", or barrier marks land on other partitions than the changes they vouch for and receipts read APPLIED too early");
    }
  }

  private static int partitionsOf(final Admin admin, final String topic, final Duration timeout) {
    try {
      return admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
          .allTopicNames().get().get(topic).partitions().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException("the replay refuses to start: topic " + topic + " does not exist; create the topics first "
            + "(with as many partitions as " + SETTING + ")", e.getCause());
      }
      throw new IllegalStateException("the replay refuses to start: cannot read the partition count of " + topic
          + " to check it against " + SETTING + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the partition count of " + topic, e);
    }
  }
}
