// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A sink's writer on a mock consumer: it outlives every failure of its poll and its store, and says so while they last. */
class EntitySinkTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final RecordingSink sink = RecordingSink.started();

  @AfterEach
  void stop() throws InterruptedException {
    sink.stop();
  }

  @Test
  void shouldHoldAtARecordItCannotDecodeReportItAndGoOnOnceItCan() {
    // given: a writer that applied the change at offset 0
    sink.arrive(0, "artifact/a");
    await().atMost(PATIENCE).until(() -> sink.applied().contains("artifact/a"));
    final Instant before = Instant.now();

    // when: the record at offset 1 cannot be decoded, poll after poll
    final AtomicBoolean undecodable = new AtomicBoolean(true);
    sink.failToDecodeWhile(1, undecodable);

    // then: the writer reports itself failing, naming the record, and skips nothing
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(sink.writers()).singleElement().satisfies(w -> {
      assertThat(w.healthy()).isFalse();
      assertThat(w.failingSince()).isAfterOrEqualTo(before);
      assertThat(w.reason()).contains("cannot decode the record at cmf.entities.v1-0 offset 1");
    }));
    assertThat(sink.applied()).containsExactly("artifact/a");

    // when: a service that reads the record is deployed
    undecodable.set(false);
    sink.arrive(1, "artifact/b");

    // then: the same writer applies it and is healthy again
    await().atMost(PATIENCE).until(() -> sink.applied().contains("artifact/b"));
    assertThat(sink.applied()).containsExactly("artifact/a", "artifact/b");
    await().atMost(PATIENCE).until(() -> sink.writers().get(0).healthy());
  }

  @Test
  void shouldOutliveAFailedPoll() {
    // given: a writer whose next poll fails
    sink.failNextPoll(new KafkaException("the group coordinator said no"));

    // when: a change arrives after it
    sink.arrive(0, "artifact/a");

    // then: the writer polled again and applied it
    await().atMost(PATIENCE).until(() -> sink.applied().contains("artifact/a"));
    assertThat(sink.writers()).singleElement().satisfies(w -> assertThat(w.healthy()).isTrue());
  }

  @Test
  void shouldReportAStoreThatRefusesItsBatchesUntilItTakesThem() {
    // given: a store that is down
    sink.storeDown().set(true);

    // when: a change arrives
    sink.arrive(0, "artifact/a");

    // then: the writer reports the store's failure
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(sink.writers()).singleElement().satisfies(w -> {
      assertThat(w.healthy()).isFalse();
      assertThat(w.reason()).contains("the store did not take a batch of 1 changes").contains("the store is down");
    }));

    // when: the store is back, and the broker delivers the change again from where the writer rewound
    sink.storeDown().set(false);
    sink.arrive(0, "artifact/a");

    // then: the change is applied and the writer is healthy again
    await().atMost(PATIENCE).until(() -> sink.applied().contains("artifact/a") && sink.writers().get(0).healthy());
  }
}
