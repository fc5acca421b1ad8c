// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression tests for what issue #7's bad-input campaign (e2e-tests' {@code BadInputCampaign})
 * found on the read side. Every request here is refused before a store is asked, so no store is
 * needed.
 */
@MicronautTest(startApplication = true)
class BadInputAnswersTest {

  @Inject
  @Client("/")
  HttpClient client;

  private HttpClientResponseException refused(final HttpRequest<?> request) {
    return catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(request, String.class));
  }

  @Nested
  class ParametersOfTheWrongType {

    /** The framework's conversion error came back in its own shape, not as the README's problem naming the parameter. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/v1/executions?page_size=abc                       | page_size",
        "/api/v1/artifacts?page_size=99999999999                | page_size",
        "/api/v1/lineage/artifacts/abc?depth=1.5                | depth",
        "/api/v1/lineage/executions/abc?max_nodes=2147483648    | max_nodes"})
    void shouldAnswerWithAProblemNamingTheParameter(final String uri, final String parameter) {
      // when
      final HttpClientResponseException error = refused(HttpRequest.GET(uri));
      // then
      assertThat(error.code()).isEqualTo(400);
      assertThat(error.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
      assertThat(error.getResponse().getBody(String.class).orElseThrow()).contains("\"detail\":\"" + parameter + ":").contains("invalid-parameter");
    }
  }

  @Nested
  class NulCharacters {

    /** PostgreSQL text cannot hold a NUL: handed to a query, it failed it, and the answer was a 500 carrying the SQL. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/api/v1/executions?pipeline=a%00b", "/api/v1/artifacts?property=url:a%00b", "/api/v1/executions/a%00b",
        "/api/executions-by-stage/a%00b?stage_name=s"})
    void shouldBeRefusedWith400BeforeAStoreIsAsked(final String uri) {
      // when
      final HttpClientResponseException error = refused(HttpRequest.GET(uri));
      // then
      assertThat(error.code()).isEqualTo(400);
      assertThat(error.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
    }

    @Test
    void shouldPullNoPipelineWhoseNameHasOne() {
      // when
      final HttpClientResponseException error =
          refused(HttpRequest.POST("/api/mlmd_pull", "{\"pipeline_name\":\"a\\u0000b\"}").contentType("application/json"));
      // then
      assertThat(error.code()).isEqualTo(404);
      assertThat(error.getResponse().getBody(String.class).orElseThrow()).contains("not found");
    }
  }

  @Nested
  class LineageCursors {

    /** A forged offset (up to Integer.MAX_VALUE) lifted the node budget: the walk gathered every node within its depth. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {100_001, Integer.MAX_VALUE})
    void shouldRefuseAnOffsetBeyondWhatAWalkAnswers(final int offset) {
      // given: a cursor of the default walk (depth 5, 500 nodes); the cap is 20 x max_nodes' cap of 5,000
      final String cursor = PageTokens.forQuery("lineage|artifact|abc|BOTH|5|500", "{\"o\":" + offset + "}");

      // when
      final HttpClientResponseException error = refused(HttpRequest.GET("/api/v1/lineage/artifacts/abc?cursor=" + cursor));

      // then
      assertThat(error.code()).isEqualTo(400);
      assertThat(error.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
      assertThat(error.getResponse().getBody(String.class).orElseThrow()).contains("\"detail\":\"cursor: not a cursor this API issued");
    }
  }

  @Nested
  class PullsWhoseNamesAreNoStrings {

    /** A pipeline_name that was a number or a list pulled the dump of every pipeline. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"pipeline_name\":42}", "{\"pipeline_name\":[]}", "{\"pipeline_name\":\"p\",\"exec_uuid\":{}}"})
    void shouldBeRefusedWith422(final String body) {
      // when
      final HttpClientResponseException error = refused(HttpRequest.POST("/api/mlmd_pull", body).contentType("application/json"));
      // then
      assertThat(error.code()).isEqualTo(422);
      assertThat(error.getResponse().getBody(String.class).orElseThrow()).contains("\"detail\"").contains("must be a string");
    }
  }
}
