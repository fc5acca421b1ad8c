// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Error answers. The native API speaks RFC 9457 {@code application/problem+json} with a stable
 * {@code type}; the cmf routes answer in the shape the cmf client reads ({@code {"status": ...,
 * "detail": ...}}), as cmf-protocol.md fixes it.
 */
public final class Problems {

  public static final String PROBLEM_JSON = "application/problem+json";
  static final String TYPE_BASE = "https://cmf-stream.org/problems/";

  private Problems() {}

  /** A problem+json answer. */
  public static MutableHttpResponse<Map<String, Object>> problem(final int status, final String type, final String detail) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_BASE + type);
    body.put("title", HttpStatus.valueOf(status).getReason());
    body.put("status", status);
    body.put("detail", detail);
    return HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(status)).contentType(PROBLEM_JSON).body(body);
  }

  public static MutableHttpResponse<Map<String, Object>> problem(final BadInput bad) {
    return problem(bad.status(), bad.type(), bad.detail());
  }

  /** 503 with {@code Retry-After}: nothing was accepted, the same request may simply be sent again. */
  public static MutableHttpResponse<Map<String, Object>> unavailable(final String detail, final Duration retryAfter) {
    return problem(503, "kafka-unavailable", detail).header("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
  }

  /**
   * A required query parameter or form part that is absent, answered as the real cmf-server's
   * FastAPI does: 422 {@code {"detail": [{"type": "missing", "loc": [<where>, <name>], "msg":
   * "Field required"}]}}.
   *
   * @param where {@code query} or {@code body}
   */
  public static MutableHttpResponse<Map<String, Object>> cmfMissing(final String where, final String name) {
    final Map<String, Object> error = new LinkedHashMap<>();
    error.put("type", "missing");
    error.put("loc", List.of(where, name));
    error.put("msg", "Field required");
    return HttpResponse.<Map<String, Object>>status(HttpStatus.UNPROCESSABLE_ENTITY).body(Map.of("detail", List.of(error)));
  }

  /** The cmf client's shape: {@code {"status": <token>, "detail": <text>}}. */
  public static MutableHttpResponse<Map<String, Object>> cmf(final int status, final String token, final String detail) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", token);
    body.put("detail", detail);
    return HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(status)).body(body);
  }
}
