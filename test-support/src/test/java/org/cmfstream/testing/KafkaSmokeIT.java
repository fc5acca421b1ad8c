// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.journal.TopicSpec;
import org.cmfstream.journal.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class KafkaSmokeIT {

  @Test
  void shouldCreateTheJournalTopicsWithTheirSettings(final StackEndpoints stack) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
      final var described = admin.describeTopics(Topics.all().stream().map(TopicSpec::name).toList()).allTopicNames().get(10, TimeUnit.SECONDS);
      for (final TopicSpec spec : Topics.all()) {
        assertThat(described.get(spec.name()).partitions()).hasSize(spec.partitions());
      }
      final var entities = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.ENTITIES.name());
      final var config = admin.describeConfigs(List.of(entities)).all().get(10, TimeUnit.SECONDS).get(entities);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo(Topics.ENTITIES.configs().get("min.compaction.lag.ms"));
    }
  }

  /** A topic an earlier version created keeps its settings unless the start sets them again. */
  @Test
  void shouldSetTheIntendedConfigsOnATopicThatAlreadyExists(final StackEndpoints stack) throws Exception {
    // given: a topic created without the compaction lag it is meant to have
    final String name = UniqueNames.of("smoke-configs");
    final var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, name);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);

      // when
      org.cmfstream.deploy.stack.JournalTopics.ensure(admin, List.of(new TopicSpec(name, 1, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "86400000"))));

      // then
      assertThat(admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource).get("min.compaction.lag.ms").value()).isEqualTo("86400000");
    }
  }

  @Test
  void shouldShowOnlyCommittedTransactionsToReadCommittedConsumers(final StackEndpoints stack) throws Exception {
    // given
    final String topic = UniqueNames.of("smoke-tx");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrap()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    final Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, UniqueNames.of("smoke-producer"));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");

    // when: one transaction committed, one aborted, one committed
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "site-a", "committed-1"));
      producer.send(new ProducerRecord<>(topic, "site-a", "committed-2"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "site-a", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "site-a", "committed-3"));
      producer.commitTransaction();
    }

    // then
    final Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, UniqueNames.of("smoke-group"));
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    final List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (final ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.value());
        }
        return seen.size() >= 3;
      });
      // Nothing else arrives after the third committed record either.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.add(r.value()));
    }
    assertThat(seen).containsExactly("committed-1", "committed-2", "committed-3");
  }
}
