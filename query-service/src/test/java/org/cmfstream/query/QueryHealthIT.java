// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

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
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.cmfstream.testing.HealthResponse;
import org.cmfstream.testing.ProjectionSchema;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

class QueryHealthIT {

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
    void shouldReportPostgresNeo4jStorageAndKafkaUp() {
      final HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.GET("/health"), BODY);

      assertThat(response.status().getCode()).isEqualTo(HttpStatus.OK.getCode());
      final HealthResponse health = new HealthResponse(response.body());
      assertThat(health.status()).isEqualTo("UP");
      assertThat(health.statusOf("jdbc")).isEqualTo("UP");
      assertThat(health.statusOf("neo4j")).isEqualTo("UP");
      assertThat(health.statusOf("storage")).isEqualTo("UP");
      assertThat(health.statusOf("kafka")).isEqualTo("UP");
    }
  }

  @Nested
  @MicronautTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithNeo4jUnreachable implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient client;

    @Override
    public Map<String, String> getProperties() {
      // The pipelines route reads the projection: its tables must exist when this class runs alone.
      ProjectionSchema.migrate(SharedLocalStack.endpoints());
      final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
      // Port 1 on loopback: nothing listens there, the connection is refused at once.
      p.put("cmfstream.neo4j.uri", "bolt://127.0.0.1:1");
      return p;
    }

    @Test
    void shouldReportNeo4jDownAndTheRestUp() {
      final HttpClientResponseException error =
          catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET("/health"), BODY));

      assertThat(error.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      final HealthResponse health = new HealthResponse(error.getResponse().getBody(BODY).orElseThrow());
      assertThat(health.status()).isEqualTo("DOWN");
      assertThat(health.statusOf("neo4j")).isEqualTo("DOWN");
      assertThat(health.detailsOf("neo4j")).containsKey("error");
      assertThat(health.statusOf("jdbc")).isEqualTo("UP");
      assertThat(health.statusOf("storage")).isEqualTo("UP");
    }

    @Test
    void shouldReportNeo4jDownOnItsOwnRouteWhileTheRestOfTheApiAnswers() {
      final HttpResponse<Map<String, Object>> database = client.toBlocking().exchange(HttpRequest.GET("/health/database"), BODY);
      final HttpClientResponseException neo4j =
          catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET("/health/neo4j"), BODY));
      final HttpResponse<String> pipelines = client.toBlocking().exchange(HttpRequest.GET("/api/pipelines"), String.class);
      final HttpClientResponseException lineage = catchThrowableOfType(HttpClientResponseException.class,
          () -> client.toBlocking().exchange(HttpRequest.GET("/api/v1/lineage/artifacts/abc"), String.class));

      assertThat(neo4j.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      assertThat(neo4j.getResponse().getBody(BODY).orElseThrow()).containsEntry("status", "DOWN");
      assertThat(database.code()).isEqualTo(200);
      assertThat(pipelines.code()).isEqualTo(200);
      // and: what needs the graph says so, with a 503 to retry, not a 500
      assertThat(lineage.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      assertThat(lineage.getResponse().getHeaders().get("Retry-After")).isNotNull();
    }
  }

  @Nested
  @MicronautTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithPostgresUnreachable implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
      final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
      // Port 1 on loopback: nothing listens there, the connection is refused at once.
      p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:1/postgres");
      return p;
    }

    @Test
    void shouldAnswerAReadOfThePostgresProjectionWith503WithinSeconds() throws Exception {
      // given: a client that gives up after 15 s, well under the pool's default wait of 30 s
      final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      final java.net.http.HttpRequest request =
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.getURI() + "/api/v1/pipelines")).timeout(java.time.Duration.ofSeconds(15)).build();

      // when
      final java.net.http.HttpResponse<String> response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());

      // then: a 503 to retry, not a 500, and not a request held until the client gives up
      assertThat(response.statusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      assertThat(response.body()).contains("store-unavailable");
    }
  }
}
