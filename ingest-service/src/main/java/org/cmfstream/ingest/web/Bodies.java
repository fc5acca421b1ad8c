// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.Set;

/** Reading request bodies within limits, gzip included. */
public final class Bodies {

  /** The encodings a route's body stream arrives decoded from (see {@link ContentDecoding}). */
  private static final Set<String> DECODED = Set.of("identity", "gzip", "x-gzip", "deflate");

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
   * inflated ({@link ContentDecoding}), so the limit applies to the inflated size and a small gzip
   * bomb is refused like any large body. An encoding that is not decoded is a 415.
   */
  public static byte[] decoded(final HttpRequest<?> request, final byte[] body, final long limit) {
    if (body.length > limit) {
      throw new BadInput(413, "body-too-large", "the body of " + body.length + " bytes exceeds the limit of " + limit + " bytes");
    }
    checkEncoding(request);
    return body;
  }

  /**
   * The whole of a streamed body, at most {@code limit} bytes (413 {@code body-too-large} beyond,
   * as soon as the limit is passed, without reading the rest). A gzip body arrives inflated, as
   * for {@link #decoded}, and a gzip body that is cut or corrupt fails here with a 400 {@code
   * bad-encoding}. The body is read here rather than bound as a {@code byte[]} because the
   * framework buffers a {@code byte[]} only up to its own {@code max-request-buffer-size}, and
   * answers a larger one with its own 413, not ours; and because a streamed body lets the route
   * refuse a declared length over the limit before any of the body has arrived.
   *
   * @param declared the declared length, or -1: sizes the array, so a body of a known length is
   *     copied once, straight into it
   * @throws IOException when the body broke off
   */
  public static byte[] readAll(final InputStream in, final long declared, final long limit) throws IOException {
    return readAll(in, declared, limit, size -> {});
  }

  /**
   * {@link #readAll(InputStream, long, long)}, telling {@code reserve} each size the buffer is
   * about to have before it is allocated: it may wait for the memory, or refuse it by throwing.
   */
  public static byte[] readAll(final InputStream in, final long declared, final long limit, final LongConsumer reserve) throws IOException {
    // One byte beyond the limit is how a body over it is told from one exactly at it.
    final int ceiling = (int) Math.min(limit + 1, Integer.MAX_VALUE - 8);
    // Sized by the declared length, but not beyond 16 MB before the bytes are there: a client that
    // declares the limit and sends nothing must not make each of its requests hold that much.
    final int initial = (int) Math.min(declared >= 0 ? Math.min(declared, 16L * 1024 * 1024) : 64 * 1024, ceiling);
    reserve.accept(initial);
    byte[] buf = new byte[initial];
    int n = 0;
    try {
      while (true) {
        if (n == buf.length) {
          if (n > limit) {
            throw tooLarge(limit);
          }
          // Full: probe before growing, so that a body of exactly the declared length is not copied again.
          final int next = in.read();
          if (next < 0) {
            return buf;
          }
          if (buf.length >= ceiling) {
            throw tooLarge(limit);
          }
          final int grown = (int) Math.min(Math.max(2L * buf.length, 64 * 1024), ceiling);
          reserve.accept(grown);
          buf = Arrays.copyOf(buf, grown);
          buf[n++] = (byte) next;
          continue;
        }
        final int read = in.read(buf, n, buf.length - n);
        if (read < 0) {
          return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }
        n += read;
      }
    } catch (IOException | RuntimeException e) {
      // The framework's own limits (a body inflated faster than it was read) fail the stream:
      // still the client's body over a limit, so our 413. And a body that is not what its
      // Content-Encoding declares fails while it is inflated, now that the route reads it: the
      // 400 that DecompressionFailureHandler gives when that happens before the route runs.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof ContentLengthExceededException || t instanceof BufferLengthExceededException) {
          throw tooLarge(limit);
        }
        if (t instanceof DecoderException) {
          throw DecompressionFailureHandler.badEncoding(t);
        }
      }
      throw e;
    }
  }

  private static BadInput tooLarge(final long limit) {
    return new BadInput(413, "body-too-large", "the body exceeds the limit of " + limit + " bytes");
  }

  /** Fails with 415 for a {@code Content-Encoding} that {@link ContentDecoding} does not decode. */
  public static void checkEncoding(final HttpRequest<?> request) {
    final String encoding = request.getHeaders().get(HttpHeaders.CONTENT_ENCODING, String.class).orElse("identity").trim().toLowerCase(Locale.ROOT);
    if (!encoding.isEmpty() && !DECODED.contains(encoding)) {
      throw new BadInput(415, "unsupported-encoding", "Content-Encoding '" + encoding + "' is not supported; send identity or gzip");
    }
  }
}
