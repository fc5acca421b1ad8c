// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.cmfstream.testing.ServiceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Kafka unreachable: uploads get 503 with Retry-After, and nothing is claimed as accepted. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestWithoutKafkaIT implements TestPropertyProvider {

  private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);

  @Inject
  @Client("/")
  HttpClient client;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    // Port 1 on loopback: nothing listens, so every connection is refused.
    p.put("cmfstream.kafka.bootstrap-servers", "127.0.0.1:1");
    p.put("cmfstream.ingest.publisher.max-block", "2s");
    p.put("cmfstream.ingest.publisher.retry-after", "7s");
    return p;
  }

  @Test
  void shouldAnswerANativeUploadWith503AndRetryAfter() {
    final HttpClientResponseException e = reject(
        HttpRequest.POST("/api/v1/sites/edge-1/journal", "[{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}]").contentType("application/json"));

    assertThat(e.getStatus().getCode()).isEqualTo(503);
    assertThat(e.getResponse().getHeaders().get("Retry-After")).isEqualTo("7");
    assertThat(e.getResponse().getContentType()).map(Object::toString).contains("application/problem+json");
    assertThat(e.getResponse().getBody(MAP).orElseThrow()).containsEntry("type", "https://cmf-stream.org/problems/kafka-unavailable");
  }

  @Test
  void shouldAnswerACmfPushWith503AndRetryAfter() {
    final HttpClientResponseException e =
        reject(HttpRequest.POST("/api/mlmd_push", Fixtures.bytes(Fixtures.SYNTHETIC_PUSH_BODY)).contentType("application/json"));

    assertThat(e.getStatus().getCode()).isEqualTo(503);
    assertThat(e.getResponse().getHeaders().get("Retry-After")).isEqualTo("7");
    assertThat(e.getResponse().getBody(MAP).orElseThrow()).containsEntry("status", "unavailable");
  }

  private HttpClientResponseException reject(final HttpRequest<?> request) {
    try {
      client.toBlocking().exchange(request, MAP);
    } catch (HttpClientResponseException e) {
      return e;
    }
    throw new AssertionError("accepted while Kafka is down");
  }
}
