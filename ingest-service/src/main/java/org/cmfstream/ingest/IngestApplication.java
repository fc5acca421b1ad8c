// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import io.micronaut.runtime.Micronaut;

/** Starts the ingest-service. Every setting comes from `application.properties` and the environment. */
public final class IngestApplication {

  private IngestApplication() {}

  public static void main(final String[] args) {
    Micronaut.build(args).mainClass(IngestApplication.class).banner(false).start();
  }
}
