// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.cmfstream.replay.sink.RecordingSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class ReplayHealthIndicatorTest {

  private final RecordingSink sink = RecordingSink.started();
  private final ReplayHealthIndicator indicator = new ReplayHealthIndicator(() -> KafkaStreams.State.RUNNING, List.of(sink));

  @AfterEach
  void stop() throws InterruptedException {
    sink.stop();
  }

  @Test
  void shouldReportUpWithEachSinkWriterWhileTheStreamsRunAndEveryWriterWorks() {
    // given: a writer that applied a change
    sink.arrive(0, "artifact/a");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.applied().contains("artifact/a"));

    // when
    final HealthResult health = health();

    // then
    assertThat(health.getStatus()).isEqualTo(HealthStatus.UP);
    assertThat(details(health)).containsEntry("state", "RUNNING").containsEntry("sinks", Map.of("Recording-sink-0", Map.of("status", "UP")));
  }

  @Test
  void shouldReportDownNamingTheSinkWriterThatCannotDecodeARecordAndSinceWhen() {
    // given: the streams run, and a sink writer meets a record it cannot decode
    sink.failToDecodeWhile(0, new AtomicBoolean(true));
    await().atMost(Duration.ofSeconds(10)).until(() -> !sink.writers().get(0).healthy());

    // when
    final HealthResult health = health();

    // then
    assertThat(health.getStatus()).isEqualTo(HealthStatus.DOWN);
    assertThat(details(health)).containsEntry("state", "RUNNING");
    @SuppressWarnings("unchecked")
    final Map<String, Map<String, Object>> sinks = (Map<String, Map<String, Object>>) details(health).get("sinks");
    assertThat(sinks.get("Recording-sink-0"))
        .containsEntry("status", "DOWN")
        .containsEntry("failingSince", sink.writers().get(0).failingSince().toString())
        .hasEntrySatisfying("reason", reason -> assertThat((String) reason).contains("cannot decode the record at cmf.entities.v1-0 offset 0"));
  }

  @Test
  void shouldReportDownWithTheReasonOnceTheReplayStoppedForGood() {
    // given: the replay stopped at a record of a schema it does not know
    final ReplayHealthIndicator stopped =
        new ReplayHealthIndicator(() -> KafkaStreams.State.ERROR, () -> java.util.Optional.of("stopped at a journal record written under a schema"), List.of(sink));

    // when
    final HealthResult health = Mono.from(stopped.getResult()).block();

    // then
    assertThat(health.getStatus()).isEqualTo(HealthStatus.DOWN);
    assertThat(details(health)).containsEntry("state", "ERROR").containsEntry("reason", "stopped at a journal record written under a schema");
  }

  private HealthResult health() {
    return Mono.from(indicator.getResult()).block();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(final HealthResult health) {
    return (Map<String, Object>) health.getDetails();
  }
}
