// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** The front door's own errors, as {@code application/problem+json} in the services' shape. */
final class Problems {

  private Problems() {}

  /** A problem of {@code status} whose type is {@code https://cmf-stream.org/problems/<type>}. */
  static HttpResponse<?> of(final HttpStatus status, final String type, final String detail) {
    final Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "https://cmf-stream.org/problems/" + type);
    problem.put("title", status.getReason());
    problem.put("status", status.getCode());
    problem.put("detail", detail);
    return HttpResponse.status(status).body(problem).contentType("application/problem+json");
  }
}
