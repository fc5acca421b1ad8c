// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.runtime.Micronaut;

/** Starts the gateway. Every setting comes from `application.properties` and the environment. */
public final class GatewayApplication {

  private GatewayApplication() {}

  public static void main(final String[] args) {
    Micronaut.build(args).mainClass(GatewayApplication.class).banner(false).start();
  }
}
