// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import java.sql.SQLException;
import org.cmfstream.query.store.StoreRefusedValue;
import org.junit.jupiter.api.Test;

class ErrorHandlersTest {

  private final ErrorHandlers.StoreRefusedValueHandler handler = new ErrorHandlers.StoreRefusedValueHandler();
  private final StoreRefusedValue refused = new StoreRefusedValue(new SQLException("invalid byte sequence", "22021"));

  @Test
  void shouldAnswerAValueTheStoreRefusedOnTheV1ApiWithA400Problem() {
    // when
    final HttpResponse<?> response = handler.handle(HttpRequest.GET("/api/v1/executions"), refused);

    // then
    assertThat(response.code()).isEqualTo(400);
    assertThat(response.getContentType().orElseThrow().toString()).isEqualTo(Responses.PROBLEM_JSON);
    assertThat(response.body().toString()).contains("invalid-parameter").doesNotContain("SELECT");
  }

  @Test
  void shouldAnswerAValueTheStoreRefusedOnTheCmfRoutesWithA400Detail() {
    // when
    final HttpResponse<?> response = handler.handle(HttpRequest.GET("/api/executions-by-stage/p"), refused);

    // then
    assertThat(response.code()).isEqualTo(400);
    assertThat(response.body().toString()).startsWith("{\"detail\":\"");
  }
}
