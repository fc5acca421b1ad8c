// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** Reports the replay as {@code replay}: UP while it runs or rebalances, DOWN once it stopped or failed. */
@Singleton
@Requires(beans = ReplayStreams.class)
final class ReplayHealthIndicator implements HealthIndicator {

  private final ReplayStreams streams;

  ReplayHealthIndicator(final ReplayStreams streams) {
    this.streams = streams;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    final KafkaStreams.State state = streams.state();
    final boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING || state == KafkaStreams.State.CREATED;
    return Mono.just(HealthResult.builder("replay", up ? HealthStatus.UP : HealthStatus.DOWN).details(Map.of("state", state.name())).build());
  }
}
