// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ContentHashTest {

  @Nested
  class Order {

    @Test
    void shouldNotDependOnTheOrderOfMapEntries() {
      final Map<String, Object> ab = new LinkedHashMap<>();
      ab.put("a", 1L);
      ab.put("b", Map.of("x", "1", "y", "2"));
      final Map<String, Object> ba = new LinkedHashMap<>();
      ba.put("b", Map.of("y", "2", "x", "1"));
      ba.put("a", 1L);

      assertThat(ContentHash.of(ab)).isEqualTo(ContentHash.of(ba));
    }

    @Test
    void shouldNotDependOnTheOrderOfSetMembers() {
      final Set<Object> one = new LinkedHashSet<>(List.of("labels.csv:13e5", "train.tsv:32b7", 3L));
      final Set<Object> other = new LinkedHashSet<>(List.of(3L, "train.tsv:32b7", "labels.csv:13e5"));

      assertThat(ContentHash.of(Map.of("labels", one))).isEqualTo(ContentHash.of(Map.of("labels", other)));
    }

    @Test
    void shouldKeepTheOrderOfLists() {
      assertThat(ContentHash.of(List.of("a", "b"))).isNotEqualTo(ContentHash.of(List.of("b", "a")));
    }
  }

  @Nested
  class Facts {

    @Test
    void shouldGiveEqualHashesForEqualFactsAndDifferentHashesOtherwise() {
      final Map<String, Object> facts = new HashMap<>(Map.of("uri", "236d9502e0283d91f689d7038b8508a2", "type", "Dataset"));
      final Map<String, Object> same = new HashMap<>(facts);
      final Map<String, Object> other = new HashMap<>(facts);
      other.put("type", "Model");

      assertThat(ContentHash.of(facts)).isEqualTo(ContentHash.of(same));
      assertThat(ContentHash.of(facts)).isNotEqualTo(ContentHash.of(other));
    }

    @Test
    void shouldTellStringsFromNumbersAndNullFromAbsent() {
      assertThat(ContentHash.of(Map.of("seed", "20170428"))).isNotEqualTo(ContentHash.of(Map.of("seed", 20170428L)));
      final Map<String, Object> withNull = new HashMap<>();
      withNull.put("a", null);
      assertThat(ContentHash.of(withNull)).isNotEqualTo(ContentHash.of(Map.of()));
    }

    @Test
    void shouldNotLetCommasOrQuotesInValuesCollide() {
      // "a,b" + "c" must not hash like "a" + "b,c": joining with commas would collide.
      assertThat(ContentHash.of(List.of("a,b", "c"))).isNotEqualTo(ContentHash.of(List.of("a", "b,c")));
      assertThat(ContentHash.of(Map.of("k", "v\",\"x\":\"y"))).isNotEqualTo(ContentHash.of(Map.of("k", "v", "x", "y")));
    }
  }

  @Nested
  class Numbers {

    @Test
    void shouldNormaliseEveryFormOfTheSameNumber() {
      assertThat(ContentHash.of(1)).isEqualTo(ContentHash.of(1L)).isEqualTo(ContentHash.of(1.0d)).isEqualTo(ContentHash.of(BigInteger.ONE));
      assertThat(ContentHash.of(0.0d)).isEqualTo(ContentHash.of(-0.0d)).isEqualTo(ContentHash.of(0L));
      assertThat(CanonicalForm.text(0.5d)).isEqualTo("0.5");
      assertThat(CanonicalForm.text(1e21d)).isEqualTo("1000000000000000000000");
    }

    @Test
    void shouldHandleNanAndInfinities() {
      assertThat(CanonicalForm.text(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY))).isEqualTo("[NaN,Infinity,-Infinity]");
      // Every NaN bit pattern is the same fact.
      assertThat(ContentHash.of(Double.longBitsToDouble(0x7ff8000000000001L))).isEqualTo(ContentHash.of(Double.NaN));
      assertThat(ContentHash.of(Double.NaN)).isNotEqualTo(ContentHash.of("NaN"));
    }

    @Test
    void shouldKeepLargeIntegersExact() {
      final long big = Long.MAX_VALUE;
      assertThat(CanonicalForm.text(big)).isEqualTo("9223372036854775807");
      // The nearest double to MAX_VALUE is 2^63: a different number, so a different hash.
      assertThat(ContentHash.of(big)).isNotEqualTo(ContentHash.of((double) big));
      assertThat(CanonicalForm.text(new BigInteger("123456789012345678901234567890"))).isEqualTo("123456789012345678901234567890");
    }

    @Test
    void shouldWriteDoublesAsTheirExactBinaryValue() {
      assertThat(CanonicalForm.text(0.1d)).isEqualTo("0.1000000000000000055511151231257827021181583404541015625");
      assertThat(ContentHash.of(0.1d)).isNotEqualTo(ContentHash.of(0.1f));
    }
  }

  @Nested
  class Unicode {

    @Test
    void shouldEncodeUnicodeAsUtf8WithoutEscapes() {
      assertThat(CanonicalForm.bytes("café 🚀")).isEqualTo("\"café 🚀\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void shouldTellDifferentCodePointsApart() {
      // "é" precomposed and "e" + combining acute look alike but are different facts.
      assertThat(ContentHash.of("caf\u00e9")).isNotEqualTo(ContentHash.of("cafe\u0301"));
    }

    @Test
    void shouldSortKeysByUtf8BytesIncludingSupplementaryCharacters() {
      // UTF-16 order would put U+FFFD after U+1F680's surrogates; UTF-8 order puts it before.
      assertThat(CanonicalForm.text(Map.of("\ud83d\ude80", 1L, "\ufffd", 2L))).isEqualTo("{\"\ufffd\":2,\"\ud83d\ude80\":1}");
    }

    @Test
    void shouldEscapeControlCharacters() {
      assertThat(CanonicalForm.text("a\nb\u0000")).isEqualTo("\"a\\u000ab\\u0000\"");
    }
  }

  @Test
  void shouldRefuseWhatHasNoCanonicalForm() {
    assertThatThrownBy(() -> ContentHash.of(new Object())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContentHash.of(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys");
    assertThatThrownBy(() -> new ContentHash("ABC")).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Hashes stored in the journal must stay valid forever: if this test fails, the canonical form
   * changed, and every stored hash with it. Add a new hash version instead of editing the recipe.
   */
  @Test
  void shouldKeepKnownHashesStable() {
    final Map<String, Object> artifact = new LinkedHashMap<>();
    artifact.put("kind", "ArtifactFact");
    artifact.put("uri", "236d9502e0283d91f689d7038b8508a2");
    artifact.put("type", "Dataset");
    artifact.put("name", "artifacts/data.xml.gz:236d9502e0283d91f689d7038b8508a2");
    artifact.put("customProperties", Map.of("user-metadata1", "metadata_value", "roc_auc", 0.9551, "seed", 20170428L, "loss", Double.NaN));

    assertThat(CanonicalForm.text(artifact))
        .isEqualTo(
            "{\"customProperties\":{\"loss\":NaN,\"roc_auc\":0.95509999999999994901855870921281166374683380126953125,"
                + "\"seed\":20170428,\"user-metadata1\":\"metadata_value\"},\"kind\":\"ArtifactFact\","
                + "\"name\":\"artifacts/data.xml.gz:236d9502e0283d91f689d7038b8508a2\",\"type\":\"Dataset\","
                + "\"uri\":\"236d9502e0283d91f689d7038b8508a2\"}");
    assertThat(ContentHash.of(artifact).hex()).isEqualTo(GoldenHashes.ARTIFACT);
    assertThat(ContentHash.of(Map.of()).hex()).isEqualTo(GoldenHashes.EMPTY_MAP);
    assertThat(ContentHash.of("café 🚀").hex()).isEqualTo(GoldenHashes.UNICODE);
  }
}
