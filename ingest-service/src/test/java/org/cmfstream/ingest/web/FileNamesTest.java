// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

  @ParameterizedTest(name = "{0} -> {1}, {2}")
  @CsvSource({
    // what the cmf client sends for a Python environment
    "cmf_artifacts/python_env_0123456789abcdef0123456789abcdef.txt, python_env_0123456789abcdef0123456789abcdef.txt, cmf_artifacts/python_env_0123456789abcdef0123456789abcdef.txt",
    "236d9502e0283d91f689d7038b8508a2, 236d9502e0283d91f689d7038b8508a2, 236d9502e0283d91f689d7038b8508a2",
    "logs\\train\\events.out.tfevents.1, events.out.tfevents.1, logs/train/events.out.tfevents.1",
    "./a/./b.txt, b.txt, a/b.txt",
    "a//b.txt, b.txt, a/b.txt",
    "données é.txt, données é.txt, données é.txt",
    "..hidden, ..hidden, ..hidden",
  })
  void shouldKeepOrdinaryRelativeNames(final String name, final String basename, final String relative) {
    assertThat(FileNames.basename(name, "file name")).isEqualTo(basename);
    assertThat(FileNames.relativePath(name, "file name")).isEqualTo(relative);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
    "../../etc/passwd", "a/../../b", "..", "a\\..\\b", "/etc/passwd", "\\\\server\\share\\x", "C:\\Windows\\x.txt", "c:x.txt",
    "a\u0000b", "line\nbreak", "tab\there", "bell\u0007", "del\u007f", "c1\u0085", "", ".", "a/", "a/.",
  })
  void shouldRefuseTraversalAbsolutePathsAndControlCharacters(final String name) {
    final BadInput bad = catchThrowableOfType(BadInput.class, () -> FileNames.relativePath(name, "file name"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.type()).isEqualTo("invalid-file-name");
    assertThat(bad.detail()).doesNotContain("\u0000").doesNotContain("\n");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"a/b", "a\\b", "..", "."})
  void shouldRefuseASeparatorInASegment(final String name) {
    assertThat(catchThrowableOfType(BadInput.class, () -> FileNames.segment(name, "pipeline_name")).status()).isEqualTo(400);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(ints = {256, 2000})
  void shouldRefuseOverlongNames(final int length) {
    assertThat(catchThrowableOfType(BadInput.class, () -> FileNames.basename("x".repeat(length), "file name")).status()).isEqualTo(400);
  }
}
