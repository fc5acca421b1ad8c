// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.service.kafka.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes uploads to {@code cmf.journal.v1} in Kafka transactions: an upload's records, keyed
 * by site, then its {@link BatchBarrier}, all in one transaction. Either the whole upload becomes
 * visible to {@code read_committed} readers (the replay) or none of it does, so a failure
 * half-way never leaves half an upload applied. {@link #publish} returns only after Kafka
 * acknowledged the commit ({@code acks=all}, idempotent producer).
 *
 * <p><b>Group commit.</b> Uploads that arrive together share a transaction, as a database's
 * concurrent commits share a log flush: the first upload opens a transaction on an idle producer,
 * the uploads arriving while it is open join it and send their own records into it, and it
 * commits when the last of them has sent everything, unless another transaction is committing
 * at that moment: then it stays open to more uploads until that commit is done (unless it is
 * full). So while the
 * broker commits one group the next one gathers, and a burst of small uploads costs the broker a
 * few transactions rather than one each. A transaction stops taking uploads once it holds {@link
 * #MAX_GROUP_RECORDS} records; a larger upload has one to itself.
 *
 * <p>Sharing a transaction shares its fate: if Kafka fails it, every upload in it is answered 503
 * and published nowhere. Nothing an upload itself got wrong can fail it: records too large for the
 * broker are refused (413) before the upload joins.
 *
 * <p>Each producer carries its own transactional id (unique per process, so copies of ingest never
 * fence each other). A producer whose transaction failed is closed and replaced, never reused.
 */
@Singleton
public class JournalPublisher implements AutoCloseable {

  /** Records beyond which a transaction takes no more uploads: bounds a group's size and wait. */
  static final int MAX_GROUP_RECORDS = 50_000;

  private static final Logger LOG = LoggerFactory.getLogger(JournalPublisher.class);

  private final PublisherSettings settings;
  private final IntFunction<Producer<String, byte[]>> producers;
  private final JournalCodec codec = JournalCodec.instance();
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever a transaction changes state or a producer becomes idle. */
  private final Condition changed = lock.newCondition();
  private final List<Lane> lanes = new ArrayList<>();
  /** The transaction new uploads join, or null: at most one takes uploads at a time. */
  private Transaction open;
  private int committing;
  private boolean closed;
  /** How many producers could not be made, and why the last could not. Guarded by the lock. */
  private long failedStarts;
  private KafkaException lastStartFailure;

  @Inject
  public JournalPublisher(final KafkaSettings kafka, final PublisherSettings settings) {
    this(settings, producers(kafka, settings, UUID.randomUUID().toString()));
  }

  /** With {@code producers} making the {@code n}th transactional producer, ready for transactions. */
  JournalPublisher(final PublisherSettings settings, final IntFunction<Producer<String, byte[]>> producers) {
    this.settings = settings;
    this.producers = producers;
    for (int n = 0; n < Math.max(2, settings.producers()); n++) {
      lanes.add(new Lane(n));
    }
  }

  /**
   * Publishes {@code records} of one upload, then the upload's barrier, in one transaction.
   *
   * @throws BadInput 413 if a record is larger than the broker accepts (nothing is published)
   * @throws KafkaUnavailable if Kafka did not commit in time (nothing is published)
   */
  public Receipt publish(final String upload, final String site, final List<JournalRecord> records) {
    final List<byte[]> encoded = new ArrayList<>(records.size());
    for (final JournalRecord record : records) {
      final byte[] bytes = codec.encode(record);
      if (bytes.length > settings.maxRecordBytes()) {
        throw new BadInput(413, "record-too-large", "a record of " + bytes.length + " bytes (" + describe(record)
            + ") exceeds the limit of " + settings.maxRecordBytes() + " bytes");
      }
      encoded.add(bytes);
    }
    return send(upload, site, encoded, encoded.size());
  }

  /**
   * Publishes {@code count} records already encoded, read once from {@code encoded} (a spool
   * file for large pushes), then the upload's barrier, in one transaction. Memory holds no more
   * than the producer's buffer.
   *
   * @param largest the size of the largest record, in bytes
   * @throws BadInput 413 if a record is larger than the broker accepts (nothing is published)
   * @throws KafkaUnavailable if Kafka did not commit in time (nothing is published)
   */
  public Receipt publishEncoded(final String upload, final String site, final Iterable<byte[]> encoded, final int count, final int largest) {
    if (largest > settings.maxRecordBytes()) {
      throw new BadInput(413, "record-too-large", "a record of " + largest + " bytes exceeds the limit of " + settings.maxRecordBytes() + " bytes");
    }
    return send(upload, site, encoded, count);
  }

  private Receipt send(final String upload, final String site, final Iterable<byte[]> encoded, final int count) {
    final byte[] barrier = codec.encode(JournalRecords.of(site, null, Instant.now(), upload, BatchBarrier.newBuilder().setRecords(count).build()));
    final Transaction tx = join(count + 1);
    Future<RecordMetadata> first = null;
    Future<RecordMetadata> last = null;
    RuntimeException failure = null;
    try {
      for (final byte[] bytes : encoded) {
        final Future<RecordMetadata> sent = failIfRefused(tx.lane.producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, bytes)));
        if (first == null) {
          first = sent;
        }
      }
      last = failIfRefused(tx.lane.producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, barrier)));
    } catch (RuntimeException e) {
      // The producer refused a record, or the spool could not be read: the group cannot commit.
      failure = e;
    }
    final RuntimeException outcome = leave(tx, failure);
    if (failure != null) {
      throw failure instanceof KafkaException ? new KafkaUnavailable("Kafka did not take the upload: " + failure.getMessage(), failure) : failure;
    }
    if (outcome != null) {
      throw new KafkaUnavailable("the transaction this upload shared did not commit: " + outcome.getMessage(), outcome);
    }
    try {
      final RecordMetadata end = last.get();
      final RecordMetadata start = first == null ? end : first.get();
      return new Receipt(upload, site, count, start.topic(), start.partition(), start.offset(), end.offset());
    } catch (ExecutionException e) {
      throw new KafkaUnavailable("Kafka did not take the upload: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailable("interrupted while publishing", e);
    }
  }

  /**
   * Fails the upload now if the producer refused {@code sent} at once. A producer that lost its
   * broker waits up to {@code max.block.ms} for metadata on each send and then hands back a failed
   * future rather than throwing: sending the rest of the upload would wait as long again for every
   * record, and the site would hear nothing for hours rather than a 503 within seconds.
   */
  private static Future<RecordMetadata> failIfRefused(final Future<RecordMetadata> sent) {
    if (sent.isDone()) {
      try {
        sent.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("interrupted while sending", e);
      }
    }
    return sent;
  }

  /** Joins the open transaction, or opens one on an idle producer; waits at most maxBlock for one. */
  private Transaction join(final int records) {
    final long deadline = System.nanoTime() + settings.maxBlock().toNanos();
    lock.lock();
    try {
      final long failedBefore = failedStarts;
      while (true) {
        if (closed) {
          throw new KafkaUnavailable("the publisher is shutting down", null);
        }
        if (failedStarts != failedBefore) {
          // The producer this upload waited for could not be made: Kafka is away, and trying
          // again now would only keep the client waiting beyond maxBlock for the same answer.
          throw new KafkaUnavailable("cannot reach Kafka: " + lastStartFailure.getMessage(), lastStartFailure);
        }
        if (open != null && open.records + records > MAX_GROUP_RECORDS) {
          // Full: it commits once its uploads have sent everything; this one starts another.
          open = null;
          changed.signalAll();
        }
        if (open != null) {
          open.active++;
          open.records += records;
          return open;
        }
        final Lane lane = idleLane();
        if (lane != null) {
          if (lane.producer == null) {
            start(lane);
            // Another upload may have opened a transaction while this one waited for Kafka.
            continue;
          }
          try {
            lane.producer.beginTransaction();
          } catch (KafkaException e) {
            lane.discard();
            changed.signalAll();
            throw new KafkaUnavailable("Kafka did not take the upload: " + e.getMessage(), e);
          }
          open = new Transaction(lane);
          lane.tx = open;
          open.active = 1;
          open.records = records;
          return open;
        }
        final long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new KafkaUnavailable("every producer is busy; try again", null);
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailable("interrupted while waiting for a producer", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * An idle lane with its producer; else, unless a producer is being made already, an idle lane
   * to make one for; else null, and the upload waits. One producer is made at a time: uploads
   * arriving while it is made join the transaction it opens rather than each making another.
   */
  private Lane idleLane() {
    Lane fresh = null;
    boolean starting = false;
    for (final Lane lane : lanes) {
      starting |= lane.starting;
      if (lane.tx == null && !lane.starting) {
        if (lane.producer != null) {
          return lane;
        }
        fresh = fresh == null ? lane : fresh;
      }
    }
    return starting ? null : fresh;
  }

  /** Makes the lane's producer, without holding the lock while Kafka answers. */
  private void start(final Lane lane) {
    lane.starting = true;
    lock.unlock();
    Producer<String, byte[]> producer = null;
    KafkaException failure = null;
    try {
      producer = producers.apply(lane.n);
    } catch (KafkaException e) {
      failure = e;
    } finally {
      lock.lock();
      lane.starting = false;
      if (failure != null) {
        failedStarts++;
        lastStartFailure = failure;
      }
      changed.signalAll();
    }
    if (failure != null) {
      throw new KafkaUnavailable("cannot reach Kafka: " + failure.getMessage(), failure);
    }
    if (closed) {
      producer.close(Duration.ZERO);
      throw new KafkaUnavailable("the publisher is shutting down", null);
    }
    lane.producer = producer;
  }

  /**
   * Leaves {@code tx} once this upload's records are sent (or failed, with {@code failure}), and
   * waits for its outcome, committing it if this upload is the one to. Returns null if it
   * committed, else why it did not.
   */
  private RuntimeException leave(final Transaction tx, final RuntimeException failure) {
    boolean interrupted = false;
    lock.lock();
    try {
      tx.active--;
      if (failure != null) {
        tx.fail(failure);
        if (tx == open) {
          open = null;
        }
      }
      while (!tx.done) {
        if (!tx.committing && tx.active == 0 && (tx != open || committing == 0 || tx.records >= MAX_GROUP_RECORDS)) {
          tx.committing = true;
          committing++;
          if (tx == open) {
            open = null;
          }
          complete(tx);
          break;
        }
        try {
          changed.await();
        } catch (InterruptedException e) {
          // Its records are in the transaction already: wait for its outcome all the same.
          interrupted = true;
        }
      }
      return tx.outcome;
    } finally {
      lock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Commits {@code tx} (aborts it if an upload in it failed) without holding the lock. */
  private void complete(final Transaction tx) {
    final Producer<String, byte[]> producer = tx.lane.producer;
    RuntimeException outcome = tx.failure;
    lock.unlock();
    try {
      if (outcome == null) {
        // Flushes, and fails if any send failed: then nothing of the group is visible.
        producer.commitTransaction();
      } else {
        abortQuietly(producer);
      }
    } catch (KafkaException e) {
      abortQuietly(producer);
      outcome = e;
    } finally {
      lock.lock();
    }
    tx.outcome = outcome;
    tx.done = true;
    committing--;
    tx.lane.tx = null;
    if (outcome != null || closed) {
      tx.lane.discard();
    }
    changed.signalAll();
  }

  /**
   * The {@code n}th producer of this process. A replacement takes the transactional id of the
   * producer it replaces: its {@code initTransactions} then ends whatever that one left open (a
   * commit whose outcome was unknown), so {@code read_committed} readers are not held back.
   */
  private static IntFunction<Producer<String, byte[]>> producers(final KafkaSettings kafka, final PublisherSettings settings, final String instance) {
    return n -> newProducer(kafka, settings, "cmf-ingest-" + instance + "-" + n, n);
  }

  private static Producer<String, byte[]> newProducer(final KafkaSettings kafka, final PublisherSettings settings, final String transactionalId, final int n) {
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "cmf-ingest-" + n);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.putAll(throughputSettings());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(settings.maxRecordBytes() + 1024, 1024 * 1024)));
    // A down broker answers the upload with a 503 after maxBlock, not after a minute.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(settings.maxBlock().toMillis()));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(settings.maxBlock().toMillis()));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(settings.maxBlock().toMillis() + 5_000));
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(settings.transactionTimeout().toMillis()));
    final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    try {
      producer.initTransactions();
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    LOG.info("transactional producer {} ready", n);
    return producer;
  }

  /**
   * How the journal is produced, apart from transactions and timeouts: durable ({@code acks=all},
   * idempotent) and batched for throughput. The ingest benchmark's raw producer uses the same, so
   * the two are compared like for like.
   */
  public static Properties throughputSettings() {
    final Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // Journal records are small and alike: batch them and compress the batches.
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
    return p;
  }

  /**
   * Aborts the transaction if the producer still can; the producer is discarded either way. After
   * a commit that timed out (the broker went away mid-upload) the client refuses to abort with an
   * {@link IllegalStateException}, not a {@link KafkaException}: that must still be a 503 the edge
   * site retries, never a 500. Such a commit's outcome is unknown, so the uploads may be published
   * after all; a retry is then a duplicate, which the replay counts as one.
   */
  static void abortQuietly(final Producer<String, byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (KafkaException | IllegalStateException e) {
      LOG.debug("abort failed; the producer is discarded", e);
    }
  }

  private static String describe(final JournalRecord record) {
    return record.getBody().getClass().getSimpleName() + (record.getSeq() == null ? "" : ", seq " + record.getSeq());
  }

  @PreDestroy
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (final Lane lane : lanes) {
        if (lane.tx == null) {
          lane.discard();
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** One transactional producer and the transaction it has open, if any. Guarded by the lock. */
  private static final class Lane {
    final int n;
    Producer<String, byte[]> producer;
    Transaction tx;
    boolean starting;

    Lane(final int n) {
      this.n = n;
    }

    void discard() {
      if (producer != null) {
        producer.close(Duration.ZERO);
        producer = null;
      }
    }
  }

  /** A transaction and the uploads in it. Guarded by the lock. */
  private static final class Transaction {
    final Lane lane;
    /** Uploads in it still sending. */
    int active;
    long records;
    boolean committing;
    boolean done;
    /** Why it must abort: an upload in it failed to send. */
    RuntimeException failure;
    /** Null once committed; else why it was not. */
    RuntimeException outcome;

    Transaction(final Lane lane) {
      this.lane = lane;
    }

    void fail(final RuntimeException e) {
      if (failure == null) {
        failure = e;
      }
    }
  }
}
