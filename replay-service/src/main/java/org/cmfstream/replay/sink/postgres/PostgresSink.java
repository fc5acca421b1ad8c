// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.postgres;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.service.kafka.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects {@code cmf.entities.v1} into PostgreSQL. Each poll is applied in one transaction
 * together with the next offset of every partition it read ({@code sink_offsets}), and offsets
 * are never committed to Kafka: on assignment the sink seeks to what PostgreSQL holds. So a crash
 * at any point resumes exactly where the last commit ended, nothing lost and nothing applied twice.
 * PostgreSQL down: the batch is rolled back, the consumer rewinds, and the sink tries again after
 * a pause; the replay and the Neo4j sink are not held back.
 */
@Context
@Requires(beans = DataSource.class)
@Requires(property = "cmfstream.sink.postgres.enabled", notEquals = "false")
public class PostgresSink implements Runnable {

  static final String SINK = "postgres";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSink.class);

  private final DataSource dataSource;
  private final SinkSettings settings;
  private final KafkaConsumer<String, EntityChange> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  public PostgresSink(final DataSource dataSource, final KafkaSettings kafka, final SinkSettings settings) {
    this.dataSource = dataSource;
    this.settings = settings;
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    // Only what the replay committed; never half of a transaction.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Offsets live in PostgreSQL, written with the rows.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxBatch()));
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new EntityChangeSerde().deserializer());
    thread = new Thread(this, "postgres-sink");
    thread.start();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(Topics.ENTITIES.name()), new SeekToStoredOffsets());
      while (running) {
        final ConsumerRecords<String, EntityChange> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        try {
          apply(records);
        } catch (SQLException | RuntimeException e) {
          LOG.warn("PostgreSQL did not take a batch of {} changes; trying again in {}: {}", records.count(), settings.retryBackoff(), e.toString());
          rewind(records);
          pause();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void apply(final ConsumerRecords<String, EntityChange> records) throws SQLException {
    final List<EntityChange> changes = new ArrayList<>(records.count());
    final Map<TopicPartition, Long> next = new HashMap<>();
    for (final ConsumerRecord<String, EntityChange> r : records) {
      if (r.value() != null) {
        changes.add(r.value());
      }
      next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        new ProjectionWriter(c).write(changes);
        storeOffsets(c, next);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void storeOffsets(final Connection c, final Map<TopicPartition, Long> next) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO sink_offsets (sink, topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?, now()) "
            + "ON CONFLICT (sink, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()")) {
      for (final Map.Entry<TopicPartition, Long> e : next.entrySet()) {
        s.setString(1, SINK);
        s.setString(2, e.getKey().topic());
        s.setInt(3, e.getKey().partition());
        s.setLong(4, e.getValue());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Back to the first record of the failed batch, on every partition it read. */
  private void rewind(final ConsumerRecords<String, EntityChange> records) {
    for (final TopicPartition partition : records.partitions()) {
      consumer.seek(partition, records.records(partition).get(0).offset());
    }
  }

  private void pause() {
    try {
      Thread.sleep(settings.retryBackoff().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** On assignment, continue from the offsets PostgreSQL committed with the rows. */
  private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
      final Map<Integer, Long> stored = new HashMap<>();
      try (Connection c = dataSource.getConnection();
          PreparedStatement s = c.prepareStatement("SELECT partition, next_offset FROM sink_offsets WHERE sink = ? AND topic = ?")) {
        s.setString(1, SINK);
        s.setString(2, Topics.ENTITIES.name());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            stored.put(rs.getInt(1), rs.getLong(2));
          }
        }
      } catch (SQLException e) {
        // Cannot know where to resume: start from the beginning; upserts make a replay harmless.
        LOG.warn("cannot read the stored offsets; replaying assigned partitions from the start: {}", e.toString());
      }
      final List<TopicPartition> fromStart = new ArrayList<>();
      for (final TopicPartition p : partitions) {
        final Long offset = stored.get(p.partition());
        if (offset == null) {
          fromStart.add(p);
        } else {
          consumer.seek(p, offset);
        }
      }
      if (!fromStart.isEmpty()) {
        consumer.seekToBeginning(fromStart);
      }
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
      // Nothing to do: every applied batch committed its offsets with its rows.
    }
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
