// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * A service behind the front door that does not answer within the proxy's read timeout
 * ({@code micronaut.http.client.read-timeout}) is the gateway's 504 problem, not a 500: the request
 * may still complete behind it (an upload is idempotent, so the client sends it again). Found by the
 * benchmark report of issue #7, whose cmf pushes wait for their receipts longer than the client's
 * default of 10 s.
 */
@Produces
@Singleton
@Requires(classes = {ReadTimeoutException.class, ExceptionHandler.class})
final class ProxyTimeoutHandler implements ExceptionHandler<ReadTimeoutException, HttpResponse<?>> {

  @Override
  public HttpResponse<?> handle(final HttpRequest request, final ReadTimeoutException exception) {
    return Problems.of(HttpStatus.GATEWAY_TIMEOUT, "upstream-timeout",
        "the service behind the front door did not answer " + request.getPath() + " in time; sending it again is safe");
  }
}
