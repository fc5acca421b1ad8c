// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.cmfstream.replay.sink.EntitySink;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reports the replay as {@code replay}: UP while it runs or rebalances and every writer of every
 * sink works; DOWN once it stopped or failed, or while a sink writer fails (a store that refuses
 * its batches, a record it cannot decode), with each writer's state in {@code sinks}: since when it
 * fails and why.
 */
@Singleton
@Requires(beans = ReplayStreams.class)
final class ReplayHealthIndicator implements HealthIndicator {

  private final Supplier<KafkaStreams.State> streams;
  private final List<EntitySink> sinks;

  private final Supplier<Optional<String>> failure;

  @Inject
  ReplayHealthIndicator(final ReplayStreams streams, final List<EntitySink> sinks) {
    this(streams::state, streams::failure, sinks);
  }

  ReplayHealthIndicator(final Supplier<KafkaStreams.State> streams, final List<EntitySink> sinks) {
    this(streams, Optional::empty, sinks);
  }

  /** @param failure why the replay stopped for good, if it did */
  ReplayHealthIndicator(final Supplier<KafkaStreams.State> streams, final Supplier<Optional<String>> failure, final List<EntitySink> sinks) {
    this.streams = streams;
    this.failure = failure;
    this.sinks = List.copyOf(sinks);
  }

  @Override
  public Publisher<HealthResult> getResult() {
    final KafkaStreams.State state = streams.get();
    final boolean running = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING || state == KafkaStreams.State.CREATED;
    final List<EntitySink.WriterHealth> all = sinks.stream().flatMap(sink -> sink.writers().stream()).toList();
    final Map<String, Object> writers = new LinkedHashMap<>();
    for (final EntitySink.WriterHealth writer : all) {
      final Map<String, Object> details = new LinkedHashMap<>();
      details.put("status", writer.healthy() ? HealthStatus.NAME_UP : HealthStatus.NAME_DOWN);
      if (!writer.healthy()) {
        details.put("failingSince", writer.failingSince().toString());
        details.put("reason", writer.reason());
      }
      writers.put(writer.writer(), details);
    }
    final boolean up = running && all.stream().allMatch(EntitySink.WriterHealth::healthy);
    final Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state.name());
    failure.get().ifPresent(reason -> details.put("reason", reason));
    details.put("sinks", writers);
    return Mono.just(HealthResult.builder("replay", up ? HealthStatus.UP : HealthStatus.DOWN).details(details).build());
  }
}
