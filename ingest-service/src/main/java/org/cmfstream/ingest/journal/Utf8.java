// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

/**
 * Strict UTF-8 checking of a whole upload in one pass over its bytes, with no decoded copy.
 *
 * <p>Well-formed is Unicode's table 3-7: no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF, no sequence cut short. Anything else is refused, never replaced: the JDK's {@code new
 * String(bytes, UTF_8)} turns bad bytes into U+FFFD, and Jackson's byte parser reads an overlong
 * {@code C0 AF} as '/' and {@code F4 90 80 80} as two lone surrogates, so either would commit a
 * name the client never sent.
 */
final class Utf8 {

  /** {@link #scan}: well-formed, and no NUL byte. */
  static final int WELL_FORMED = -1;

  /** {@link #scan}: well-formed, with a NUL byte somewhere (legal UTF-8, never valid raw JSON). */
  static final int WELL_FORMED_WITH_NUL = -2;

  private Utf8() {}

  /**
   * The offset of the first byte that does not belong to well-formed UTF-8, or {@link
   * #WELL_FORMED} or {@link #WELL_FORMED_WITH_NUL}.
   */
  static int scan(final byte[] b) {
    boolean nul = false;
    int i = 0;
    final int n = b.length;
    while (i < n) {
      final int c = b[i] & 0xff;
      if (c < 0x80) {
        // ASCII: nearly every byte of an upload, so this branch is the one that has to be cheap.
        nul |= c == 0;
        i++;
        continue;
      }
      final int need;
      int lo = 0x80;
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c == 0xe0) {
          lo = 0xa0;
        } else if (c == 0xed) {
          hi = 0x9f;
        }
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c == 0xf0) {
          lo = 0x90;
        } else if (c == 0xf4) {
          hi = 0x8f;
        }
      } else {
        // 80..C1 (a continuation byte alone, or an overlong two-byte lead) and F5..FF.
        return i;
      }
      if (i + 1 >= n) {
        return i;
      }
      final int second = b[i + 1] & 0xff;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        if (i + k >= n) {
          return i;
        }
        final int next = b[i + k] & 0xff;
        if (next < 0x80 || next > 0xbf) {
          return i;
        }
      }
      i += need + 1;
    }
    return nul ? WELL_FORMED_WITH_NUL : WELL_FORMED;
  }
}
