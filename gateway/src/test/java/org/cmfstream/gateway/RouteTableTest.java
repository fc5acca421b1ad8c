// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    // the cmf client's writes, with and without the /api prefix
    "POST, /api/mlmd_push, INGEST",
    "POST, /mlmd_push, INGEST",
    "POST, /api/python-env, INGEST",
    "POST, /api/label, INGEST",
    "POST, /api/tensorboard, INGEST",
    // the cmf pull is a POST, but a read
    "POST, /api/mlmd_pull, QUERY",
    "POST, /mlmd_pull, QUERY",
    "GET, /api/mlmd_pull/Test-env, QUERY",
    // reads
    "GET, /api/pipelines, QUERY",
    "GET, /api/python-env, QUERY",
    "GET, /api/label-data, QUERY",
    "GET, /api/v1/executions, QUERY",
    "GET, /, QUERY",
    "GET, /api, QUERY",
    "HEAD, /api/v1/artifacts/0123456789abcdef0123456789abcdef, QUERY",
    // the native journal API
    "POST, /api/v1/sites/edge-1/journal, INGEST",
    "GET, /api/v1/sites/edge-1/watermark, INGEST",
    "GET, /api/v1/receipts/r-42, INGEST",
    "PUT, /api/v1/artifacts/0123456789abcdef0123456789abcdef, INGEST",
    "DELETE, /api/schedule-sync/3, INGEST",
  })
  void shouldSendWritesToIngestAndReadsToQuery(final HttpMethod method, final String path, final Route expected) {
    assertThat(RouteTable.route(method, path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"/api/pipelines, /pipelines", "/api, /", "/pipelines, /pipelines", "/apix, /apix"})
  void shouldStripOnlyAWholeApiSegment(final String path, final String expected) {
    assertThat(RouteTable.withoutApiPrefix(path)).isEqualTo(expected);
  }
}
