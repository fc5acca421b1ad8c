// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

  @ParameterizedTest(name = "{0} of 1000 bytes -> {1}+{2}")
  @CsvSource({
    "'bytes=0-99', 0, 100",
    "'bytes=100-', 100, 900",
    "'bytes=-10', 990, 10",
    "'bytes=-5000', 0, 1000",
    "'bytes=990-5000', 990, 10",
    "'bytes=999-999', 999, 1",
    "'bytes = 5 - 9', 5, 5",
    "'bytes=0-99999999999999999999999', 0, 1000",
  })
  void shouldTakeOneRangeAndClampItToTheObject(final String header, final long offset, final long length) {
    assertThat(ByteRange.of(header, 1000)).contains(new ByteRange(offset, length));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @NullSource
  @ValueSource(strings = {"bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=-", "bytes=abc", ""})
  void shouldServeTheWholeObjectForNoOrAnUnusableRange(final String header) {
    assertThat(ByteRange.of(header, 1000)).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"bytes=1000-", "bytes=1000-2000", "bytes=-0", "bytes=99999999999999999999-"})
  void shouldRefuseARangeBeyondTheEnd(final String header) {
    assertThatThrownBy(() -> ByteRange.of(header, 1000)).isInstanceOf(ByteRange.NotSatisfiable.class);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"bytes=0-", "bytes=-1"})
  void shouldFindNoByteInAnEmptyObject(final String header) {
    assertThatThrownBy(() -> ByteRange.of(header, 0)).isInstanceOf(ByteRange.NotSatisfiable.class);
  }
}
