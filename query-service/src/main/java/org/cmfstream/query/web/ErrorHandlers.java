// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.cmfstream.query.store.StoreUnavailable;

/** Turns the read side's two expected failures into answers: 400 for a bad parameter, 503 for a store that is down. */
public final class ErrorHandlers {

  private ErrorHandlers() {}

  @Singleton
  @Produces
  @Requires(classes = {InvalidParameter.class, ExceptionHandler.class})
  static final class InvalidParameterHandler implements ExceptionHandler<InvalidParameter, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(final HttpRequest request, final InvalidParameter e) {
      return Responses.problem(400, "invalid-parameter", e.parameter() + ": " + e.getMessage());
    }
  }

  @Singleton
  @Produces
  @Requires(classes = {StoreUnavailable.class, ExceptionHandler.class})
  static final class StoreUnavailableHandler implements ExceptionHandler<StoreUnavailable, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(final HttpRequest request, final StoreUnavailable e) {
      return Responses.problem(503, "store-unavailable", e.getMessage()).header("Retry-After", "5");
    }
  }
}
