// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import io.micronaut.core.annotation.Nullable;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of an object (RFC 9110, section 14): what a {@code Range} header asks for, made
 * concrete against the object's size.
 *
 * @param offset the first byte
 * @param length how many bytes, at least one
 */
record ByteRange(long offset, long length) {

  private static final Pattern SINGLE = Pattern.compile("\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

  /** The last byte, for {@code Content-Range}. */
  long last() {
    return offset + length - 1;
  }

  /**
   * The range {@code header} asks for in an object of {@code size} bytes. Empty when the whole
   * object is to be sent: no header, a header that is not one valid byte range (a server may
   * ignore those, RFC 9110 section 14.2), or several ranges, which this server does not combine.
   *
   * @throws NotSatisfiable when the range lies wholly beyond the object
   */
  static Optional<ByteRange> of(@Nullable final String header, final long size) {
    if (header == null) {
      return Optional.empty();
    }
    final Matcher m = SINGLE.matcher(header);
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return Optional.empty();
    }
    if (m.group(1).isEmpty()) {
      // "-n": the last n bytes.
      final long suffix = digits(m.group(2));
      if (suffix == 0 || size == 0) {
        throw new NotSatisfiable();
      }
      final long length = Math.min(suffix, size);
      return Optional.of(new ByteRange(size - length, length));
    }
    final long first = digits(m.group(1));
    final long last = m.group(2).isEmpty() ? Long.MAX_VALUE : digits(m.group(2));
    if (last < first) {
      // Not a valid range at all ("5-3"): ignored.
      return Optional.empty();
    }
    if (first >= size) {
      throw new NotSatisfiable();
    }
    return Optional.of(new ByteRange(first, Math.min(last, size - 1) - first + 1));
  }

  /** Digits as a number; more than a long holds counts as the largest long, beyond any object. */
  private static long digits(final String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The range starts after the object's end: 416. */
  static final class NotSatisfiable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotSatisfiable() {
      super("the range asks for no byte of the object", null, false, false);
    }
  }
}
