// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.cmfstream.journal.Topics;
import org.cmfstream.service.kafka.KafkaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ReplayTopology} for as long as the service runs; refuses to start when {@code
 * cmfstream.replay.entity-partitions} differs from the partition count of {@code cmf.entities.v1}
 * ({@link EntityPartitionsCheck}).
 */
@Context
@Requires(property = "cmfstream.replay.enabled", notEquals = "false")
public class ReplayStreams {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayStreams.class);

  /** Kafka Streams' own transaction timeout under exactly-once. */
  private static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;

  /** How long start-up waits for the partition count of {@code cmf.entities.v1}. */
  private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  /** Set once, by the stream thread that stopped the replay for good. */
  private volatile String failure;

  public ReplayStreams(final KafkaSettings kafka, final ReplaySettings settings, final Admin admin) {
    EntityPartitionsCheck.check(admin, Topics.ENTITIES.name(), settings.entityPartitions(), DESCRIBE_TIMEOUT);
    streams = new KafkaStreams(ReplayTopology.build(settings.entityPartitions(), settings.pacing()), config(kafka, settings));
    streams.setUncaughtExceptionHandler(e -> {
      // A record of a newer schema fails every thread that meets it: stop and say why, not loop.
      if (JournalDecodingHandler.newerSchema(e).isPresent()) {
        failure = "stopped at a journal record written under a schema this replay does not know (upgrade it): " + e.getMessage();
        LOG.error("replay stopped: {}", failure, e);
        return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
      LOG.error("replay thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
  }

  static Properties config(final KafkaSettings kafka, final ReplaySettings settings) {
    final Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    // Exactly once in effect: state, output and consumed offsets commit together.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // The longer interval; the processors ask for commits in between while they keep up.
    final long catchUp = settings.catchUpCommitInterval().toMillis();
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(catchUp));
    // A transaction stays open from one commit to the next, and Kafka Streams refuses an interval
    // longer than the transaction timeout (10 s unless set). That timeout is also how long a copy
    // killed mid-transaction holds back read_committed readers, so it grows only when it must.
    if (2 * catchUp > DEFAULT_TRANSACTION_TIMEOUT_MS) {
      p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), Long.toString(2 * catchUp));
    }
    p.put(StreamsConfig.STATE_DIR_CONFIG, settings.state().toString());
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    // Bytes that are no journal record at all go to the dead-letter topic and the replay goes on;
    // a record of a schema this version does not know stops it there.
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, JournalDecodingHandler.class);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.JOURNAL_DLQ.name());
    // A renamed processor must never silently rename its state.
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    return p;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Why the replay stopped for good, if it did. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  @PreDestroy
  void stop() {
    streams.close(Duration.ofSeconds(30));
  }
}
