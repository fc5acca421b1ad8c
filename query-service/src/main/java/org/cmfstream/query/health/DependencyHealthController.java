// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cmfstream.query.web.Responses;
import reactor.core.publisher.Mono;

/**
 * One route per dependency: {@code /health/database}, {@code /health/neo4j},
 * {@code /health/storage} and {@code /health/kafka}, so an operator (or a probe) can tell which
 * store is down; 200 when UP, 503 when not. Each is the matching part of Micronaut's own
 * {@code /health} answer, so the two can never disagree. They answer under {@code /api} too: the
 * front door forwards both forms unchanged, and keeps only {@code /health} itself for its own.
 */
@Controller
@Tag(name = "health")
final class DependencyHealthController {

  /** Each route's indicator, by the name it reports under. */
  private static final Map<String, String> INDICATORS = Map.of("database", "jdbc", "neo4j", "neo4j", "storage", "storage", "kafka", "kafka");

  /** Above every indicator's own timeout: they answer DOWN themselves when a dependency hangs. */
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final HealthEndpoint health;

  DependencyHealthController(final HealthEndpoint health) {
    this.health = health;
  }

  @Operation(summary = "PostgreSQL")
  @Get(uris = {"/health/database", "/api/health/database"})
  Mono<HttpResponse<String>> database() {
    return check("database");
  }

  @Operation(summary = "Neo4j")
  @Get(uris = {"/health/neo4j", "/api/health/neo4j"})
  Mono<HttpResponse<String>> neo4j() {
    return check("neo4j");
  }

  @Operation(summary = "the S3 bucket")
  @Get(uris = {"/health/storage", "/api/health/storage"})
  Mono<HttpResponse<String>> storage() {
    return check("storage");
  }

  @Operation(summary = "Kafka")
  @Get(uris = {"/health/kafka", "/api/health/kafka"})
  Mono<HttpResponse<String>> kafka() {
    return check("kafka");
  }

  private Mono<HttpResponse<String>> check(final String route) {
    final String name = INDICATORS.get(route);
    return Mono.from(health.getHealth(null))
        .timeout(WAIT)
        .map(all -> part(all, name))
        .onErrorResume(e -> Mono.just(Map.of("status", HealthStatus.DOWN.getName(), "details", Map.of("error", String.valueOf(e)))))
        .map(part -> {
          final Map<String, Object> body = new LinkedHashMap<>();
          body.put("name", route);
          body.putAll(part);
          final boolean up = HealthStatus.UP.getName().equals(part.get("status"));
          return Responses.json(up ? 200 : 503, body);
        });
  }

  /** The status and details of one indicator within the aggregate. */
  private static Map<String, Object> part(final HealthResult all, final String name) {
    final Object details = all.getDetails();
    final Object part = details instanceof Map<?, ?> map ? map.get(name) : null;
    final Map<String, Object> out = new LinkedHashMap<>();
    if (part instanceof HealthResult result) {
      out.put("status", result.getStatus().getName());
      out.put("details", result.getDetails());
    } else if (part instanceof Map<?, ?> map) {
      out.put("status", String.valueOf(map.get("status") instanceof HealthStatus s ? s.getName() : map.get("status")));
      out.put("details", map.get("details"));
    } else {
      out.put("status", HealthStatus.UNKNOWN.getName());
      out.put("details", Map.of("error", "no health indicator named " + name + " is configured"));
    }
    return out;
  }
}
