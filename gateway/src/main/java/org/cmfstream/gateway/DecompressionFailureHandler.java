// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.netty.handler.codec.DecoderException;
import jakarta.inject.Singleton;

/**
 * The front door's own Netty pipeline inflates a {@code Content-Encoding: gzip} (or deflate) body
 * before it forwards it, so a body that is not what it declares fails here, before ingest-service
 * sees it. That is the client's mistake: a 400 problem, as ingest-service answers it, not a 500.
 * Found by issue #7's bad-input campaign.
 */
@Produces
@Singleton
@Requires(classes = {DecoderException.class, ExceptionHandler.class})
final class DecompressionFailureHandler implements ExceptionHandler<DecoderException, HttpResponse<?>> {

  @Override
  public HttpResponse<?> handle(final HttpRequest request, final DecoderException exception) {
    return Problems.of(HttpStatus.BAD_REQUEST, "bad-encoding", "the body could not be decoded as its Content-Encoding declares: " + exception.getMessage());
  }
}
