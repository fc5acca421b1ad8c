// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hop watcher finds the markers of every freshness measurement, in keys and in values. */
class FreshnessHopsTest {

  @Test
  void shouldFindTheMarkerOfEveryRunInAKeyOrAValue() {
    for (final int run : new int[] {1, 2, 17, 4095}) {
      // given
      final String marker = Freshness.marker(run, 299);
      final byte[] key = ("artifact/" + marker).getBytes(StandardCharsets.UTF_8);
      final byte[] value = ("\u0001\u0002avro" + marker + "\u0000tail").getBytes(StandardCharsets.UTF_8);

      // when, then
      assertThat(FreshnessHops.marker(key, null)).isEqualTo(marker);
      assertThat(FreshnessHops.marker(new byte[] {1, 2}, value)).isEqualTo(marker);
    }
  }

  @Test
  void shouldFindNoMarkerInTheBenchmarksOtherUris() {
    // given: a workload artifact uri, 32 hex digits that do not start with the marker prefix
    final byte[] value = BenchWorkload.uri(1_000_000, 3, 2).getBytes(StandardCharsets.UTF_8);

    // when, then
    assertThat(FreshnessHops.marker(null, value)).isNull();
  }
}
