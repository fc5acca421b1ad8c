// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue #7: the front door forwards a body as the client sent it, {@code Content-Encoding} and
 * all, so that ingest-service, which decodes it strictly, is the one to judge it. It used to
 * inflate bodies itself, with Netty's inflater, which takes a gzip body cut in its last bytes as
 * complete and forwarded it decoded: ingest never saw that anything was missing.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncodedBodyPassThroughTest implements TestPropertyProvider {

  @Inject
  @Client("/")
  HttpClient client;

  private final AtomicReference<byte[]> received = new AtomicReference<>();
  private final AtomicReference<String> receivedEncoding = new AtomicReference<>();

  /** Stands in for both services: keeps the body and its encoding as they arrive, and answers 200. */
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
  void shouldForwardAGzipBodyCutInItsTrailerUndecoded() throws IOException {
    // given: a gzip body without the last byte of its trailer
    final byte[] whole = gzip(("[" + "1,".repeat(100) + "1]").getBytes(StandardCharsets.UTF_8));
    final byte[] cut = Arrays.copyOf(whole, whole.length - 1);
    final HttpRequest<byte[]> request =
        HttpRequest.POST("/api/v1/sites/edge-1/journal", cut).contentType(MediaType.APPLICATION_JSON_TYPE).header("Content-Encoding", "gzip");

    // when
    final HttpResponse<String> answer = client.toBlocking().exchange(request, String.class);

    // then
    assertThat(answer.code()).isEqualTo(200);
    assertThat(receivedEncoding.get()).isEqualTo("gzip");
    assertThat(received.get()).isEqualTo(cut);
  }

  @Test
  void shouldForwardABodyThatIsNotItsDeclaredGzipForIngestToRefuse() {
    // given
    final byte[] notGzip = ("[" + "1,".repeat(100) + "1]").getBytes(StandardCharsets.UTF_8);
    final HttpRequest<byte[]> request =
        HttpRequest.POST("/api/mlmd_push", notGzip).contentType(MediaType.APPLICATION_JSON_TYPE).header("Content-Encoding", "gzip");

    // when
    final HttpResponse<String> answer = client.toBlocking().exchange(request, String.class);

    // then
    assertThat(answer.code()).isEqualTo(200);
    assertThat(receivedEncoding.get()).isEqualTo("gzip");
    assertThat(received.get()).isEqualTo(notGzip);
  }

  private static byte[] gzip(final byte[] bytes) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private HttpServer startBackend() {
    try {
      final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          received.set(in.readAllBytes());
        }
        receivedEncoding.set(exchange.getRequestHeaders().getFirst("Content-Encoding"));
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
