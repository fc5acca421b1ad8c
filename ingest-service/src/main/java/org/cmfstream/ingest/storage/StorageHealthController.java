// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.storage;

import io.micronaut.health.HealthStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.health.indicator.HealthIndicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmfstream.service.storage.StorageSettings;
import reactor.core.publisher.Mono;

/**
 * {@code GET /health/storage}: the {@code storage} indicator of {@code /health} on its own, so
 * that an operator or the front door can ask about the bucket without waiting on Kafka, PostgreSQL
 * and Neo4j. Micronaut's health endpoint only knows the {@code liveness} and {@code readiness}
 * sub-paths, hence this route. It runs the very indicator {@code /health} runs: the same check,
 * the same details, 200 when UP and 503 when DOWN.
 */
@Controller
final class StorageHealthController {

  private final Optional<HealthIndicator> storage;

  StorageHealthController(final List<HealthIndicator> indicators) {
    // The indicator is service-support's and not public; it is the one in the storage package.
    this.storage = indicators.stream().filter(i -> i.getClass().getPackageName().equals(StorageSettings.class.getPackageName())).findFirst();
  }

  @Get(uris = {"/health/storage"}, produces = MediaType.APPLICATION_JSON)
  Mono<HttpResponse<Map<String, Object>>> storage() {
    if (storage.isEmpty()) {
      return Mono.just(HttpResponse.notFound(Map.of("status", "UNKNOWN", "detail", "this service has no object storage configured")));
    }
    return Mono.from(storage.get().getResult()).map(result -> {
      final Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", result.getName());
      body.put("status", result.getStatus().getName());
      body.put("details", result.getDetails());
      final HttpStatus status = HealthStatus.UP.equals(result.getStatus()) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
      return HttpResponse.<Map<String, Object>>status(status).body(body);
    });
  }
}
