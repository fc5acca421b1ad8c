// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.bind.ArgumentBinder;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.bind.RequestBinderRegistry;
import io.micronaut.http.bind.binders.NonBlockingBodyArgumentBinder;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import jakarta.inject.Singleton;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes a request body's {@code Content-Encoding} (gzip, deflate) for every route that reads its
 * body as an {@code @Body InputStream}, strictly: a body that ends before its gzip trailer (or
 * its zlib checksum), or whose CRC or length does not match, fails with a 400 {@code bad-encoding}
 * where it is read, so a route that stores or publishes only what it read to the end stores and
 * publishes nothing of it.
 *
 * <p>The server's own request decompression is off ({@code
 * micronaut.server.netty.request-decompression-enabled=false}): Netty's inflater never checks the
 * gzip trailer, and takes a body cut in its last bytes as complete (issue #7's bad-input campaign).
 * This binder takes the place of the framework's binder of {@code @Body InputStream}, registered
 * over it when the registry is created, and hands the route the same stream, decoded. An encoding
 * it does not know is left as it is, for the route's {@link Bodies#checkEncoding} to refuse (415).
 */
@Singleton
final class ContentDecoding implements BeanCreatedEventListener<RequestBinderRegistry> {

  @Override
  public RequestBinderRegistry onCreated(final BeanCreatedEvent<RequestBinderRegistry> event) {
    final RequestBinderRegistry registry = event.getBean();
    // Registered after the framework's own: the registry keeps the last binder of a type and annotation.
    registry.addArgumentBinder(new DecodedBodyBinder());
    return registry;
  }

  /** The body of a request as its route should read it: decoded, or as sent when not encoded. */
  static InputStream decoded(final HttpRequest<?> request, final InputStream raw) {
    final String encoding = request.getHeaders().get(HttpHeaders.CONTENT_ENCODING, String.class).orElse("").trim().toLowerCase(Locale.ROOT);
    return switch (encoding) {
      case "gzip", "x-gzip" -> new Decoding(raw, Decoding.GZIP);
      case "deflate" -> new Decoding(raw, Decoding.DEFLATE);
      default -> raw;
    };
  }

  /** Binds {@code @Body InputStream} as the framework does, then decodes it. */
  private static final class DecodedBodyBinder implements NonBlockingBodyArgumentBinder<InputStream> {

    @Override
    public Argument<InputStream> argumentType() {
      return Argument.of(InputStream.class);
    }

    @Override
    public ArgumentBinder.BindingResult<InputStream> bind(final ArgumentConversionContext<InputStream> context, final HttpRequest<?> source) {
      if (!(source instanceof ServerHttpRequest<?> request)) {
        return ArgumentBinder.BindingResult.empty();
      }
      try {
        if (request.byteBody().expectedLength().orElse(-1) == 0) {
          return ArgumentBinder.BindingResult.empty();
        }
        final InputStream body = decoded(request, request.byteBody().toInputStream());
        return () -> Optional.of(body);
      } catch (ContentLengthExceededException e) {
        // As the framework's binder: no body; the route answers its own 413 from the declared length.
        return ArgumentBinder.BindingResult.empty();
      }
    }
  }

  /**
   * A decoding stream that tells the client's mistakes from broken connections: a failure of the
   * body itself passes as it is, a failure of the decoder is a 400 {@code bad-encoding}. The
   * decoder is made on the first read, since a gzip stream reads its header at once.
   */
  static final class Decoding extends InputStream {
    static final int GZIP = 1;
    static final int DEFLATE = 2;

    private final Source source;
    private final int kind;
    private InputStream decoder;

    Decoding(final InputStream raw, final int kind) {
      this.source = new Source(raw);
      this.kind = kind;
    }

    @Override
    public int read() throws IOException {
      final byte[] one = new byte[1];
      final int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException {
      try {
        if (decoder == null) {
          decoder = kind == GZIP ? new GZIPInputStream(source, 64 * 1024) : deflate(source);
        }
        return decoder.read(b, off, len);
      } catch (IOException e) {
        if (source.failed) {
          throw e;
        }
        // ZipException for a wrong header, CRC or length; EOFException, without a message, for a body cut short.
        throw DecompressionFailureHandler.badEncoding(e instanceof EOFException ? new EOFException("the body ends before its " + (kind == GZIP ? "gzip" : "deflate") + " stream does") : e);
      }
    }

    @Override
    public void close() throws IOException {
      source.close();
    }

    /**
     * HTTP's deflate is zlib (RFC 9110), but some clients send raw deflate: told apart by the zlib
     * header, as browsers and Netty do.
     */
    private static InputStream deflate(final InputStream in) throws IOException {
      final PushbackInputStream peek = new PushbackInputStream(in, 2);
      final byte[] header = peek.readNBytes(2);
      peek.unread(header);
      final boolean zlib = header.length == 2 && (header[0] & 0x0f) == 8 && (((header[0] & 0xff) << 8) | (header[1] & 0xff)) % 31 == 0;
      return new InflaterInputStream(peek, new Inflater(!zlib), 64 * 1024) {
        @Override
        public void close() throws IOException {
          super.close();
          inf.end();
        }
      };
    }
  }

  /** The body as sent; remembers whether it failed itself. */
  private static final class Source extends FilterInputStream {
    private boolean failed;

    Source(final InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
    }
  }
}
