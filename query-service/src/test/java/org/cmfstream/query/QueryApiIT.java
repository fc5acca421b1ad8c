// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.cmfstream.query.store.ProjectionStore;
import org.cmfstream.query.store.StoreRefusedValue;
import org.cmfstream.testing.ProjectionSchema;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The query service on the real stack, without data of its own: every dependency's health route,
 * the answers for what does not exist, and a 400 problem+json (or the cmf 422) for every bad
 * parameter. What the routes answer for real data is proven end to end in e2e-tests
 * (CmfRoundTripIT), where a fixture goes through ingest and replay first.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiIT implements TestPropertyProvider {

  private static final Argument<Map<String, Object>> MAP = Argument.mapOf(String.class, Object.class);

  @Inject
  @Client("/")
  HttpClient client;

  @Inject
  DataSource dataSource;

  @Inject
  ProjectionStore store;

  @Override
  public Map<String, String> getProperties() {
    ProjectionSchema.migrate(SharedLocalStack.endpoints());
    return ServiceProperties.ofSharedStack();
  }

  @Test
  void shouldPlanEveryQueryWithItsValuesEvenAfterTheDriverPreparedIt() throws Exception {
    // given: a pooled connection of the service, and a statement run often enough (more than the
    // driver's five) to be prepared on the server, where PostgreSQL would switch to a generic plan
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT current_setting('plan_cache_mode') WHERE ? > 0")) {
      String mode = null;
      for (int i = 1; i <= 10; i++) {
        statement.setInt(1, i);
        try (ResultSet rs = statement.executeQuery()) {
          assertThat(rs.next()).isTrue();
          mode = rs.getString(1);
        }
      }

      // then: the session plans each execution with its values (a property filter's selectivity decides the plan)
      assertThat(mode).isEqualTo("force_custom_plan");
    }
  }

  @ParameterizedTest
  @CsvSource({"/health, database", "/health, neo4j", "/health, storage", "/health, kafka",
      "/api/health, database", "/api/health, neo4j", "/api/health, storage", "/api/health, kafka"})
  void shouldReportEachDependencyOnItsOwnRoute(final String base, final String dependency) {
    final HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.GET(base + "/" + dependency), MAP);

    assertThat(response.code()).isEqualTo(200);
    assertThat(response.body()).containsEntry("name", dependency).containsEntry("status", "UP");
  }

  @Test
  void shouldAnswerAnUnknownPipelineAsTheCmfServerDoes() {
    final String pipeline = UniqueNames.of("no-such-pipeline");

    final HttpClientResponseException pull = catchThrowableOfType(HttpClientResponseException.class,
        () -> client.toBlocking().exchange(HttpRequest.POST("/api/mlmd_pull", Map.of("pipeline_name", pipeline)), String.class));
    final Map<String, Object> stages = client.toBlocking().retrieve(HttpRequest.GET("/api/pipeline-stages/" + pipeline), MAP);
    final HttpClientResponseException list = catchThrowableOfType(HttpClientResponseException.class,
        () -> client.toBlocking().exchange(HttpRequest.GET("/api/list-of-executions/" + pipeline), String.class));
    final String page = client.toBlocking().retrieve(HttpRequest.GET("/api/executions-by-stage/" + pipeline + "?stage_name=x"));

    assertThat(pull.code()).isEqualTo(404);
    assertThat(pull.getResponse().getBody(MAP).orElseThrow()).containsEntry("detail", "Pipeline " + pipeline + " not found.");
    assertThat(stages).containsEntry("stages", List.of()).containsEntry("total_stages", 0);
    assertThat(list.code()).isEqualTo(404);
    assertThat(page).isEqualTo("{\"total_items\":0,\"items\":[]}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/executions?sort=colour                  | sort",
      "/api/v1/executions?page_size=0                  | page_size",
      "/api/v1/executions?page_size=501                | page_size",
      "/api/v1/executions?page_token=garbage           | page_token",
      "/api/v1/executions?property=no-colon            | property",
      "/api/v1/artifacts?sort=name                     | sort",
      "/api/v1/artifacts?page_size=100000              | page_size",
      "/api/v1/conflicts?page_token=eyJ4IjoxfQ         | page_token",
      "/api/v1/lineage/artifacts/abc?depth=26          | depth",
      "/api/v1/lineage/artifacts/abc?depth=0           | depth",
      "/api/v1/lineage/artifacts/abc?max_nodes=5001    | max_nodes",
      "/api/v1/lineage/executions/abc?direction=sideways | direction",
      "/api/v1/lineage/executions/abc?cursor=xyz       | cursor"})
  void shouldAnswerABadV1ParameterWithAProblemNamingIt(final String uri, final String parameter) {
    final HttpClientResponseException error =
        catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET(uri), String.class));

    assertThat(error.code()).isEqualTo(400);
    assertThat(error.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
    assertThat(error.getResponse().getBody(MAP).orElseThrow().get("detail").toString()).startsWith(parameter + ":");
  }

  @Test
  void shouldTellATokenFromAnotherQueryFromAValidOne() {
    final String firstPage = client.toBlocking().retrieve(HttpRequest.GET("/api/v1/executions?page_size=1"));
    final String token = PageTokens.forQuery("executions|null|null|[]|created");

    final HttpClientResponseException error = catchThrowableOfType(HttpClientResponseException.class,
        () -> client.toBlocking().exchange(HttpRequest.GET(UriBuilder.of("/api/v1/executions").queryParam("page_token", token).build()), String.class));

    assertThat(firstPage).startsWith("{\"items\":[");
    assertThat(error.code()).isEqualTo(400);
  }

  /** PostgreSQL text cannot hold a NUL: a forged key with one (base64 hides it from the NUL filter) gave a 500 carrying the SQL. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"/api/v1/executions, executions|null|null|[]|-created, '{\"t\":1,\"k\":\"\\u0000\"}'",
      "/api/v1/conflicts, conflicts, '{\"e\":\"a\\u0000\",\"f\":\"type\"}'"})
  void shouldRefuseAForgedTokenWhoseKeyHoldsANulAsABadToken(final String route, final String query, final String position) {
    // given
    final String token = PageTokens.forQuery(query, position);

    // when
    final HttpClientResponseException error = catchThrowableOfType(HttpClientResponseException.class,
        () -> client.toBlocking().exchange(HttpRequest.GET(UriBuilder.of(route).queryParam("page_token", token).build()), String.class));

    // then
    assertThat(error.code()).isEqualTo(400);
    assertThat(error.getResponse().getContentType().orElseThrow().toString()).isEqualTo("application/problem+json");
    assertThat(error.getResponse().getBody(MAP).orElseThrow().get("detail").toString()).isEqualTo("page_token: not a token this API issued");
  }

  /** A value PostgreSQL refuses (SQLSTATE class 22) came from the request: a 400, not an IllegalStateException (a 500 carrying the SQL). */
  @Test
  void shouldTellAValueThatPostgresqlRefusesFromADefect() {
    // when / then
    assertThatThrownBy(() -> store.query("SELECT ?::text", rs -> rs.getString(1), "a\u0000b"))
        .isInstanceOf(StoreRefusedValue.class).hasMessageNotContaining("SELECT");
  }

  /** A query that ran for minutes held one of the pool's eight connections all that time. */
  @Test
  void shouldCancelAQueryThatRunsLongerThanTheStatementTimeoutAndAnswerUnavailable() {
    // given: the service's timeout, and a transaction that lowers it to 50 ms
    assertThat(store.query("SELECT current_setting('statement_timeout')", rs -> rs.getString(1))).containsExactly("1min");
    // when / then
    assertThatThrownBy(() -> store.inSnapshot(s -> {
      s.query("SELECT set_config('statement_timeout', '50', true)", rs -> rs.getString(1));
      return s.query("SELECT pg_sleep(5)::text", rs -> rs.getString(1));
    })).isInstanceOf(org.cmfstream.query.store.StoreUnavailable.class);
  }

  /** A page of conflicts was ordered by an expression no index covers, so every page sorted the whole table. */
  @Test
  void shouldReadAPageOfConflictsInTheOrderOfTheirKeyWithoutSorting() {
    // when: the plan, with sequential scans priced out as on a large table
    final List<String> plan = store.inSnapshot(s -> {
      s.query("SELECT set_config('enable_seqscan', 'off', true)", rs -> rs.getString(1));
      return s.query("EXPLAIN " + ProjectionStore.CONFLICTS_PAGE, rs -> rs.getString(1), "", "", 10);
    });

    // then
    assertThat(String.join("\n", plan)).contains("conflicts_pkey").doesNotContain("Sort");
  }

  /** A pipeline read whole (mlmd_pull, the lineage views) ran its queries on separate connections, each seeing the projection at its own time. */
  @Test
  void shouldRunTheQueriesOfASnapshotInOneReadOnlyRepeatableReadTransaction() {
    // when
    final List<List<String>> seen = store.inSnapshot(s -> List.of(
        s.query("SELECT pg_backend_pid()::text, now()::text, current_setting('transaction_isolation'), current_setting('transaction_read_only')",
            rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).get(0),
        s.query("SELECT pg_backend_pid()::text, now()::text", rs -> List.of(rs.getString(1), rs.getString(2))).get(0)));

    // then: one connection, one transaction (now() is when it began), read-only and repeatable read
    assertThat(seen.get(1)).containsExactly(seen.get(0).get(0), seen.get(0).get(1));
    assertThat(seen.get(0).subList(2, 4)).containsExactly("repeatable read", "on");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "/api/executions-by-stage/p                        | stage_name",
      "/api/executions-by-stage/p?stage_name=s&active_page=0 | active_page",
      "/api/executions-by-stage/p?stage_name=s&record_per_page=x | record_per_page",
      "/api/artifacts-by-stage/p?stage_name=s            | artifact_type",
      "/api/artifact-types-by-stage/p                    | stage_name",
      "/api/model-card                                   | modelId",
      "/api/model-card?modelId=abc                       | modelId"})
  void shouldAnswerABadCmfParameterAsFastApiDoes(final String uri, final String parameter) {
    final HttpClientResponseException error =
        catchThrowableOfType(HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.GET(uri), String.class));

    assertThat(error.code()).isEqualTo(422);
    assertThat(error.getResponse().getBody(String.class).orElseThrow()).contains("\"loc\":[\"query\",\"" + parameter + "\"]");
  }

  @Test
  void shouldAnswerAModelCardOfNoModelWithFourEmptyParts() {
    assertThat(client.toBlocking().retrieve(HttpRequest.GET("/api/model-card?modelId=1"))).isEqualTo("[\"\",\"\",\"\",\"\"]");
  }

  @Test
  void shouldServeTheOpenApiDocumentAndSwaggerUiFromItself() {
    final String document = client.toBlocking().retrieve(HttpRequest.GET("/swagger/cmf-stream-query-api-1.yml"));
    final String ui = client.toBlocking().retrieve(HttpRequest.GET("/swagger-ui/index.html"));
    final HttpResponse<byte[]> bundle = client.toBlocking().exchange(HttpRequest.GET("/swagger-ui/res/swagger-ui-bundle.js"), byte[].class);

    assertThat(document).contains("/api/v1/lineage/artifacts/{hash}:", "/api/mlmd_pull:");
    assertThat(ui).contains("swagger-ui/res/swagger-ui-bundle.js");
    assertThat(bundle.code()).isEqualTo(200);
  }
}
