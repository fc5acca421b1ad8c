// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;

/**
 * Route 1 of the cmf protocol: {@code GET /} answers {@code ["cmf-server"]}, which the real
 * server's compose health check and peers probe (cmf-protocol.md, section 1).
 */
@Controller
final class CmfServerRootController {

  private static final List<String> IDENTITY = List.of("cmf-server");

  // "/api/" is the same route as "/api" to Micronaut.
  @Get(uris = {"/", "/api"})
  List<String> root() {
    return IDENTITY;
  }
}
