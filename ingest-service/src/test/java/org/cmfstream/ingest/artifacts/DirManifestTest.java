// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cmfstream.ingest.web.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirManifestTest {

  @Test
  void shouldReadTheEntriesDvcWrites() throws IOException {
    // given: DVC's form, with a field it may add
    final String manifest = "[{\"md5\": \"D41D8CD98F00B204E9800998ECF8427E\", \"relpath\": \"empty.txt\"}, "
        + "{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"sub/dir/a.txt\", \"size\": 1}]";
    final List<DirManifest.Entry> entries = new ArrayList<>();

    // when
    final long count = DirManifest.read(stream(manifest), entries::add);

    // then
    assertThat(count).isEqualTo(2);
    assertThat(entries).containsExactly(
        new DirManifest.Entry("d41d8cd98f00b204e9800998ecf8427e", "empty.txt"), new DirManifest.Entry("0cc175b9c0f1b6a831c399e269772661", "sub/dir/a.txt"));
    assertThat(entries.get(1).address().key()).isEqualTo("files/md5/0c/c175b9c0f1b6a831c399e269772661");
  }

  @Test
  void shouldTakeAnEmptyFolder() throws IOException {
    assertThat(DirManifest.read(stream("[]"), e -> {})).isZero();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
    "{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a\"}",
    "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\"}]",
    "[{\"relpath\": \"a\"}]",
    "[{\"md5\": \"xyz\", \"relpath\": \"a\"}]",
    "[{\"md5\": 42, \"relpath\": \"a\"}]",
    "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"../../etc/passwd\"}]",
    "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"/etc/passwd\"}]",
    "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a\\u0000b\"}]",
    "[\"0cc175b9c0f1b6a831c399e269772661\"]",
    "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a\"}] []",
    "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a\"}",
    "not json",
    "",
  })
  void shouldRefuseWhatIsNoManifest(final String text) {
    final BadInput bad = catchThrowableOfType(BadInput.class, () -> DirManifest.read(stream(text), e -> {}));

    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.type()).isEqualTo("invalid-dir-manifest");
  }

  /** Issue #7's bad-input campaign: Jackson's byte parser read an overlong '/' (C0 AF) as '/', and the manifest was stored. */
  @Test
  void shouldRefuseBytesThatAreNotUtf8() {
    for (final byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}) {
      final ByteArrayOutputStream manifest = new ByteArrayOutputStream();
      manifest.writeBytes("[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a".getBytes(StandardCharsets.UTF_8));
      manifest.writeBytes(bad);
      manifest.writeBytes("b\"}]".getBytes(StandardCharsets.UTF_8));

      final BadInput refused = catchThrowableOfType(BadInput.class, () -> DirManifest.read(new ByteArrayInputStream(manifest.toByteArray()), e -> {}));

      assertThat(refused).as("%02x...", bad[0]).isNotNull();
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.type()).isEqualTo("invalid-dir-manifest");
    }
  }

  @Test
  void shouldReadAnEntryOfCollidingKeysAndEveryManifestAfterIt() throws IOException {
    // given: an entry with 512 more keys that share one hash in a text parser's name table (a
    // table shared by every parse refused them, then failed other uploads: jackson-core#547)
    final StringBuilder entry = new StringBuilder("[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a.txt\"");
    for (int i = 0; i < 512; i++) {
      entry.append(", \"");
      for (int block = 0; block < 9; block++) {
        entry.append((i >> block & 1) == 0 ? "aB" : "b!");
      }
      entry.append("\": 0");
    }

    // when, then: it is read as DVC's other fields are, and so are the manifests after it
    assertThat(DirManifest.read(stream(entry + "}]"), e -> {})).isEqualTo(1);
    for (int m = 0; m < 200; m++) {
      final String manifest = "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"a.txt\", \"x" + m + "\": 1, \"y" + m + "\": 2}]";
      assertThat(DirManifest.read(stream(manifest), e -> {})).as("manifest %d", m).isEqualTo(1);
    }
  }

  private static ByteArrayInputStream stream(final String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
