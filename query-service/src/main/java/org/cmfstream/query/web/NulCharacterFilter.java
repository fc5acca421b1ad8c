// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * A request whose path or parameters hold a NUL character ({@code %00}) is answered 400 before
 * any route runs. PostgreSQL text cannot hold a NUL, so no name, filter value or id in the
 * projection has one; handed to the database as a parameter, it failed the query, and the client
 * got a 500 carrying the SQL. Found by issue #7's bad-input campaign.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
final class NulCharacterFilter implements HttpServerFilter {

  @Override
  public Publisher<MutableHttpResponse<?>> doFilter(final HttpRequest<?> request, final ServerFilterChain chain) {
    if (hasNul(request)) {
      final MutableHttpResponse<?> refused =
          Responses.problem(400, "invalid-parameter", "the request holds a NUL character (%00), which no name, filter or id can hold");
      return Publishers.just(refused);
    }
    return chain.proceed(request);
  }

  private static boolean hasNul(final HttpRequest<?> request) {
    final String raw = request.getUri().getRawPath() + "?" + request.getUri().getRawQuery();
    if (raw.contains("%00") || request.getPath().indexOf('\0') >= 0) {
      return true;
    }
    for (final Map.Entry<String, List<String>> parameter : request.getParameters().asMap().entrySet()) {
      if (parameter.getKey().indexOf('\0') >= 0 || parameter.getValue().stream().anyMatch(v -> v.indexOf('\0') >= 0)) {
        return true;
      }
    }
    return false;
  }
}
