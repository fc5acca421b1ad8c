// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.Topics;

/**
 * A sink of one writer on a {@link MockConsumer} that holds partition 0 of {@code cmf.entities.v1}
 * from its first poll, into a list in memory (the store) with its offsets in a map.
 */
public final class RecordingSink extends EntitySink {

  public static final TopicPartition P0 = new TopicPartition(Topics.ENTITIES.name(), 0);

  private final MockConsumer<String, EntityChange> consumer;
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private final Map<Integer, Long> offsets = new ConcurrentHashMap<>();
  private final AtomicBoolean storeDown = new AtomicBoolean();

  private RecordingSink(final MockConsumer<String, EntityChange> consumer) {
    super("Recording", 1, Duration.ofMillis(10), () -> consumer);
    this.consumer = consumer;
  }

  /** A started sink whose writer is assigned partition 0 on its first poll. */
  public static RecordingSink started() {
    final MockConsumer<String, EntityChange> consumer = new MockConsumer<>("earliest");
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
    final RecordingSink sink = new RecordingSink(consumer);
    sink.start();
    return sink;
  }

  /** Makes each poll from now on fail at {@code offset} of partition 0 for as long as {@code undecodable} holds. */
  public void failToDecodeWhile(final long offset, final AtomicBoolean undecodable) {
    consumer.schedulePollTask(new Runnable() {
      @Override
      public void run() {
        if (undecodable.get()) {
          consumer.setPollException(new RecordDeserializationException(P0, offset, "Error deserializing VALUE for partition " + P0,
              new IllegalArgumentException("unknown schema fingerprint")));
          consumer.schedulePollTask(this);
        }
      }
    });
  }

  /** Makes the next poll fail once, as {@code error}. */
  public void failNextPoll(final KafkaException error) {
    consumer.schedulePollTask(() -> consumer.setPollException(error));
  }

  /** Makes the store refuse every batch while {@code down} is set. */
  public AtomicBoolean storeDown() {
    return storeDown;
  }

  /** Adds the change of {@code key} at {@code offset} of partition 0, once the writer holds it. */
  public void arrive(final long offset, final String key) {
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(Topics.ENTITIES.name(), 0, offset, key, change(key))));
  }

  /** The keys the store took, in order. */
  public List<String> applied() {
    return List.copyOf(applied);
  }

  private static EntityChange change(final String key) {
    return EntityChange.newBuilder().setKey(key).setKind("artifact")
        .setFacts(Map.of()).setProperties(Map.of()).setSets(Map.of()).setEarliest(Map.of()).setBarrier(null).build();
  }

  @Override
  protected void apply(final List<Arrived> changes, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets) {
    if (storeDown.get()) {
      throw new IllegalStateException("the store is down");
    }
    changes.forEach(a -> applied.add(a.change().getKey()));
    offsets.putAll(nextOffsets);
  }

  @Override
  protected Map<Integer, Long> storedOffsets() {
    return Map.copyOf(offsets);
  }
}
