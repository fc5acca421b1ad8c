// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Publishes an upload to {@code cmf.journal.v1} as one Kafka transaction: all its records, keyed
 * by site, then its {@link BatchBarrier}. Either the whole upload becomes visible to {@code
 * read_committed} readers (the replay) or none of it does, so a failure half-way never leaves
 * half an upload applied. {@link #publish} returns only after Kafka acknowledged the commit
 * ({@code acks=all}, idempotent producer).
 *
 * <p>Producers are pooled: each carries its own transactional id (unique per process, so copies
 * of ingest never fence each other), and an upload borrows one for its transaction. A producer
 * that failed is closed and replaced, never reused.
 */
@Singleton
public class JournalPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JournalPublisher.class);

  private final KafkaSettings kafka;
  private final PublisherSettings settings;
  private final BlockingQueue<KafkaProducer<String, byte[]>> idle;
  private final AtomicInteger created = new AtomicInteger();
  private final String instance = UUID.randomUUID().toString();
  private final JournalCodec codec = JournalCodec.instance();
  private volatile boolean closed;

  public JournalPublisher(final KafkaSettings kafka, final PublisherSettings settings) {
    this.kafka = kafka;
    this.settings = settings;
    this.idle = new ArrayBlockingQueue<>(settings.producers());
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
    return publishEncoded(upload, site, encoded, encoded.size());
  }

  /**
   * Publishes {@code count} records already encoded, read once from {@code encoded} (a spool
   * file for large pushes), then the upload's barrier, in one transaction. Memory holds no more
   * than the producer's buffer.
   *
   * @throws BadInput 413 if a record is larger than the broker accepts (nothing is published)
   * @throws KafkaUnavailable if Kafka did not commit in time (nothing is published)
   */
  public Receipt publishEncoded(final String upload, final String site, final Iterable<byte[]> encoded, final int count) {
    final byte[] barrier =
        codec.encode(JournalRecords.of(site, null, java.time.Instant.now(), upload, BatchBarrier.newBuilder().setRecords(count).build()));
    final KafkaProducer<String, byte[]> producer = borrow();
    boolean healthy = false;
    try {
      producer.beginTransaction();
      Future<RecordMetadata> first = null;
      for (final byte[] bytes : encoded) {
        if (bytes.length > settings.maxRecordBytes()) {
          throw new BadInput(413, "record-too-large", "a record of " + bytes.length + " bytes exceeds the limit of " + settings.maxRecordBytes() + " bytes");
        }
        final Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, bytes));
        if (first == null) {
          first = sent;
        }
      }
      final Future<RecordMetadata> last = producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, barrier));
      // Flushes, and fails if any send failed: then nothing of the upload is visible.
      producer.commitTransaction();
      final RecordMetadata end = last.get();
      final RecordMetadata start = first == null ? end : first.get();
      healthy = true;
      return new Receipt(upload, site, count, start.topic(), start.partition(), start.offset(), end.offset());
    } catch (BadInput e) {
      abortQuietly(producer);
      healthy = true;
      throw e;
    } catch (KafkaException | ExecutionException e) {
      abortQuietly(producer);
      throw new KafkaUnavailable("Kafka did not take the upload: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      abortQuietly(producer);
      Thread.currentThread().interrupt();
      throw new KafkaUnavailable("interrupted while publishing", e);
    } finally {
      giveBack(producer, healthy);
    }
  }

  private KafkaProducer<String, byte[]> borrow() {
    if (closed) {
      throw new KafkaUnavailable("the publisher is shutting down", null);
    }
    KafkaProducer<String, byte[]> producer = idle.poll();
    if (producer != null) {
      return producer;
    }
    if (created.incrementAndGet() <= settings.producers()) {
      try {
        return newProducer();
      } catch (KafkaException e) {
        created.decrementAndGet();
        throw new KafkaUnavailable("cannot reach Kafka: " + e.getMessage(), e);
      }
    }
    created.decrementAndGet();
    try {
      producer = idle.poll(settings.maxBlock().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailable("interrupted while waiting for a producer", e);
    }
    if (producer == null) {
      throw new KafkaUnavailable("every producer is busy; try again", null);
    }
    return producer;
  }

  private void giveBack(final KafkaProducer<String, byte[]> producer, final boolean healthy) {
    if (healthy && !closed && idle.offer(producer)) {
      return;
    }
    created.decrementAndGet();
    producer.close(Duration.ZERO);
  }

  private KafkaProducer<String, byte[]> newProducer() {
    final int n = created.get();
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "cmf-ingest-" + n);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cmf-ingest-" + instance + "-" + n);
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
   * Aborts the upload's transaction if the producer still can; the producer is discarded either
   * way. After a commit that timed out (the broker went away mid-upload) the client refuses to
   * abort with an {@link IllegalStateException}, not a {@link KafkaException}: that must still be a
   * 503 the edge site retries, never a 500. Such a commit's outcome is unknown, so the upload may
   * be published after all; the retry is then a duplicate, which the replay counts as one.
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
    closed = true;
    KafkaProducer<String, byte[]> producer;
    while ((producer = idle.poll()) != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
