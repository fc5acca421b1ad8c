// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where push-to-queryable time goes: one {@code read_committed} consumer on the topics a marker
 * passes through, noting when each marker first becomes visible on each. A record is visible to
 * it when the transaction that wrote it has committed, which is when the next hop may read it, so
 * the differences between hops are what each hop (and its commit) took.
 */
final class FreshnessHops implements AutoCloseable {

  /** Prefix of every marker uri ({@code f} and 31 hex digits, small numbers): found in keys and values. */
  private static final byte[] MARKER_PREFIX = "f00000000000000000000".getBytes(StandardCharsets.US_ASCII);
  private static final int MARKER_LENGTH = 32;

  private final Map<String, String> topics;
  private final Map<String, Map<String, Long>> seen = new ConcurrentHashMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;

  /**
   * Starts watching from the end of each topic.
   *
   * @param topics hop label to topic name, in the order a marker passes them
   */
  FreshnessHops(final String bootstrap, final Map<String, String> topics) {
    this.topics = new LinkedHashMap<>(topics);
    final Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    final List<TopicPartition> partitions = new ArrayList<>();
    for (final String topic : topics.values()) {
      seen.put(topic, new ConcurrentHashMap<>());
      consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
    thread = new Thread(this::watch, "freshness-hops");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          final long now = System.nanoTime();
          final String marker = marker(r.key(), r.value());
          if (marker != null) {
            seen.get(r.topic()).putIfAbsent(marker, now);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** The hop labels, in order. */
  List<String> hops() {
    return List.copyOf(topics.keySet());
  }

  /** When {@code marker} first became visible at {@code hop}, in {@link System#nanoTime()}, or null. */
  Long seenAt(final String hop, final String marker) {
    return seen.get(topics.get(hop)).get(marker);
  }

  /** The marker in a record's key, or else in its value; null if neither holds one. */
  static String marker(final byte[] key, final byte[] value) {
    final String inKey = find(key);
    return inKey != null ? inKey : find(value);
  }

  private static String find(final byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    outer:
    for (int i = 0; i + MARKER_LENGTH <= bytes.length; i++) {
      for (int j = 0; j < MARKER_PREFIX.length; j++) {
        if (bytes[i + j] != MARKER_PREFIX[j]) {
          continue outer;
        }
      }
      for (int j = MARKER_PREFIX.length; j < MARKER_LENGTH; j++) {
        if (Character.digit(bytes[i + j], 16) < 0) {
          continue outer;
        }
      }
      return new String(bytes, i, MARKER_LENGTH, StandardCharsets.US_ASCII);
    }
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(5_000);
  }
}
