// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;

/** Kafka clients of the shared local stack, as the replay's integration tests write and read it. */
final class StackClients {

  private StackClients() {}

  /** Writes raw journal bytes keyed by site, acknowledged by every replica. */
  static KafkaProducer<String, byte[]> producer() {
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.endpoints().kafkaBootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** A consumer of a group of its own, from the earliest offset, seeing committed records only. */
  static Properties readCommitted() {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedLocalStack.endpoints().kafkaBootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, UniqueNames.of("reader"));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }
}
