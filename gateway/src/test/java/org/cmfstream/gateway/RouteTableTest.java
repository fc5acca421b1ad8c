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
    "GET, /api/v1/executions, QUERY",
    "GET, /, QUERY",
    "GET, /api, QUERY",
    // the side files and artifact bytes live in object storage, which ingest writes and reads
    "GET, /api/python-env, INGEST",
    "GET, /python-env, INGEST",
    "HEAD, /api/python-env, INGEST",
    "GET, /api/label-data, INGEST",
    "GET, /label-data, INGEST",
    "GET, /api/download-python-env, INGEST",
    "GET, /download-python-env, INGEST",
    "GET, /api/artifact_pull, INGEST",
    "GET, /artifact_pull, INGEST",
    "POST, /api/artifact_push, INGEST",
    "GET, /api/v1/artifacts/0123456789abcdef0123456789abcdef, INGEST",
    "HEAD, /api/v1/artifacts/0123456789abcdef0123456789abcdef, INGEST",
    "GET, /v1/artifacts/0123456789ABCDEF0123456789abcdef, INGEST",
    "GET, /api/v1/artifacts/0123456789abcdef0123456789abcdef.dir, INGEST",
    "HEAD, /v1/artifacts/0123456789abcdef0123456789abcdef.dir, INGEST",
    "GET, /api/v1/artifacts/0123456789abcdef0123456789abcdef.dir/members, INGEST",
    "GET, /v1/artifacts/0123456789abcdef0123456789abcdef.dir/members, INGEST",
    // artifact metadata stays a read of the projection
    "GET, /api/v1/artifacts, QUERY",
    "GET, /v1/artifacts, QUERY",
    "GET, /api/v1/artifacts/0123456789abcdef0123456789abcdef/metadata, QUERY",
    "GET, /api/v1/artifacts/0123456789abcdef0123456789abcdef.dir/metadata, QUERY",
    "GET, /api/v1/artifacts/0123456789abcdef0123456789abcdef/members, QUERY",
    "GET, /api/v1/artifacts/0123456789abcdef, QUERY",
    "GET, /api/v1/artifacts/not-a-hash, QUERY",
    "GET, /api/python-env/x, QUERY",
    "GET, /api/artifact_pull_all, QUERY",
    "GET, /api/label-data-x, QUERY",
    // the native journal API
    "POST, /api/v1/sites/edge-1/journal, INGEST",
    "GET, /api/v1/sites/edge-1/watermark, INGEST",
    "GET, /api/v1/receipts/r-42, INGEST",
    "PUT, /api/v1/artifacts/0123456789abcdef0123456789abcdef, INGEST",
    "PUT, /v1/artifacts/0123456789abcdef0123456789abcdef.dir, INGEST",
    "DELETE, /api/schedule-sync/3, INGEST",
    // each dependency's health: query-service checks all four, with and without the /api prefix
    "GET, /health/database, QUERY",
    "GET, /health/neo4j, QUERY",
    "GET, /health/storage, QUERY",
    "GET, /health/kafka, QUERY",
    "GET, /api/health/database, QUERY",
    "GET, /api/health/neo4j, QUERY",
    "GET, /api/health/storage, QUERY",
    "GET, /api/health/kafka, QUERY",
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
