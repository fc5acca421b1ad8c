// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import java.net.URI;
import org.reactivestreams.Publisher;

/**
 * Forwards every request, except the gateway's own {@code /health}, to the service the {@link
 * RouteTable} names. Bodies stream through in both directions; nothing is buffered whole, so the
 * gateway's {@code micronaut.server.max-request-size} can match ingest-service's at no cost in
 * memory.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
final class ProxyFilter implements HttpServerFilter {

  /**
   * Served by the gateway itself: the state of the two services behind it. Only this exact path:
   * the per-dependency routes ({@code /health/database}, {@code /health/neo4j}, {@code
   * /health/storage}, {@code /health/kafka}) are query-service's, and forwarded like any read.
   */
  private static final String OWN_HEALTH = "/health";

  private final ProxyHttpClient client;
  private final GatewaySettings settings;

  ProxyFilter(final ProxyHttpClient client, final GatewaySettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Publisher<MutableHttpResponse<?>> doFilter(final HttpRequest<?> request, final ServerFilterChain chain) {
    final String path = request.getPath();
    if (path.equals(OWN_HEALTH)) {
      return chain.proceed(request);
    }
    final URI target = settings.target(RouteTable.route(request.getMethod(), path));
    return Publishers.map(
        client.proxy(
            request
                .mutate()
                .uri(b -> b.scheme(target.getScheme()).host(target.getHost()).port(target.getPort()))
                .header("X-Forwarded-Host", request.getHeaders().get("Host", String.class).orElse(""))),
        response -> response);
  }
}
