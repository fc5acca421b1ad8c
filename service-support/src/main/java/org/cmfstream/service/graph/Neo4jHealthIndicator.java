// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.graph;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.async.AsyncSession;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Reports Neo4j as {@code neo4j}: UP when the server runs a query within the configured timeout,
 * with its address and version; DOWN with the reason otherwise.
 */
@Singleton
@Requires(beans = Driver.class)
class Neo4jHealthIndicator implements HealthIndicator {

  static final String NAME = "neo4j";

  private final Driver driver;
  private final Neo4jSettings settings;

  Neo4jHealthIndicator(final Driver driver, final Neo4jSettings settings) {
    this.driver = driver;
    this.settings = settings;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    final Duration timeout = settings.healthTimeout();
    return Mono.usingWhen(
            Mono.fromSupplier(() -> driver.session(AsyncSession.class)),
            session ->
                Mono.fromCompletionStage(session.runAsync("RETURN 1 AS one").thenCompose(cursor -> cursor.consumeAsync()))
                    .map(summary -> up(summary.server().address(), summary.server().protocolVersion())),
            session -> Mono.fromCompletionStage(session.closeAsync()))
        .timeout(timeout)
        .onErrorResume(e -> Mono.just(down(e)));
  }

  private HealthResult up(final String address, final String protocol) {
    final Map<String, Object> details = new LinkedHashMap<>();
    details.put("uri", settings.uri());
    details.put("server", address);
    details.put("protocol", protocol);
    return HealthResult.builder(NAME, HealthStatus.UP).details(details).build();
  }

  private HealthResult down(final Throwable error) {
    return HealthResult.builder(NAME, HealthStatus.DOWN).details(Map.of("uri", settings.uri(), "error", String.valueOf(error))).build();
  }
}
