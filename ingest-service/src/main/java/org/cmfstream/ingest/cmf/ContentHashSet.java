// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The content hashes a push has seen, in 21 to 43 bytes each (16 a slot, the table between 3/8 and
 * 3/4 full) where a set of their hex strings took about 150: a push within the size limit can name
 * millions of distinct artifacts. A hash is kept as its first 128 bits (two longs, in an
 * open-addressing table), so two hashes are taken for one only if SHA-256 collides in 128 bits.
 */
final class ContentHashSet {

  private static final int MIN_SLOTS = 1 << 10;

  /** Two longs per slot; a slot of two zeros is empty. */
  private long[] table = new long[2 * MIN_SLOTS];
  private int size;
  /** Whether the hash whose first 128 bits are all zero was added: it cannot sit in the table. */
  private boolean zero;

  /**
   * Adds a hash, given as at least 32 hex digits.
   *
   * @return true if it was not in the set
   */
  boolean add(final CharSequence hex) {
    final long high = HexFormat.fromHexDigitsToLong(hex, 0, 16);
    final long low = HexFormat.fromHexDigitsToLong(hex, 16, 32);
    if (high == 0 && low == 0) {
      final boolean added = !zero;
      zero = true;
      return added;
    }
    if (insert(table, high, low)) {
      if (++size * 4L > 3L * slots(table)) {
        grow();
      }
      return true;
    }
    return false;
  }

  /**
   * Empties the set in time bounded by what it held: nothing if it is empty (a dump may list a
   * million pipelines to roll back), a small table wiped, a large one dropped for a small one.
   */
  void clear() {
    if (size == 0 && !zero) {
      return;
    }
    if (table.length == 2 * MIN_SLOTS) {
      Arrays.fill(table, 0L);
    } else {
      table = new long[2 * MIN_SLOTS];
    }
    size = 0;
    zero = false;
  }

  int size() {
    return size + (zero ? 1 : 0);
  }

  /** The bytes of the table (while it grows, the old one's too, for a moment). */
  long tableBytes() {
    return 8L * table.length;
  }

  private static int slots(final long[] table) {
    return table.length / 2;
  }

  /** Linear probing from the slot the high bits pick (they are a SHA-256's: already uniform). */
  private static boolean insert(final long[] table, final long high, final long low) {
    final int mask = slots(table) - 1;
    for (int slot = (int) (high ^ high >>> 32) & mask; ; slot = slot + 1 & mask) {
      final long h = table[2 * slot];
      final long l = table[2 * slot + 1];
      if (h == 0 && l == 0) {
        table[2 * slot] = high;
        table[2 * slot + 1] = low;
        return true;
      }
      if (h == high && l == low) {
        return false;
      }
    }
  }

  private void grow() {
    final long[] larger = new long[2 * table.length];
    for (int slot = 0; slot < slots(table); slot++) {
      if (table[2 * slot] != 0 || table[2 * slot + 1] != 0) {
        insert(larger, table[2 * slot], table[2 * slot + 1]);
      }
    }
    table = larger;
  }
}
