// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContentHashSetTest {

  private static final HexFormat HEX = HexFormat.of();

  private static String hash(final Random random) {
    final byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }

  @Test
  void shouldTellAHashSeenFromANewOneAsASetOfTheirStringsDoes() {
    // given: random hashes, some of them again, some sharing their first 64 bits with another
    final Random random = new Random(42);
    final List<String> hashes = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      final String hash = hash(random);
      hashes.add(hash);
      if (i % 7 == 0) {
        hashes.add(hashes.get(random.nextInt(hashes.size())));
      }
      if (i % 11 == 0) {
        hashes.add(hash.substring(0, 16) + hash(random).substring(16));
      }
    }
    final Set<String> strings = new HashSet<>();
    final ContentHashSet set = new ContentHashSet();
    // when, then
    for (final String hash : hashes) {
      assertThat(set.add(hash)).as(hash).isEqualTo(strings.add(hash));
    }
    assertThat(set.size()).isEqualTo(strings.size());
  }

  @Test
  void shouldTakeAt43BytesAHash() {
    // given
    final Random random = new Random(7);
    final ContentHashSet set = new ContentHashSet();
    for (int i = 1; i <= 300_000; i++) {
      // when
      set.add(hash(random));
      // then: from a thousand on, the table is between 3/8 and 3/4 full
      if (i >= 1_000 && i % 1_000 == 0) {
        assertThat((double) set.tableBytes() / i).as("bytes a hash at %d", i).isBetween(16 / 0.75, 16 / 0.375);
      }
    }
  }

  @Test
  void shouldForgetEveryHashWhenCleared() {
    for (final int count : new int[] {10, 100_000}) {
      // given: a set that kept its first table, and one that grew
      final Random random = new Random(count);
      final ContentHashSet set = new ContentHashSet();
      final List<String> hashes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        hashes.add(hash(random));
        set.add(hashes.get(i));
      }
      set.add("0".repeat(64));
      // when
      set.clear();
      // then
      assertThat(set.size()).isZero();
      assertThat(set.tableBytes()).isEqualTo(16L * 1024);
      assertThat(hashes).allSatisfy(hash -> assertThat(set.add(hash)).as(hash).isTrue());
      assertThat(set.add("0".repeat(64))).isTrue();
    }
  }

  @Test
  void shouldKeepTheHashWhoseFirst128BitsAreZero() {
    // given
    final ContentHashSet set = new ContentHashSet();
    final String zero = "0".repeat(64);
    // when, then
    assertThat(set.add(zero)).isTrue();
    assertThat(set.add(zero)).isFalse();
    assertThat(set.add("0".repeat(31) + "1" + "0".repeat(32))).isTrue();
    assertThat(set.size()).isEqualTo(2);
  }

  @Test
  void shouldTakeHashesThatDifferOnlyBeyondTheirFirst128BitsForOne() {
    // given
    final ContentHashSet set = new ContentHashSet();
    final String first = hash(new Random(1));
    // when
    set.add(first);
    // then
    assertThat(set.add(first.substring(0, 32) + "f".repeat(32))).isFalse();
  }
}
