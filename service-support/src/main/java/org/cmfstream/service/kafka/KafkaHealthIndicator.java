// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.kafka;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reports Kafka as {@code kafka}: UP when the cluster answers a metadata request within the
 * configured timeout, with its id and broker count; DOWN with the reason otherwise.
 */
@Singleton
@Requires(beans = Admin.class)
class KafkaHealthIndicator implements HealthIndicator {

  static final String NAME = "kafka";

  private final Admin admin;
  private final KafkaSettings settings;

  KafkaHealthIndicator(final Admin admin, final KafkaSettings settings) {
    this.admin = admin;
    this.settings = settings;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    final DescribeClusterResult cluster = admin.describeCluster();
    final CompletableFuture<HealthResult> result =
        cluster.clusterId().toCompletionStage().toCompletableFuture()
            .thenCombine(cluster.nodes().toCompletionStage().toCompletableFuture(), this::up)
            .orTimeout(settings.healthTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .exceptionally(this::down);
    return Mono.fromFuture(result);
  }

  private HealthResult up(final String clusterId, final Collection<Node> nodes) {
    final Map<String, Object> details = new LinkedHashMap<>();
    details.put("clusterId", clusterId);
    details.put("brokers", nodes.size());
    details.put("bootstrapServers", settings.bootstrapServers());
    return HealthResult.builder(NAME, nodes.isEmpty() ? HealthStatus.DOWN : HealthStatus.UP).details(details).build();
  }

  private HealthResult down(final Throwable error) {
    final Throwable cause = error.getCause() != null ? error.getCause() : error;
    return HealthResult.builder(NAME, HealthStatus.DOWN)
        .details(Map.of("bootstrapServers", settings.bootstrapServers(), "error", String.valueOf(cause)))
        .build();
  }
}
