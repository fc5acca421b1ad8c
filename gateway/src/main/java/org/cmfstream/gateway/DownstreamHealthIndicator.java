// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.core.type.Argument;
import io.micronaut.health.HealthStatus;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reports the two services behind the front door as {@code ingest} and {@code query}, each with
 * the status its own {@code /health} gives. The front door is only as healthy as they are.
 */
@Singleton
final class DownstreamHealthIndicator implements HealthIndicator {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Argument<Map<String, Object>> BODY = Argument.mapOf(String.class, Object.class);

  private final HttpClient client;
  private final GatewaySettings settings;

  DownstreamHealthIndicator(final HttpClient client, final GatewaySettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    return Flux.merge(check("ingest", settings.ingestUrl()), check("query", settings.queryUrl()));
  }

  private Mono<HealthResult> check(final String name, final URI base) {
    final URI health = base.resolve("/health");
    return Mono.from(client.exchange(HttpRequest.GET(health), BODY))
        .map(response -> result(name, health, response.getBody().orElse(Map.of())))
        .onErrorResume(
            HttpClientResponseException.class,
            e -> Mono.just(result(name, health, e.getResponse().getBody(BODY).orElse(Map.of("error", e.getMessage())))))
        .timeout(TIMEOUT)
        .onErrorResume(
            e -> Mono.just(HealthResult.builder(name, HealthStatus.DOWN).details(Map.of("url", health.toString(), "error", String.valueOf(e))).build()));
  }

  private static HealthResult result(final String name, final URI url, final Map<String, Object> body) {
    final HealthStatus status = "UP".equals(body.get("status")) ? HealthStatus.UP : HealthStatus.DOWN;
    return HealthResult.builder(name, status).details(Map.of("url", url.toString(), "status", String.valueOf(body.get("status")))).build();
  }
}
