// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import java.util.Locale;

/** Reading request bodies within limits, gzip included. */
public final class Bodies {

  private Bodies() {}

  /** Fails with 413 when the declared length already exceeds {@code limit}. */
  public static void checkDeclaredLength(final HttpRequest<?> request, final long limit) {
    final long declared = request.getContentLength();
    if (declared > limit) {
      throw new BadInput(413, "body-too-large", "the body of " + declared + " bytes exceeds the limit of " + limit + " bytes");
    }
  }

  /** The media type without parameters, lower case, or "" when absent. */
  public static String mediaType(final HttpRequest<?> request) {
    return request.getHeaders().get(HttpHeaders.CONTENT_TYPE, String.class).map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
  }

  /**
   * The body's bytes, within {@code limit} (413 beyond). A gzip body arrives here already
   * inflated: the server's Netty pipeline decodes {@code Content-Encoding: gzip} (and deflate)
   * and removes the header, so the limit applies to the inflated size and a small gzip bomb is
   * refused like any large body. An encoding the pipeline does not know stays declared: 415.
   */
  public static byte[] decoded(final HttpRequest<?> request, final byte[] body, final long limit) {
    if (body.length > limit) {
      throw new BadInput(413, "body-too-large", "the body of " + body.length + " bytes exceeds the limit of " + limit + " bytes");
    }
    checkEncoding(request);
    return body;
  }

  /** Fails with 415 for a {@code Content-Encoding} the server's pipeline did not decode. */
  public static void checkEncoding(final HttpRequest<?> request) {
    final String encoding = request.getHeaders().get(HttpHeaders.CONTENT_ENCODING, String.class).orElse("identity").trim().toLowerCase(Locale.ROOT);
    if (!encoding.isEmpty() && !encoding.equals("identity")) {
      throw new BadInput(415, "unsupported-encoding", "Content-Encoding '" + encoding + "' is not supported; send identity or gzip");
    }
  }
}
