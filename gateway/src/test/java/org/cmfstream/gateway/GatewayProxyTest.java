// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The front door against two real HTTP servers standing in for ingest-service and
 * query-service: each answers with its own name, the path it saw and the body it received.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayProxyTest implements TestPropertyProvider {

  private static final Argument<Map<String, Object>> BODY = Argument.mapOf(String.class, Object.class);

  @Inject
  @Client("/")
  HttpClient client;

  private final Backend ingest = new Backend("ingest");
  private final Backend query = new Backend("query");

  @Override
  public Map<String, String> getProperties() {
    return Map.of("cmfstream.gateway.ingest-url", ingest.url(), "cmfstream.gateway.query-url", query.url());
  }

  @AfterAll
  void stopBackends() {
    ingest.server.stop(0);
    query.server.stop(0);
  }

  @Test
  void shouldForwardAPushWithItsBodyToIngest() {
    final String push = "{\"pipeline_name\":\"Test-env\",\"json_payload\":\"{}\"}";

    final String answer =
        client.toBlocking().retrieve(HttpRequest.POST("/api/mlmd_push", push).contentType(MediaType.APPLICATION_JSON_TYPE), String.class);


    assertThat(answer).isEqualTo("ingest POST /api/mlmd_push " + push);
  }

  @Test
  void shouldForwardReadsAndThePullToQuery() {
    assertThat(client.toBlocking().retrieve("/api/pipelines?x=1")).isEqualTo("query GET /api/pipelines?x=1 ");
    assertThat(client.toBlocking().retrieve(HttpRequest.POST("/api/mlmd_pull", "{\"pipeline_name\":\"p\"}")))
        .isEqualTo("query POST /api/mlmd_pull {\"pipeline_name\":\"p\"}");
  }

  @Test
  void shouldPassBackendStatusCodesThrough() {
    final HttpClientResponseException error =
        catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().retrieve("/api/missing"));

    assertThat(error.getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode());
  }

  @Test
  void shouldReportItselfUpOnlyWhileBothServicesAreUp() {
    final HttpResponse<Map<String, Object>> up = client.toBlocking().exchange(HttpRequest.GET("/health"), BODY);
    assertThat(up.body().get("status")).isEqualTo("UP");

    query.healthStatus.set("DOWN");
    try {
      final HttpClientResponseException down =
          catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET("/health"), BODY));
      assertThat(down.getStatus().getCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE.getCode());
      @SuppressWarnings("unchecked")
      final Map<String, Object> details = (Map<String, Object>) down.getResponse().getBody(BODY).orElseThrow().get("details");
      assertThat(String.valueOf(details.get("query"))).contains("status=DOWN");
      assertThat(String.valueOf(details.get("ingest"))).contains("status=UP");
    } finally {
      query.healthStatus.set("UP");
    }
  }

  /** A minimal HTTP server on loopback that echoes what it received, and a settable /health. */
  private static final class Backend {
    final String name;
    final HttpServer server;
    final AtomicReference<String> healthStatus = new AtomicReference<>("UP");

    Backend(final String name) {
      this.name = name;
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext(
          "/",
          exchange -> {
            final String path = exchange.getRequestURI().toString();
            final byte[] body;
            final int status;
            if (path.equals("/health")) {
              status = "UP".equals(healthStatus.get()) ? 200 : 503;
              body = ("{\"status\":\"" + healthStatus.get() + "\"}").getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().add("Content-Type", "application/json");
            } else if (path.startsWith("/api/missing")) {
              status = 404;
              body = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
              status = 200;
              final String received = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
              body = (name + " " + exchange.getRequestMethod() + " " + path + " " + received).getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().add("Content-Type", "text/plain");
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }
  }
}
