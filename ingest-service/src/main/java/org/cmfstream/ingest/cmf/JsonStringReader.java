// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import java.io.IOException;
import java.io.Reader;

/**
 * The characters of one JSON string literal, unescaped as they are read: positioned just after
 * the opening quote, it ends at the closing quote. The cmf client sends its whole dump as one such
 * string ({@code json_payload}); reading it through this class lets the dump be parsed as a
 * stream, never held whole in memory.
 */
final class JsonStringReader extends Reader {

  private final Reader in;
  // Our own buffer: BufferedReader.read() takes a lock per character.
  private final char[] chunk = new char[16 * 1024];
  private int position;
  private int limit;
  private boolean ended;

  JsonStringReader(final Reader in) {
    this.in = in;
  }

  private int next() throws IOException {
    if (position == limit) {
      limit = in.read(chunk, 0, chunk.length);
      position = 0;
      if (limit <= 0) {
        limit = 0;
        return -1;
      }
    }
    return chunk[position++];
  }

  @Override
  public int read(final char[] buffer, final int offset, final int length) throws IOException {
    if (ended) {
      return -1;
    }
    int n = 0;
    while (n < length) {
      final int c = next();
      if (c < 0) {
        throw new IOException("the json_payload string is not closed");
      }
      if (c == '"') {
        ended = true;
        break;
      }
      if (c < 0x20) {
        throw new IOException("a raw control character (0x" + Integer.toHexString(c) + ") inside the json_payload string");
      }
      buffer[offset + n++] = c == '\\' ? escaped() : (char) c;
    }
    return n == 0 && ended ? -1 : n;
  }

  private char escaped() throws IOException {
    final int e = next();
    return switch (e) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '/' -> '/';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      // A surrogate pair arrives as two \\u escapes, one char each: nothing to combine here.
      case 'u' -> (char) hex4();
      default -> throw new IOException("an invalid escape '\\" + (e < 0 ? "<end>" : Character.toString(e)) + "' in the json_payload string");
    };
  }

  private int hex4() throws IOException {
    int value = 0;
    for (int i = 0; i < 4; i++) {
      final int digit = Character.digit(next(), 16);
      if (digit < 0) {
        throw new IOException("an invalid \\u escape in the json_payload string");
      }
      value = value * 16 + digit;
    }
    return value;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
