// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.cmfstream.journal.Topics;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The replay's start-up check of {@code cmfstream.replay.entity-partitions} against a real broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EntityPartitionsCheckIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Admin admin = admin();

  private static Admin admin() {
    final Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.endpoints().kafkaBootstrap());
    return Admin.create(p);
  }

  @AfterAll
  void close() {
    admin.close();
  }

  @Test
  void shouldAcceptTheDefaultSettingAgainstTheStacksEntitiesTopic() {
    // when/then
    assertThatCode(() -> EntityPartitionsCheck.check(admin, Topics.ENTITIES.name(), 6, TIMEOUT)).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseATopicOfOtherPartitionsThanTheSetting() throws Exception {
    // given: an entities topic of three partitions
    final String topic = UniqueNames.of("entities");
    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);

    // when/then: the replay configured for six refuses it, naming both counts and the setting
    assertThatThrownBy(() -> EntityPartitionsCheck.check(admin, topic, 6, TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(topic + " has 3 partitions but cmfstream.replay.entity-partitions is 6");
    assertThatCode(() -> EntityPartitionsCheck.check(admin, topic, 3, TIMEOUT)).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseATopicThatDoesNotExist() {
    // given
    final String topic = UniqueNames.of("missing");

    // when/then
    assertThatThrownBy(() -> EntityPartitionsCheck.check(admin, topic, 6, TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("topic " + topic + " does not exist");
  }
}
