// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import io.micronaut.runtime.Micronaut;

/** Starts the query-service. Every setting comes from `application.properties` and the environment. */
public final class QueryApplication {

  private QueryApplication() {}

  public static void main(final String[] args) {
    Micronaut.build(args).mainClass(QueryApplication.class).banner(false).start();
  }
}
