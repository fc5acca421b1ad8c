// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.cmfstream.testing.HealthResponse;
import org.cmfstream.testing.ServiceProperties;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

class IngestHealthIT {

  private static final Argument<Map<String, Object>> BODY = Argument.mapOf(String.class, Object.class);

  @Nested
  @MicronautTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithEveryDependencyUp implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
      return ServiceProperties.ofSharedStack();
    }

    @Test
    void shouldReportKafkaAndStorageUp() {
      final HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.GET("/health"), BODY);

      assertThat(response.status().getCode()).isEqualTo(HttpStatus.OK.getCode());
      final HealthResponse health = new HealthResponse(response.body());
      assertThat(health.status()).isEqualTo("UP");
      assertThat(health.statusOf("kafka")).isEqualTo("UP");
      assertThat(health.detailsOf("kafka")).containsEntry("brokers", 1);
      assertThat(health.statusOf("storage")).isEqualTo("UP");
      assertThat(health.detailsOf("storage")).containsEntry("bucketExists", true);
    }

    @Test
    void shouldReportStorageUpOnItsOwnRoute() {
      // Micronaut's health endpoint has no per-indicator sub-path; ingest adds /health/storage (issue #6).
      final HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.GET("/health/storage"), BODY);

      assertThat(response.status().getCode()).isEqualTo(HttpStatus.OK.getCode());
      assertThat(response.body()).containsEntry("name", "storage").containsEntry("status", "UP");
      assertThat(response.body().get("details")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("bucketExists", true);
    }
  }

  @Nested
  @MicronautTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithObjectStorageMissing implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
      final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
      // A bucket that does not exist on a server that is up: nothing could be stored.
      p.put("cmfstream.s3.bucket", "no-such-bucket");
      return p;
    }

    @Test
    void shouldReportStorageDownAndTheServiceDown() {
      final HttpClientResponseException error =
          catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET("/health"), BODY));

      assertThat(error.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      final HealthResponse health = new HealthResponse(error.getResponse().getBody(BODY).orElseThrow());
      assertThat(health.status()).isEqualTo("DOWN");
      assertThat(health.statusOf("storage")).isEqualTo("DOWN");
      assertThat(health.detailsOf("storage")).containsEntry("bucketExists", false);
      assertThat(health.statusOf("kafka")).isEqualTo("UP");
    }

    @Test
    void shouldReportStorageDownOnItsOwnRoute() {
      final HttpClientResponseException error =
          catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET("/health/storage"), BODY));

      assertThat(error.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      final Map<String, Object> body = error.getResponse().getBody(BODY).orElseThrow();
      assertThat(body).containsEntry("name", "storage").containsEntry("status", "DOWN");
      assertThat(body.get("details")).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("bucketExists", false).containsEntry("bucket", "no-such-bucket");
    }
  }
}
