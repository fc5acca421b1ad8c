// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.cmfstream.journal.TopicSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The journal's topics on a broker, as {@link org.cmfstream.journal.Topics} describes them. */
public final class JournalTopics {

  private static final Logger LOG = LoggerFactory.getLogger(JournalTopics.class);

  private JournalTopics() {}

  /**
   * Creates the topics that do not exist yet, with their intended partitions and configs, and sets
   * the intended configs on those that do: a topic created by an earlier version keeps its settings
   * otherwise (such as {@code cmf.entities.v1} without its compaction lag). Partition counts are
   * not changed: that would move keys between partitions.
   */
  public static void ensure(final Admin admin, final List<TopicSpec> topics) {
    try {
      final Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      final List<NewTopic> missing =
          topics.stream()
              .filter(t -> !existing.contains(t.name()))
              .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
      }
      final Map<ConfigResource, Collection<AlterConfigOp>> settings = new HashMap<>();
      for (final TopicSpec topic : topics) {
        if (existing.contains(topic.name()) && !topic.configs().isEmpty()) {
          settings.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
              topic.configs().entrySet().stream().map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET)).toList());
        }
      }
      if (!settings.isEmpty()) {
        admin.incrementalAlterConfigs(settings).all().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the journal topics", e);
    }
  }
}
