// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.service.kafka.KafkaSettings;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;

/**
 * A sink's writers on the real broker: they split the partitions of {@code cmf.entities.v1}, never
 * hold one partition at the same time, and together apply every change exactly once, through a
 * failing store and a restart. The store here is a map in memory whose "transaction" is a lock.
 */
class EntitySinkWritersIT {

  private final String bootstrap = SharedLocalStack.endpoints().kafkaBootstrap();
  private final String prefix = UniqueNames.of("writers") + "/";
  private final MemoryStore store = new MemoryStore();

  @Test
  void shouldSplitThePartitionsAmongItsWritersAndApplyEveryChangeOnceThroughFailuresAndARestart() throws Exception {
    // given: a sink of three writers, settled in its group, whose first two transactions fail
    final String group = UniqueNames.of("writers-group");
    final MemorySink sink = new MemorySink(group, 3, store, 2);
    try {
      awaitStableGroup(group, 3);

      // when: 600 changes spread over every partition arrive
      produce(0, 600);

      // then: each was applied once, by all three writers, never two on one partition at a time
      await().atMost(Duration.ofSeconds(60)).until(() -> store.appliedOf(prefix) == 600);
      assertThat(store.timesApplied(prefix)).hasSize(600).allSatisfy((key, times) -> assertThat(times).as(key).isEqualTo(1));
      assertThat(sink.threads).hasSize(3);
      assertThat(sink.overlaps).hasValue(0);
      assertThat(sink.failuresLeft.get()).isNegative();
    } finally {
      sink.stop();
    }

    // when: a new sink of two writers takes over the same store and 300 more changes arrive
    final MemorySink restarted = new MemorySink(group, 2, store, 0);
    try {
      produce(600, 900);

      // then: it resumed where the store's offsets say, so the first 600 were not applied again
      await().atMost(Duration.ofSeconds(60)).until(() -> store.appliedOf(prefix) == 900);
      assertThat(store.timesApplied(prefix)).hasSize(900).allSatisfy((key, times) -> assertThat(times).as(key).isEqualTo(1));
      assertThat(restarted.overlaps).hasValue(0);
    } finally {
      restarted.stop();
    }
  }

  private void awaitStableGroup(final String group, final int members) {
    final Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        final ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return d.groupState() == GroupState.STABLE
            && d.members().size() == members
            && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
      });
    }
  }

  private void produce(final int from, final int to) {
    final Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, EntityChange> producer = new KafkaProducer<>(p, new StringSerializer(), new EntityChangeSerde().serializer())) {
      for (int i = from; i < to; i++) {
        final String key = "artifact/" + prefix + i;
        producer.send(new ProducerRecord<>(Topics.ENTITIES.name(), key, EntityChange.newBuilder().setKey(key).setKind("artifact")
            .setFacts(Map.of()).setProperties(Map.of()).setSets(Map.of()).setEarliest(Map.of()).setBarrier(null).build()));
      }
      producer.flush();
    }
  }

  /** Offsets and how often each key was applied, changed together under one lock: a transaction. */
  private static final class MemoryStore {

    private final Map<Integer, Long> offsets = new HashMap<>();
    private final Map<String, Integer> applied = new HashMap<>();

    synchronized void commit(final List<EntitySink.Arrived> changes, final Map<Integer, Long> first, final Map<Integer, Long> next) {
      EntitySink.requireCurrent(offsets, first);
      changes.forEach(a -> applied.merge(a.change().getKey(), 1, Integer::sum));
      offsets.putAll(next);
    }

    synchronized Map<Integer, Long> offsets() {
      return Map.copyOf(offsets);
    }

    synchronized Map<String, Integer> timesApplied(final String keyPrefix) {
      final Map<String, Integer> ours = new HashMap<>();
      applied.forEach((key, times) -> {
        if (key.startsWith("artifact/" + keyPrefix)) {
          ours.put(key, times);
        }
      });
      return ours;
    }

    synchronized long appliedOf(final String keyPrefix) {
      return timesApplied(keyPrefix).size();
    }
  }

  /** A sink into the {@link MemoryStore} that records which writer applied what, and when. */
  private static final class MemorySink extends EntitySink {

    private final MemoryStore store;
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> holders = new ConcurrentHashMap<>();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicInteger failuresLeft;

    MemorySink(final String group, final int writers, final MemoryStore store, final int failures) {
      super("Memory", new KafkaSettings(SharedLocalStack.endpoints().kafkaBootstrap(), Duration.ofSeconds(3)), group, 100, writers, Duration.ofMillis(10));
      this.store = store;
      this.failuresLeft = new AtomicInteger(failures);
      start();
    }

    @Override
    protected void apply(final List<Arrived> changes, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets) {
      final String writer = Thread.currentThread().getName();
      threads.add(writer);
      for (final Integer partition : nextOffsets.keySet()) {
        if (holders.putIfAbsent(partition, writer) != null) {
          overlaps.incrementAndGet();
        }
      }
      try {
        if (failuresLeft.getAndDecrement() > 0) {
          throw new IllegalStateException("the store is down");
        }
        store.commit(changes, firstOffsets, nextOffsets);
      } finally {
        nextOffsets.keySet().forEach(partition -> holders.remove(partition, writer));
      }
    }

    @Override
    protected Map<Integer, Long> storedOffsets() {
      return store.offsets();
    }
  }
}
