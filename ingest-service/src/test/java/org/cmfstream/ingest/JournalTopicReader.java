// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.kafka.Receipt;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalSerde;

/** Reads {@code cmf.journal.v1} as the replay does: {@code read_committed}. */
public final class JournalTopicReader implements AutoCloseable {

  private final KafkaConsumer<String, JournalRecord> consumer;

  public JournalTopicReader(final String bootstrap) {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new JournalSerde().deserializer());
  }

  /** The committed end of every partition: what a read_committed reader could see. */
  public Map<TopicPartition, Long> endOffsets() {
    final List<TopicPartition> partitions = new ArrayList<>();
    for (final PartitionInfo info : consumer.partitionsFor(Topics.JOURNAL.name())) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    return new HashMap<>(consumer.endOffsets(partitions));
  }

  /** The records of one upload, its barrier last, as its receipt locates them. */
  public List<ConsumerRecord<String, JournalRecord>> recordsOf(final Receipt receipt) {
    final TopicPartition partition = new TopicPartition(receipt.topic(), receipt.partition());
    consumer.assign(List.of(partition));
    consumer.seek(partition, receipt.firstOffset());
    final List<ConsumerRecord<String, JournalRecord>> records = new ArrayList<>();
    final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (final ConsumerRecord<String, JournalRecord> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() > receipt.lastOffset()) {
          return records;
        }
        records.add(r);
        if (r.offset() == receipt.lastOffset()) {
          return records;
        }
      }
    }
    throw new AssertionError("the records of " + receipt + " did not arrive; got " + records.size());
  }

  @Override
  public void close() {
    consumer.close();
  }
}
