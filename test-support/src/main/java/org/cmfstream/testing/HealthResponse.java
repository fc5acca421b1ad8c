// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.util.Map;

/** Reads a Micronaut {@code /health} body: the overall status and each indicator's status. */
public record HealthResponse(Map<String, Object> body) {

  public String status() {
    return String.valueOf(body.get("status"));
  }

  /** The status of one indicator ({@code kafka}, {@code jdbc}, {@code neo4j}, {@code storage}...). */
  public String statusOf(final String indicator) {
    return String.valueOf(indicator(indicator).get("status"));
  }

  /** One indicator's details. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> detailsOf(final String indicator) {
    final Object details = indicator(indicator).get("details");
    return details instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> indicator(final String name) {
    final Object details = body.get("details");
    if (!(details instanceof Map<?, ?> all) || !(all.get(name) instanceof Map<?, ?> one)) {
      throw new AssertionError("no health indicator '" + name + "' in " + body);
    }
    return (Map<String, Object>) one;
  }
}
