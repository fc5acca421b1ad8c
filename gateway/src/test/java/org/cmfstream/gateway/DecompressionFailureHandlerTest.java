// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue #7's bad-input campaign: a body declared gzip that is not gzip fails in the front door's
 * own Netty pipeline, which inflates it as it forwards it, and came back as a 500.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecompressionFailureHandlerTest implements TestPropertyProvider {

  @Inject
  @Client("/")
  HttpClient client;

  /** Stands in for both services: reads whatever body arrives, and answers 200. */
  private final HttpServer backend = startBackend();

  @Override
  public Map<String, String> getProperties() {
    final String url = "http://127.0.0.1:" + backend.getAddress().getPort();
    return Map.of("cmfstream.gateway.ingest-url", url, "cmfstream.gateway.query-url", url);
  }

  @AfterAll
  void stopBackend() {
    backend.stop(0);
  }

  @Test
  void shouldAnswerABodyThatIsNotWhatItsEncodingDeclaresWithA400Problem() {
    // given: longer than a gzip header, or the decoder would only wait for more, and pass nothing on
    final String json = "[" + "1,".repeat(100) + "1]";
    final HttpRequest<String> notGzip =
        HttpRequest.POST("/api/v1/sites/edge-1/journal", json).contentType(MediaType.APPLICATION_JSON_TYPE).header("Content-Encoding", "gzip");
    // when
    final HttpClientResponseException error = catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(notGzip, String.class));
    // then
    assertThat(error.code()).isEqualTo(400);
    assertThat(error.getResponse().getContentType().map(MediaType::toString).orElse("")).startsWith("application/problem+json");
    assertThat(error.getResponse().getBody(String.class).orElseThrow()).contains("\"status\":400").contains("https://cmf-stream.org/problems/bad-encoding");
  }

  private static HttpServer startBackend() {
    try {
      final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          in.readAllBytes();
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
