// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The one file part of a {@code multipart/form-data} body (RFC 7578), read from the body's stream
 * as it arrives, strictly. The framework's multipart decoder is not used for the side files and
 * {@code artifact_push}: it rewrites file names before a route sees them (it drops backslashes and
 * double quotes and turns control characters, ':' and ';' into blanks, so {@code ..\..\x.txt}
 * arrives as {@code ....x.txt}), and it completes a file whose body ends without its closing
 * boundary. Here the route gets the file name as sent (a quoted-string unescaped, or RFC 5987's
 * {@code filename*}), to check it itself, and a content stream that fails with a 400 {@code
 * malformed-multipart} instead of ending when the body is not a complete multipart body.
 *
 * <p>The content stream reaches its end only once the part's delimiter and then the body's closing
 * delimiter have been read (any parts after the file are read past and dropped), so a consumer
 * that stores what it reads to its end, as {@code ObjectStore.write} does, stores nothing of a body
 * that is cut anywhere before its closing boundary.
 */
public final class MultipartFile {

  /** The longest header section of one part: a file name is at most 1 KB (FileNames). */
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private static final int MAX_PARTS = 64;
  private static final int BUFFER = 64 * 1024;
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final Scanner scanner;
  private final String fileName;

  private MultipartFile(final Scanner scanner, final String fileName) {
    this.scanner = scanner;
    this.fileName = fileName;
  }

  /**
   * The first part named {@code field} that carries a file name, or empty when the body has none
   * (the route's missing-part answer). Reads the body up to that part's content.
   *
   * @param contentType the request's {@code Content-Type}, with its {@code boundary}
   * @throws BadInput 400 {@code malformed-multipart} for a body that is not multipart/form-data
   *     with that boundary, or that ends before its closing boundary
   */
  public static Optional<MultipartFile> find(final String contentType, final InputStream body, final String field) throws IOException {
    final Scanner scanner = new Scanner(body, boundary(contentType));
    // The first delimiter may open the body: read as if a line break came before it.
    scanner.skipContent("its first boundary");
    for (int parts = 0; scanner.nextPart(); parts++) {
      if (parts == MAX_PARTS) {
        throw malformed("it has more than " + MAX_PARTS + " parts");
      }
      final Disposition disposition = Disposition.parse(scanner.headers());
      if (field.equals(disposition.name()) && disposition.fileName() != null) {
        return Optional.of(new MultipartFile(scanner, disposition.fileName()));
      }
      scanner.skipContent("the end of the part '" + disposition.name() + "'");
    }
    return Optional.empty();
  }

  /** The file name as the client sent it, unchecked: see {@link FileNames}. */
  public String fileName() {
    return fileName;
  }

  /**
   * The file's bytes. It ends only after the rest of the body was read up to its closing
   * boundary, and fails with a 400 {@link BadInput} where the body is cut or malformed.
   */
  public InputStream content() {
    return new InputStream() {
      private boolean done;

      @Override
      public int read() throws IOException {
        final byte[] one = new byte[1];
        final int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(final byte[] b, final int off, final int len) throws IOException {
        if (done) {
          return -1;
        }
        if (len == 0) {
          return 0;
        }
        final int n = scanner.readContent(b, off, len, "the end of the file part");
        if (n >= 0) {
          return n;
        }
        // The file is complete; the body is not, until its closing boundary was read.
        while (scanner.nextPart()) {
          scanner.headers();
          scanner.skipContent("the end of a part after the file");
        }
        done = true;
        return -1;
      }
    };
  }

  /** The boundary parameter of a multipart/form-data content type. */
  static String boundary(final String contentType) {
    final String[] params = contentType.split(";");
    if (!params[0].trim().equalsIgnoreCase("multipart/form-data")) {
      throw malformed("its Content-Type is '" + contentType + "', not multipart/form-data");
    }
    for (int i = 1; i < params.length; i++) {
      final String param = params[i].trim();
      final int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
        String value = param.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        // RFC 2046: 1 to 70 characters.
        if (value.isEmpty() || value.length() > 70) {
          throw malformed("its boundary '" + value + "' is not 1 to 70 characters long");
        }
        return value;
      }
    }
    throw malformed("its Content-Type has no boundary");
  }

  static BadInput malformed(final String why) {
    return BadInput.badRequest("malformed-multipart", "the body is not a complete multipart/form-data body: " + why);
  }

  /** name and filename of a part's Content-Disposition; filename null when it has none. */
  record Disposition(String name, String fileName) {

    static Disposition parse(final String headers) {
      String disposition = null;
      for (final String line : headers.split("\r\n")) {
        final int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
          disposition = line.substring(colon + 1).trim();
        }
      }
      if (disposition == null) {
        throw malformed("a part has no Content-Disposition");
      }
      final Params params = new Params(disposition);
      if (!params.token().equalsIgnoreCase("form-data")) {
        throw malformed("a part's Content-Disposition is '" + params.token() + "', not form-data");
      }
      String name = null;
      String fileName = null;
      String extended = null;
      while (params.hasNext()) {
        final String key = params.key().toLowerCase(Locale.ROOT);
        final String value = params.value();
        switch (key) {
          case "name" -> name = value;
          case "filename" -> fileName = value;
          case "filename*" -> extended = extendedValue(value);
          default -> {
            // Other parameters do not matter here.
          }
        }
      }
      // RFC 6266: filename* wins over filename when both are there.
      return new Disposition(name == null ? "" : name, extended != null ? extended : fileName);
    }

    /** RFC 5987's {@code charset'language'percent-encoded}, in UTF-8 or ISO-8859-1. */
    private static String extendedValue(final String value) {
      final String[] split = value.split("'", 3);
      if (split.length != 3) {
        throw malformed("filename* '" + value + "' is not charset'language'value");
      }
      final Charset charset;
      if (split[0].equalsIgnoreCase("UTF-8")) {
        charset = StandardCharsets.UTF_8;
      } else if (split[0].equalsIgnoreCase("ISO-8859-1")) {
        charset = StandardCharsets.ISO_8859_1;
      } else {
        throw malformed("filename* has the charset '" + split[0] + "'; send UTF-8");
      }
      final String encoded = split[2];
      final byte[] bytes = new byte[encoded.length()];
      int n = 0;
      for (int i = 0; i < encoded.length(); i++) {
        final char c = encoded.charAt(i);
        if (c == '%') {
          if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0 || Character.digit(encoded.charAt(i + 2), 16) < 0) {
            throw malformed("filename* has a bad percent-escape");
          }
          bytes[n++] = (byte) Integer.parseInt(encoded.substring(i + 1, i + 3), 16);
          i += 2;
        } else {
          bytes[n++] = (byte) c;
        }
      }
      return decode(Arrays.copyOf(bytes, n), charset, "filename*");
    }
  }

  /** The {@code token; key=value; key="quoted"} syntax of a Content-Disposition. */
  private static final class Params {
    private final String text;
    private int at;
    private String key;
    private String value;

    Params(final String text) {
      this.text = text;
    }

    String token() {
      final int semi = text.indexOf(';');
      final String token = (semi < 0 ? text : text.substring(0, semi)).trim();
      at = semi < 0 ? text.length() : semi + 1;
      return token;
    }

    boolean hasNext() {
      skipBlanks();
      if (at >= text.length()) {
        return false;
      }
      final int eq = text.indexOf('=', at);
      if (eq < 0) {
        throw malformed("a Content-Disposition parameter has no value: '" + text.substring(at) + "'");
      }
      key = text.substring(at, eq).trim();
      at = eq + 1;
      skipBlanks();
      if (at < text.length() && text.charAt(at) == '"') {
        // A quoted-string, unescaped as the real cmf-server's parser (python-multipart) does it:
        // only \\ and \" are escapes. urllib3, the cmf client's, doubles a backslash; browsers send
        // one as it is (WHATWG), so any other backslash is the name's own.
        final StringBuilder out = new StringBuilder();
        at++;
        while (true) {
          if (at >= text.length()) {
            throw malformed("the Content-Disposition parameter '" + key + "' has no closing quote");
          }
          final char c = text.charAt(at++);
          if (c == '"') {
            break;
          }
          if (c == '\\' && at < text.length() && (text.charAt(at) == '\\' || text.charAt(at) == '"')) {
            out.append(text.charAt(at++));
          } else {
            out.append(c);
          }
        }
        value = out.toString();
        skipBlanks();
        if (at < text.length() && text.charAt(at) != ';') {
          throw malformed("the Content-Disposition parameter '" + key + "' has text after its closing quote");
        }
      } else {
        final int semi = text.indexOf(';', at);
        value = (semi < 0 ? text.substring(at) : text.substring(at, semi)).trim();
        at = semi < 0 ? text.length() : semi;
      }
      if (at < text.length() && text.charAt(at) == ';') {
        at++;
      }
      return true;
    }

    String key() {
      return key;
    }

    String value() {
      return value;
    }

    private void skipBlanks() {
      while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
        at++;
      }
    }
  }

  private static String decode(final byte[] bytes, final Charset charset, final String what) {
    try {
      return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw malformed(what + " is not " + charset.name());
    }
  }

  /**
   * The body's bytes seen through its delimiters: content runs until {@code CRLF--boundary}, which
   * is followed by {@code --} (the close) or a line break and the next part's headers.
   */
  private static final class Scanner {
    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean closed;

    Scanner(final InputStream in, final String boundary) {
      this.in = in;
      this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      this.buf = new byte[Math.max(BUFFER, MAX_HEADER_BYTES + delimiter.length + 4)];
      // The virtual line break before a first delimiter that opens the body.
      buf[0] = CR;
      buf[1] = LF;
      limit = 2;
    }

    /** Reads content into {@code b} up to the next delimiter; -1 once it is there (and consumed). */
    int readContent(final byte[] b, final int off, final int len, final String awaited) throws IOException {
      fill(delimiter.length);
      final int found = indexOf(delimiter, pos, limit);
      if (found == pos) {
        pos += delimiter.length;
        return -1;
      }
      final int end;
      if (found >= 0) {
        end = found;
      } else if (eof) {
        throw malformed("it ends before " + awaited);
      } else {
        // What cannot begin a delimiter is content; the rest waits for more bytes.
        end = limit - (delimiter.length - 1);
      }
      final int n = Math.min(len, end - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      return n;
    }

    void skipContent(final String awaited) throws IOException {
      final byte[] sink = new byte[BUFFER];
      while (readContent(sink, 0, sink.length, awaited) >= 0) {
        // Dropped.
      }
    }

    /** After a delimiter: true when a part follows, false when it was the closing one. */
    boolean nextPart() throws IOException {
      if (closed) {
        return false;
      }
      fill(2);
      if (limit - pos >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
        pos += 2;
        closed = true;
        return false;
      }
      // Transport padding (RFC 2046) may follow the delimiter before its line break.
      while (true) {
        fill(2);
        if (limit - pos < 2) {
          throw malformed("it ends after a boundary");
        }
        if (buf[pos] == ' ' || buf[pos] == '\t') {
          pos++;
          continue;
        }
        if (buf[pos] == CR && buf[pos + 1] == LF) {
          pos += 2;
          return true;
        }
        throw malformed("a boundary is followed by neither a line break nor '--'");
      }
    }

    /** A part's header section up to its empty line, without it, as UTF-8. */
    String headers() throws IOException {
      final byte[] end = {CR, LF, CR, LF};
      // A part without headers starts with its empty line at once.
      fill(2);
      if (limit - pos >= 2 && buf[pos] == CR && buf[pos + 1] == LF) {
        pos += 2;
        return "";
      }
      fill(MAX_HEADER_BYTES + end.length);
      final int found = indexOf(end, pos, limit);
      if (found < 0) {
        throw malformed(eof ? "it ends inside a part's headers" : "a part's headers are longer than " + MAX_HEADER_BYTES + " bytes");
      }
      final String headers = decode(Arrays.copyOfRange(buf, pos, found), StandardCharsets.UTF_8, "a part's headers");
      pos = found + end.length;
      return headers;
    }

    /** Makes at least {@code wanted} bytes available from {@code pos}, unless the body ends first. */
    private void fill(final int wanted) throws IOException {
      if (limit - pos >= wanted || eof) {
        return;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      while (limit - pos < wanted && !eof) {
        final int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
          eof = true;
        } else {
          limit += n;
        }
      }
    }

    private int indexOf(final byte[] what, final int from, final int to) {
      outer:
      for (int i = from; i <= to - what.length; i++) {
        for (int j = 0; j < what.length; j++) {
          if (buf[i + j] != what[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
