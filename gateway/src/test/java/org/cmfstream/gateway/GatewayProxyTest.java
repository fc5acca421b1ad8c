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
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  private static final long ONE_GIB = 1L << 30;

  @Inject
  EmbeddedServer server;

  @Inject
  HttpServerConfiguration serverSettings;

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
  void shouldForwardEachDependencysHealthRouteToQueryAndKeepOnlyHealthItself() {
    // given: query-service answers /health/{database,neo4j,storage,kafka} (README, "Reading")
    // when
    final String neo4j = client.toBlocking().retrieve("/health/neo4j");
    final String storage = client.toBlocking().retrieve("/health/storage");
    final String prefixed = client.toBlocking().retrieve("/api/health/database");
    final HttpResponse<Map<String, Object>> own = client.toBlocking().exchange(HttpRequest.GET("/health"), BODY);

    // then
    assertThat(neo4j).isEqualTo("query GET /health/neo4j ");
    assertThat(storage).isEqualTo("query GET /health/storage ");
    assertThat(prefixed).isEqualTo("query GET /api/health/database ");
    @SuppressWarnings("unchecked")
    final Map<String, Object> details = (Map<String, Object>) own.body().get("details");
    assertThat(details).containsKeys("ingest", "query");
  }

  @Test
  void shouldTakeBodiesAsLargeAsIngestDoes() throws IOException {
    // given
    final Properties ingestSettings = new Properties();
    try (InputStream in = Files.newInputStream(Path.of("../ingest-service/src/main/resources/application.properties"))) {
      ingestSettings.load(in);
    }
    final long ingestLimit = Long.parseLong(ingestSettings.getProperty("micronaut.server.max-request-size"));

    // then
    assertThat(serverSettings.getMaxRequestSize()).isGreaterThanOrEqualTo(ingestLimit).isGreaterThan(ONE_GIB);
  }

  /**
   * An artifact over 1 GiB goes through the front door to ingest, streamed: the generated body
   * holds back its last bytes until the backend has received its first ones, which a proxy that
   * buffered whole bodies would never forward, so the upload would stall and the test fail.
   */
  @Test
  void shouldStreamABodyOverOneGibThroughToTheBackend() throws Exception {
    // given
    final long size = ONE_GIB + ONE_GIB / 5;
    final String md5 = "0123456789abcdef0123456789abcdef";
    final java.net.http.HttpRequest put = java.net.http.HttpRequest.newBuilder(
            URI.create(server.getURL() + "/api/v1/artifacts/" + md5))
        .PUT(java.net.http.HttpRequest.BodyPublishers.fromPublisher(
            java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBody(size, ingest.firstBytes)), size))
        .build();

    // when
    final java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient().send(put, java.net.http.HttpResponse.BodyHandlers.ofString());

    // then
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ingest PUT /api/v1/artifacts/" + md5 + " received " + size + " bytes");
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
    final CountDownLatch firstBytes = new CountDownLatch(1);

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
            } else if ("PUT".equals(exchange.getRequestMethod())) {
              // Counts a large body as it arrives, never holding it.
              status = 200;
              long received = 0;
              final byte[] buffer = new byte[1 << 16];
              try (InputStream in = exchange.getRequestBody()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  received += n;
                  if (received > 0) {
                    firstBytes.countDown();
                  }
                }
              }
              body = (name + " PUT " + path + " received " + received + " bytes").getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().add("Content-Type", "text/plain");
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

  /**
   * {@code size} bytes made up on the fly; past the first 64 MiB it waits until the backend has
   * received bytes, so the whole body is never in flight at once unless the proxy streams.
   */
  private static final class GeneratedBody extends InputStream {
    private static final long HOLD_BACK_AFTER = 64L << 20;
    private final long size;
    private final CountDownLatch backendReceived;
    private long sent;

    GeneratedBody(final long size, final CountDownLatch backendReceived) {
      this.size = size;
      this.backendReceived = backendReceived;
    }

    @Override
    public int read() throws IOException {
      final byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException {
      if (sent >= size) {
        return -1;
      }
      if (sent >= HOLD_BACK_AFTER) {
        awaitBackend();
      }
      final int n = (int) Math.min(length, size - sent);
      java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'x');
      sent += n;
      return n;
    }

    private void awaitBackend() throws IOException {
      try {
        if (!backendReceived.await(30, TimeUnit.SECONDS)) {
          throw new IOException("the backend received nothing while " + sent + " bytes were sent: the proxy buffers bodies");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }
}
