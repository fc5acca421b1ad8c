// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import io.micronaut.runtime.Micronaut;

/** Starts the replay-service. Every setting comes from `application.properties` and the environment. */
public final class ReplayApplication {

  private ReplayApplication() {}

  public static void main(final String[] args) {
    Micronaut.build(args).mainClass(ReplayApplication.class).banner(false).start();
  }
}
