// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
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
 *
 * <p>A writer ends only when the sink stops. Whatever fails in between, the store in {@link #apply}
 * or the consumer in its poll, it logs, waits {@code retryBackoff} and tries again, and until it
 * succeeds it reports itself failing, since when and why ({@link #writers}), which the replay's
 * health indicator turns into DOWN. A record it cannot decode (written by a newer schema, say) is
 * never skipped, for that would lose a change the replay acknowledged: the writer holds at it,
 * logging an ERROR that names its topic, partition and offset, until a service that reads it is
 * deployed.
 */
public abstract class EntitySink {

  private static final Logger LOG = LoggerFactory.getLogger(EntitySink.class);

  private final String name;
  private final Duration retryBackoff;
  private final List<Writer> writers = new ArrayList<>();
  private volatile boolean running = true;

  protected EntitySink(
      final String name, final KafkaSettings kafka, final String groupId, final int maxBatch, final int writerCount, final Duration retryBackoff) {
    this(name, writerCount, retryBackoff,
        () -> new KafkaConsumer<>(consumerProperties(kafka, groupId, maxBatch), new StringDeserializer(), new EntityChangeSerde().deserializer()));
  }

  /** A sink whose writers each take a consumer of {@code consumers}, all of one group. */
  protected EntitySink(
      final String name, final int writerCount, final Duration retryBackoff, final Supplier<? extends Consumer<String, EntityChange>> consumers) {
    if (writerCount < 1) {
      throw new IllegalArgumentException(name + " sink needs at least one writer, not " + writerCount);
    }
    this.name = name;
    this.retryBackoff = retryBackoff;
    for (int i = 0; i < writerCount; i++) {
      writers.add(new Writer(consumers.get(), name + "-sink-" + i));
    }
  }

  private static Properties consumerProperties(final KafkaSettings kafka, final String groupId, final int maxBatch) {
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Only what the replay committed; never half of a transaction.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Offsets live in the store, written with the data.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxBatch));
    return p;
  }

  /** The sink's name, as in its log lines: {@code PostgreSQL}, {@code Neo4j}. */
  public String name() {
    return name;
  }

  /** How each writer fares now, in the order they were made. */
  public List<WriterHealth> writers() {
    return writers.stream().map(Writer::health).toList();
  }

  /**
   * One writer's state: healthy, or failing since {@code failingSince} (its first failure in a row)
   * for {@code reason} (the latest one).
   */
  public record WriterHealth(String writer, Instant failingSince, String reason) {

    static WriterHealth healthy(final String writer) {
      return new WriterHealth(writer, null, null);
    }

    public boolean healthy() {
      return failingSince == null;
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

    /** How often a writer that keeps failing the same way repeats its ERROR. */
    private static final Duration REPEAT_ERROR = Duration.ofMinutes(1);

    private final Consumer<String, EntityChange> consumer;
    private final Thread thread;
    private volatile WriterHealth health;
    private Instant errorLogged = Instant.MIN;
    /** The store refused the last batch, which the writer still holds: only a transaction ends that failure. */
    private boolean batchRefused;

    Writer(final Consumer<String, EntityChange> consumer, final String threadName) {
      this.consumer = consumer;
      this.thread = new Thread(this, threadName);
      this.health = WriterHealth.healthy(threadName);
    }

    WriterHealth health() {
      return health;
    }

    @Override
    public void run() {
      try {
        boolean subscribed = false;
        while (running) {
          try {
            if (!subscribed) {
              consumer.subscribe(List.of(Topics.ENTITIES.name()), new SeekToStoredOffsets(consumer, () -> batchRefused = false));
              subscribed = true;
            }
            pollAndApply();
          } catch (WakeupException e) {
            // stop() woke it: the loop ends, as running is false now.
          } catch (RecordDeserializationException e) {
            // Its position stays at the record, so the next poll meets it again: nothing is skipped.
            final String reason = "cannot decode the record at " + e.topicPartition() + " offset " + e.offset()
                + " (written by a newer schema?); holding there until a replay-service that reads it is deployed: " + e.getMessage();
            final boolean again = reason.equals(health.reason());
            failing(reason);
            if (!again || Duration.between(errorLogged, Instant.now()).compareTo(REPEAT_ERROR) >= 0) {
              errorLogged = Instant.now();
              LOG.error("{} {} (failing since {}); trying again every {}", name, reason, health.failingSince(), retryBackoff, e);
            }
            pause();
          } catch (Exception e) {
            failing("cannot poll " + Topics.ENTITIES.name() + ": " + e);
            LOG.warn("{} could not poll; trying again in {}: {}", name, retryBackoff, e.toString());
            pause();
          }
        }
      } catch (Throwable e) {
        failing("the writer ended: " + e);
        LOG.error("{} writer {} ended; the sink takes no more changes on it", name, thread.getName(), e);
        throw e;
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    /** One poll, and the transaction of what it read; a failed or stale transaction rewinds. */
    private void pollAndApply() {
      final ConsumerRecords<String, EntityChange> records = consumer.poll(Duration.ofMillis(500));
      if (records.isEmpty()) {
        if (!batchRefused) {
          healthy();
        }
        return;
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
        batchRefused = false;
        healthy();
      } catch (StaleBatchException e) {
        LOG.warn("{} dropped a stale batch of {} changes and resumes from the stored offsets: {}", name, records.count(), e.getMessage());
        seek(pastStored(first));
      } catch (Exception e) {
        batchRefused = true;
        failing("the store did not take a batch of " + records.count() + " changes: " + e);
        LOG.warn("{} did not take a batch of {} changes; trying again in {}: {}", name, records.count(), retryBackoff, e.toString());
        seek(first);
        pause();
      }
    }

    /** Failing since the first failure in a row, for the latest reason. */
    private void failing(final String reason) {
      final WriterHealth now = health;
      health = new WriterHealth(now.writer(), now.healthy() ? Instant.now() : now.failingSince(), reason);
    }

    private void healthy() {
      if (!health.healthy()) {
        LOG.info("{} writer {} works again after failing since {}", name, thread.getName(), health.failingSince());
        health = WriterHealth.healthy(health.writer());
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

    private final Consumer<String, EntityChange> consumer;
    private final Runnable onRevoked;

    SeekToStoredOffsets(final Consumer<String, EntityChange> consumer, final Runnable onRevoked) {
      this.consumer = consumer;
      this.onRevoked = onRevoked;
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
      // Every applied batch stored its offsets with its data; a refused one is someone else's now.
      if (!partitions.isEmpty()) {
        onRevoked.run();
      }
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
