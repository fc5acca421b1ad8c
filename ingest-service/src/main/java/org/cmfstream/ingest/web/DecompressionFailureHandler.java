// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.netty.handler.codec.DecoderException;
import jakarta.inject.Singleton;

/**
 * A body declared gzip that is not gzip fails in the server's Netty pipeline, before any route
 * runs; that is the client's mistake, so it gets a 400 problem, not a 500.
 */
@Produces
@Singleton
@Requires(classes = {DecoderException.class, ExceptionHandler.class})
final class DecompressionFailureHandler implements ExceptionHandler<DecoderException, HttpResponse<?>> {

  @Override
  public HttpResponse<?> handle(final HttpRequest request, final DecoderException exception) {
    return Problems.problem(badEncoding(exception));
  }

  /** The same 400 for a route that reads its body as a stream, and meets the failure there. */
  static BadInput badEncoding(final Throwable exception) {
    return BadInput.badRequest("bad-encoding", "the body could not be decoded as its Content-Encoding declares: " + exception.getMessage());
  }
}
