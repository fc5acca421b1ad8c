// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of the read routes. Bodies are written by Jackson, so key order is the one the route
 * builds. Non-finite doubles: the cmf dump ({@link #writeCmfDump}, what {@code mlmd_pull} returns)
 * carries them as the bare {@code NaN}, {@code Infinity} and {@code -Infinity} tokens that Python's
 * {@code json} writes and the cmf client parses (cmf-protocol.md, sections 2.1 and 11.2); every
 * other body (the v1 API, the UI routes, which browsers parse with {@code JSON.parse}) stays valid
 * JSON, so there they are the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 * Errors: RFC 9457 problem+json on the v1 API, {@code {"detail": ...}} on the cmf routes
 * (FastAPI's shape, which the cmf client and UI read).
 */
public final class Responses {

  public static final String PROBLEM_JSON = "application/problem+json";
  private static final String TYPE_BASE = "https://cmf-stream.org/problems/";
  /** Valid JSON: non-finite doubles as strings (Jackson's default). */
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Python's {@code json.dumps}: non-finite doubles as bare tokens. */
  private static final ObjectMapper CMF_DUMP = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  private Responses() {}

  public static String write(final Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response body", e);
    }
  }

  /** A cmf {@code dumptojson} document, with non-finite doubles as bare tokens, as the cmf client reads it. */
  public static String writeCmfDump(final Object body) {
    try {
      return CMF_DUMP.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response body", e);
    }
  }

  public static MutableHttpResponse<String> json(final Object body) {
    return HttpResponse.ok(write(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  public static MutableHttpResponse<String> json(final int status, final Object body) {
    return HttpResponse.<String>status(HttpStatus.valueOf(status)).body(write(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
  }

  /** The cmf routes' error: {@code {"detail": "<text>"}}. */
  public static MutableHttpResponse<String> cmfDetail(final int status, final String detail) {
    return json(status, Map.of("detail", detail));
  }

  /** FastAPI's 422 for a query parameter that is missing or of the wrong type. */
  public static MutableHttpResponse<String> cmfInvalidParameter(final String name, final String message) {
    final Map<String, Object> error = new LinkedHashMap<>();
    error.put("loc", List.of("query", name));
    error.put("msg", message);
    error.put("type", "value_error");
    return json(422, Map.of("detail", List.of(error)));
  }

  public static MutableHttpResponse<String> problem(final int status, final String type, final String detail) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_BASE + type);
    body.put("title", HttpStatus.valueOf(status).getReason());
    body.put("status", status);
    body.put("detail", detail);
    return HttpResponse.<String>status(HttpStatus.valueOf(status)).body(write(body)).contentType(PROBLEM_JSON);
  }
}
