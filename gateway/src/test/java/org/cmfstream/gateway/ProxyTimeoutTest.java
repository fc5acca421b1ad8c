// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The front door when a service behind it is slower than the proxy's read timeout. */
class ProxyTimeoutTest {

  @Test
  void shouldWaitLongerThanACmfPushWaitsForItsReceipt() {
    // given: the gateway as configured
    try (ApplicationContext context = ApplicationContext.run(Map.of("micronaut.server.port", -1))) {
      // then: a push waits up to 30 s for its receipt (ingest's cmfstream.ingest.receipt.timeout)
      assertThat(context.getBean(HttpClientConfiguration.class).getReadTimeout()).hasValueSatisfying(t -> assertThat(t).isGreaterThan(Duration.ofSeconds(60)));
    }
  }

  @Test
  void shouldAnswerAServiceThatDoesNotAnswerInTimeWith504() throws Exception {
    // given: an ingest-service that holds every request until the test ends
    final CountDownLatch release = new CountDownLatch(1);
    final HttpServer silent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    silent.createContext("/", exchange -> {
      try {
        release.await(30, TimeUnit.SECONDS);
        exchange.sendResponseHeaders(200, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        exchange.close();
      }
    });
    silent.start();
    final String backend = "http://127.0.0.1:" + silent.getAddress().getPort();
    try (EmbeddedServer gateway = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1,
        "cmfstream.gateway.ingest-url", backend, "cmfstream.gateway.query-url", backend, "micronaut.http.client.read-timeout", "300ms"))) {
      // when
      final HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(gateway.getURI() + "/api/mlmd_push")).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

      // then
      assertThat(answer.statusCode()).isEqualTo(504);
      assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(answer.body()).contains("upstream-timeout").contains("/api/mlmd_push");
    } finally {
      release.countDown();
      silent.stop(0);
    }
  }
}
