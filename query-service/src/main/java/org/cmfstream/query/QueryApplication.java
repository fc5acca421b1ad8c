// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** Starts the query-service. Every setting comes from `application.properties` and the environment. */
@OpenAPIDefinition(
    info = @Info(
        title = "cmf-stream query API",
        version = "1",
        description = "Reads of the central CMF metadata: the cmf server's routes (tag cmf), the v1 API (tag v1) and health."))
public final class QueryApplication {

  private QueryApplication() {}

  public static void main(final String[] args) {
    Micronaut.build(args).mainClass(QueryApplication.class).banner(false).start();
  }
}
