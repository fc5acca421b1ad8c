// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;
import java.net.URI;

/**
 * Where the front door forwards: {@code cmfstream.gateway.*}, from {@code INGEST_URL} and {@code
 * QUERY_URL}.
 *
 * @param ingestUrl the base URL of ingest-service
 * @param queryUrl the base URL of query-service
 */
@ConfigurationProperties("cmfstream.gateway")
record GatewaySettings(@NotNull URI ingestUrl, @NotNull URI queryUrl) {

  URI target(final Route route) {
    return route == Route.INGEST ? ingestUrl : queryUrl;
  }
}
