// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
 * A projection of {@code cmf.entities.v1} into one store, exactly once in effect: each poll is
 * applied by {@link #apply} in one store transaction together with the next offset of every
 * partition it read; offsets are never committed to Kafka, and on assignment the sink seeks to the
 * offsets the store holds. A crash at any point therefore resumes right after the last commit.
 * When the store fails, the batch is rolled back (by {@link #apply}), the consumer rewinds, and the
 * sink tries again after a pause. Each store has its own consumer group, so a slow or stopped store
 * never holds another back; copies of the replay share each group and so split the partitions.
 *
 * <p>A sink runs one or more writers, each a consumer of that group on a thread of its own, so
 * the group gives them disjoint partitions and their transactions overlap: while one commits,
 * another builds and sends its batch. A partition belongs to one writer at a time and its offset
 * is stored by that writer's transaction only, so the contract above holds per partition. A
 * partition changes hands when its writer polls again, that is between two transactions, or when a
 * transaction outlasts {@code max.poll.interval.ms} (5 minutes) and the group drops its writer (the
 * same holds between replay copies). Such a late transaction is fenced off: {@link #apply} locks
 * the stored offsets of its partitions first and gives up with a {@link StaleBatchException} when
 * one of them is already past where its batch began ({@link #requireCurrent}), so it never writes
 * older states over newer ones; its writer then resumes from the stored offsets. {@link #apply}
 * and {@link #storedOffsets} are called from several threads at once.
 */
public abstract class EntitySink {

  private static final Logger LOG = LoggerFactory.getLogger(EntitySink.class);

  private final String name;
  private final Duration retryBackoff;
  private final List<Writer> writers = new ArrayList<>();
  private volatile boolean running = true;

  protected EntitySink(
      final String name, final KafkaSettings kafka, final String groupId, final int maxBatch, final int writerCount, final Duration retryBackoff) {
    if (writerCount < 1) {
      throw new IllegalArgumentException(name + " sink needs at least one writer, not " + writerCount);
    }
    this.name = name;
    this.retryBackoff = retryBackoff;
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Only what the replay committed; never half of a transaction.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Offsets live in the store, written with the data.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxBatch));
    for (int i = 0; i < writerCount; i++) {
      writers.add(new Writer(new KafkaConsumer<>(p, new StringDeserializer(), new EntityChangeSerde().deserializer()), name + "-sink-" + i));
    }
  }

  /**
   * A change as it arrived on {@code cmf.entities.v1}, with the timestamp of its record: the time
   * ingest-service took the upload it came from (the replay keeps the journal record's timestamp),
   * the same on every read of the topic, so on a rebuild too.
   */
  public record Arrived(EntityChange change, long timestamp) {}

  /**
   * Applies changes and stores {@code nextOffsets} (partition to offset) in one transaction, after
   * locking the stored offsets of those partitions and checking them with {@link #requireCurrent}
   * against {@code firstOffsets}, the offset of each partition's first record in the batch. Called
   * by every writer, concurrently, each with partitions no other writer holds.
   *
   * @throws StaleBatchException when another writer has stored a partition past this batch; nothing
   *     of the batch is written
   */
  protected abstract void apply(List<Arrived> changes, Map<Integer, Long> firstOffsets, Map<Integer, Long> nextOffsets) throws Exception;

  /**
   * Checks a batch against the offsets its store holds, read under lock in the batch's transaction.
   * A writer's next batch begins at or after (the topic is compacted) the offset it stored last; a
   * stored offset past the batch's first record means someone else applied that partition further.
   *
   * @param stored partition to stored next offset, for the batch's partitions the store has seen
   * @param firstOffsets partition to the offset of the batch's first record there
   * @throws StaleBatchException naming the partitions already applied past the batch's start
   */
  public static void requireCurrent(final Map<Integer, Long> stored, final Map<Integer, Long> firstOffsets) {
    final Map<Integer, Long> ahead = new TreeMap<>();
    firstOffsets.forEach((partition, first) -> {
      final Long offset = stored.get(partition);
      if (offset != null && offset > first) {
        ahead.put(partition, offset);
      }
    });
    if (!ahead.isEmpty()) {
      throw new StaleBatchException(ahead);
    }
  }

  /** A batch some of whose partitions the store already holds further: it must not be applied. */
  public static final class StaleBatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StaleBatchException(final Map<Integer, Long> ahead) {
      super("the store holds these partitions further than the batch begins (partition=stored next offset): " + ahead);
    }
  }

  /** The offsets the store holds, partition to next offset; empty where it holds none. */
  protected abstract Map<Integer, Long> storedOffsets() throws Exception;

  /** Starts consuming; subclasses call it once their own fields are set. */
  protected final void start() {
    writers.forEach(w -> w.thread.start());
  }

  /** One consumer of the sink's group and the thread that polls it and applies what it reads. */
  private final class Writer implements Runnable {

    private final KafkaConsumer<String, EntityChange> consumer;
    private final Thread thread;

    Writer(final KafkaConsumer<String, EntityChange> consumer, final String threadName) {
      this.consumer = consumer;
      this.thread = new Thread(this, threadName);
    }

    @Override
    public void run() {
      try {
        consumer.subscribe(List.of(Topics.ENTITIES.name()), new SeekToStoredOffsets(consumer));
        while (running) {
          final ConsumerRecords<String, EntityChange> records = consumer.poll(Duration.ofMillis(500));
          if (records.isEmpty()) {
            continue;
          }
          final List<Arrived> changes = new ArrayList<>(records.count());
          final Map<Integer, Long> first = new HashMap<>();
          final Map<Integer, Long> next = new HashMap<>();
          for (final ConsumerRecord<String, EntityChange> r : records) {
            if (r.value() != null) {
              changes.add(new Arrived(r.value(), r.timestamp()));
            }
            first.putIfAbsent(r.partition(), r.offset());
            next.put(r.partition(), r.offset() + 1);
          }
          try {
            apply(changes, first, next);
          } catch (StaleBatchException e) {
            LOG.warn("{} dropped a stale batch of {} changes and resumes from the stored offsets: {}", name, records.count(), e.getMessage());
            seek(pastStored(first));
          } catch (Exception e) {
            LOG.warn("{} did not take a batch of {} changes; trying again in {}: {}", name, records.count(), retryBackoff, e.toString());
            seek(first);
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

    private void seek(final Map<Integer, Long> offsets) {
      offsets.forEach((partition, offset) -> consumer.seek(new TopicPartition(Topics.ENTITIES.name(), partition), offset));
    }
  }

  /**
   * Where to resume after a stale batch: each partition at its stored offset where the store is
   * ahead of the batch, at the batch's start elsewhere (everywhere, if the offsets cannot be read
   * now: the retried batch is checked against them again).
   */
  private Map<Integer, Long> pastStored(final Map<Integer, Long> first) {
    Map<Integer, Long> stored = Map.of();
    try {
      stored = storedOffsets();
    } catch (Exception e) {
      LOG.warn("{} cannot read its stored offsets; retrying the batch: {}", name, e.toString());
      pause();
    }
    final Map<Integer, Long> resume = new HashMap<>();
    for (final Map.Entry<Integer, Long> start : first.entrySet()) {
      resume.put(start.getKey(), Math.max(start.getValue(), stored.getOrDefault(start.getKey(), start.getValue())));
    }
    return resume;
  }

  private void pause() {
    try {
      Thread.sleep(retryBackoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** On assignment, continue from the offsets the store committed with its data. */
  private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

    private final KafkaConsumer<String, EntityChange> consumer;

    SeekToStoredOffsets(final KafkaConsumer<String, EntityChange> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Map<Integer, Long> stored = Map.of();
      try {
        stored = storedOffsets();
      } catch (Exception e) {
        // Cannot know where to resume: from the start; idempotent writes make a replay harmless.
        LOG.warn("{} cannot read its stored offsets; replaying assigned partitions from the start: {}", name, e.toString());
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
      // Nothing to do: every applied batch stored its offsets with its data.
    }
  }

  /** Stops consuming and waits for the writers' threads. */
  public void stop() throws InterruptedException {
    running = false;
    writers.forEach(w -> w.consumer.wakeup());
    for (final Writer w : writers) {
      w.thread.join(10_000);
    }
  }
}
