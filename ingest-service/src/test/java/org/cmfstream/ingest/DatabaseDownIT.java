// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.ingest.Http.contentType;
import static org.cmfstream.ingest.Http.json;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.cmfstream.testing.ServiceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The projection unreachable (issue #4): a receipt or a watermark is answered 503 with {@code
 * Retry-After} within seconds, never held for the connection pool's default 30 s, which a client
 * polling its receipts would take for a hung server.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseDownIT implements TestPropertyProvider {

  /** Well under the 30 s a request used to wait for a connection that never came. */
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  @Inject
  EmbeddedServer server;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    // Port 1 on loopback: nothing listens, so every connection is refused.
    p.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:1/postgres");
    p.put("cmfstream.neo4j.uri", "bolt://127.0.0.1:1");
    return p;
  }

  @Test
  void shouldAnswerAReceiptWith503AndRetryAfterWithinSeconds() throws Exception {
    // when
    final HttpResponse<byte[]> response = get("/api/v1/receipts/" + UUID.randomUUID());

    // then
    assertUnavailable(response);
  }

  @Test
  void shouldAnswerAWatermarkWith503AndRetryAfterWithinSeconds() throws Exception {
    // when
    final HttpResponse<byte[]> response = get("/api/v1/sites/edge-1/watermark");

    // then
    assertUnavailable(response);
  }

  /** A GET that fails with HttpTimeoutException if the server holds it longer than {@link #PATIENCE}. */
  private HttpResponse<byte[]> get(final String path) throws Exception {
    final URI uri = URI.create(server.getURI() + path);
    return client.send(HttpRequest.newBuilder(uri).timeout(PATIENCE).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertUnavailable(final HttpResponse<byte[]> response) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(contentType(response)).startsWith("application/problem+json");
    assertThat(json(response)).containsEntry("type", "https://cmf-stream.org/problems/database-unavailable");
  }
}
