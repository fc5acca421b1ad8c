// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.cmfstream.ingest.web.BadInput;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentAddressTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "236d9502e0283d91f689d7038b8508a2, files/md5/23/6d9502e0283d91f689d7038b8508a2",
    "236D9502E0283D91F689D7038B8508A2, files/md5/23/6d9502e0283d91f689d7038b8508a2",
    "236d9502e0283d91f689d7038b8508a2.dir, files/md5/23/6d9502e0283d91f689d7038b8508a2.dir",
  })
  void shouldPlaceAnObjectWhereDvcKeepsIt(final String text, final String key) {
    assertThat(ContentAddress.parse(text).key()).isEqualTo(key);
    assertThat(ContentAddress.isContentAddress(text)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", "236d9502e0283d91f689d7038b8508a", "236d9502e0283d91f689d7038b8508a2a", "236d9502e0283d91f689d7038b8508ag",
      "../../etc/passwd", "236d9502e0283d91f689d7038b8508a2.zip", "236d9502e0283d91f689d7038b8508a2.dir.dir", ".dir"})
  void shouldRejectWhatIsNoMd5(final String text) {
    final BadInput bad = catchThrowableOfType(BadInput.class, () -> ContentAddress.parse(text));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.type()).isEqualTo("invalid-md5");
    assertThat(ContentAddress.isContentAddress(text)).isFalse();
  }
}
