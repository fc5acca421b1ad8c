// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.exceptions.ConversionErrorHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.cmfstream.query.store.StoreRefusedValue;
import org.cmfstream.query.store.StoreUnavailable;

/**
 * Turns the read side's expected failures into answers: 400 for a bad parameter (ours, or one the
 * framework could not convert, such as {@code page_size=abc}) or a value the store refused, 503
 * for a store that is down.
 */
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

  /**
   * A parameter that is not of its type ({@code depth=abc}, {@code page_size=99999999999}): the
   * same 400 problem naming it as a value out of range, where the framework would answer in its own
   * shape. Found by issue #7's bad-input campaign.
   */
  @Singleton
  @Produces
  @Replaces(ConversionErrorHandler.class)
  @Requires(classes = {ConversionErrorException.class, ExceptionHandler.class})
  static final class ConversionErrorProblemHandler implements ExceptionHandler<ConversionErrorException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(final HttpRequest request, final ConversionErrorException e) {
      final String value = e.getConversionError().getOriginalValue().map(String::valueOf).orElse("");
      final String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
      // The name the client sent (@QueryValue("page_size")), not the Java parameter's.
      final String name = e.getArgument().getAnnotationMetadata().stringValue(QueryValue.class).orElse(e.getArgument().getName());
      return Responses.problem(400, "invalid-parameter", name + ": cannot be read as " + e.getArgument().getType().getSimpleName() + ": '" + shown + "'");
    }
  }

  /**
   * A value PostgreSQL refused (a data exception) came from the request: a 400 in the route's own
   * shape, problem+json on the v1 API and {@code {"detail": ...}} on the cmf routes, never a 500
   * carrying the SQL.
   */
  @Singleton
  @Produces
  @Requires(classes = {StoreRefusedValue.class, ExceptionHandler.class})
  static final class StoreRefusedValueHandler implements ExceptionHandler<StoreRefusedValue, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(final HttpRequest request, final StoreRefusedValue e) {
      if (request.getPath().startsWith("/api/v1/")) {
        return Responses.problem(400, "invalid-parameter", e.getMessage());
      }
      return Responses.cmfDetail(400, e.getMessage());
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
