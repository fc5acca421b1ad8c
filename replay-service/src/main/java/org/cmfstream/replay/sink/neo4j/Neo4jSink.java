// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.neo4j;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects {@code cmf.entities.v1} into the Neo4j lineage graph. Like the PostgreSQL sink, each
 * poll is one transaction that also stores the next offset of each partition read (as {@code
 * :SinkOffset} nodes), and the sink seeks to those on assignment. It runs on its own consumer
 * group, so a slow or stopped Neo4j never holds PostgreSQL back, and the other way round.
 */
@Context
@Requires(beans = Driver.class)
@Requires(property = "cmfstream.sink.neo4j.enabled", notEquals = "false")
public class Neo4jSink implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Neo4jSink.class);

  private final Driver driver;
  private final GraphSinkSettings settings;
  private final KafkaConsumer<String, EntityChange> consumer;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean constraintsCreated;

  public Neo4jSink(final Driver driver, final KafkaSettings kafka, final GraphSinkSettings settings) {
    this.driver = driver;
    this.settings = settings;
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxBatch()));
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new EntityChangeSerde().deserializer());
    thread = new Thread(this, "neo4j-sink");
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
        } catch (RuntimeException e) {
          LOG.warn("Neo4j did not take a batch of {} changes; trying again in {}: {}", records.count(), settings.retryBackoff(), e.toString());
          for (final TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
          }
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

  private void apply(final ConsumerRecords<String, EntityChange> records) {
    ensureConstraints();
    final List<EntityChange> changes = new ArrayList<>(records.count());
    final Map<Integer, Long> next = new HashMap<>();
    for (final ConsumerRecord<String, EntityChange> r : records) {
      if (r.value() != null) {
        changes.add(r.value());
      }
      next.put(r.partition(), r.offset() + 1);
    }
    try (Session session = driver.session()) {
      session.executeWriteWithoutResult(tx -> {
        GraphWriter.write(tx, changes);
        GraphWriter.storeOffsets(tx, Topics.ENTITIES.name(), next);
      });
    }
  }

  private void ensureConstraints() {
    if (constraintsCreated) {
      return;
    }
    try (Session session = driver.session()) {
      for (final String constraint : GraphWriter.CONSTRAINTS) {
        session.run(constraint).consume();
      }
    }
    constraintsCreated = true;
  }

  private void pause() {
    try {
      Thread.sleep(settings.retryBackoff().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** On assignment, continue from the offsets Neo4j committed with the graph. */
  private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
      final Map<Integer, Long> stored = new HashMap<>();
      try (Session session = driver.session()) {
        for (final Record r : session.run("MATCH (o:SinkOffset) WHERE o.id STARTS WITH $prefix RETURN o.partition AS p, o.nextOffset AS n",
            Map.of("prefix", "neo4j/" + Topics.ENTITIES.name() + "/")).list()) {
          stored.put(r.get("p").asInt(), r.get("n").asLong());
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot read the stored offsets from Neo4j; replaying assigned partitions from the start: {}", e.toString());
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
      // Nothing to do: every applied batch stored its offsets with its writes.
    }
  }

  @PreDestroy
  void stop() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
