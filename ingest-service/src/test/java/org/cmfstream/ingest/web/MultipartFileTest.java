// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue #7: the side files' multipart bodies, read strictly and with the file name as sent. */
class MultipartFileTest {

  private static final String BOUNDARY = "b7c1e0";
  private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  @Nested
  class CompleteBodies {

    @Test
    void shouldReadTheFilePartAndItsNameAsSent() throws IOException {
      // given
      final byte[] body = body(part("file", "\"cmf_artifacts/python_env_1.txt\"", "numpy==1.26.4\n"));
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file").orElseThrow();
      // then
      assertThat(file.fileName()).isEqualTo("cmf_artifacts/python_env_1.txt");
      assertThat(read(file.content())).isEqualTo("numpy==1.26.4\n");
    }

    @Test
    void shouldKeepBackslashesAndControlCharactersOfTheNameForTheRouteToRefuse() throws IOException {
      // given: a quoted-string, with a backslash escaped as urllib3 writes it, and a raw control character
      final byte[] body = body(part("file", "\"..\\\\..\\\\x\u0001.txt\"", "x"));
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file").orElseThrow();
      // then
      assertThat(file.fileName()).isEqualTo("..\\..\\x\u0001.txt");
      assertThatThrownBy(() -> FileNames.basename(file.fileName(), "file name")).isInstanceOf(BadInput.class).hasMessageContaining("control character U+0001");
    }

    @Test
    void shouldKeepABackslashThatEscapesNothingAsBrowsersSendIt() throws IOException {
      // given: a drive path as a browser writes it, the backslash not doubled; and an escaped quote
      final byte[] body = body(part("file", "\"C:\\x \\\"q\\\".txt\"", "x"));
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file").orElseThrow();
      // then
      assertThat(file.fileName()).isEqualTo("C:\\x \"q\".txt");
    }

    @Test
    void shouldPreferTheExtendedFileName() throws IOException {
      // given
      final byte[] body = body(part("file", "\"plain.txt\"; filename*=UTF-8''caf%C3%A9%5C..%5Cx.txt", "x"));
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file").orElseThrow();
      // then
      assertThat(file.fileName()).isEqualTo("café\\..\\x.txt");
    }

    @Test
    void shouldSkipOtherPartsBeforeAndAfterTheFile() throws IOException {
      // given: a preamble, a field before the file and another after it, and an epilogue
      final String body = "preamble\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n"
          + part("file", "\"a.txt\"", "a\r\n--" + BOUNDARY.substring(0, 3) + " is not a boundary")
          + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nmore\r\n--" + BOUNDARY + "--\r\nepilogue";
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(utf8(body)), "file").orElseThrow();
      // then
      assertThat(read(file.content())).isEqualTo("a\r\n--" + BOUNDARY.substring(0, 3) + " is not a boundary");
    }

    @Test
    void shouldReadAFileLargerThanItsBuffer() throws IOException {
      // given: content that holds the start of the delimiter at every buffer boundary
      final String content = ("x".repeat(1000) + "\r\n--" + BOUNDARY.substring(0, 4)).repeat(300);
      final byte[] body = body(part("file", "\"big.bin\"", content));
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new TrickleInputStream(body), "file").orElseThrow();
      // then
      assertThat(read(file.content())).isEqualTo(content);
    }

    @Test
    void shouldFindNoFileWhenNoPartIsNamedFile() throws IOException {
      // given
      final byte[] body = body(part("files", "\"a.txt\"", "x"));
      // when
      final Optional<MultipartFile> file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file");
      // then
      assertThat(file).isEmpty();
    }
  }

  @Nested
  class CutOrMalformedBodies {

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 10, 17, 20})
    void shouldFailTheContentWhenTheBodyEndsBeforeItsClosingBoundary(final int cut) throws IOException {
      // given: the body without its last bytes, the "--" that closes it at least
      final byte[] whole = body(part("file", "\"never_stored.txt\"", "numpy==1.26.4\n"));
      final byte[] body = Arrays.copyOf(whole, whole.length - cut);
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file").orElseThrow();
      // then: the consumer never sees the end of the stream
      assertThatThrownBy(() -> read(file.content())).isInstanceOfSatisfying(BadInput.class, bad -> {
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.type()).isEqualTo("malformed-multipart");
      });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void shouldAcceptAClosingBoundaryWithoutItsLineBreak(final int cut) throws IOException {
      // given: RFC 2046 makes the line break after the closing delimiter optional
      final byte[] whole = body(part("file", "\"a.txt\"", "x"));
      final byte[] body = Arrays.copyOf(whole, whole.length - cut);
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file").orElseThrow();
      // then
      assertThat(read(file.content())).isEqualTo("x");
    }

    @Test
    void shouldFailWhenAPartAfterTheFileIsCut() throws IOException {
      // given
      final String body = part("file", "\"a.txt\"", "a") + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nmo";
      // when
      final MultipartFile file = MultipartFile.find(TYPE, new ByteArrayInputStream(utf8(body)), "file").orElseThrow();
      // then
      assertThatThrownBy(() -> read(file.content())).isInstanceOf(BadInput.class);
    }

    @Test
    void shouldRefuseABodyCutInsideThePartHeaders() {
      // given
      final byte[] body = Arrays.copyOf(body(part("file", "\"a.txt\"", "x")), 40);
      // when, then
      assertThatThrownBy(() -> MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file"))
          .isInstanceOf(BadInput.class).hasMessageContaining("inside a part's headers");
    }

    @Test
    void shouldRefuseABodyWithAnotherBoundary() {
      // given
      final byte[] body = body(part("file", "\"a.txt\"", "x"));
      // when, then
      assertThatThrownBy(() -> MultipartFile.find("multipart/form-data; boundary=other", new ByteArrayInputStream(body), "file"))
          .isInstanceOf(BadInput.class).hasMessageContaining("before its first boundary");
    }

    @ParameterizedTest
    @ValueSource(strings = {"multipart/form-data", "multipart/form-data; boundary=", "application/json; boundary=b7c1e0"})
    void shouldRefuseAContentTypeWithoutAUsableBoundary(final String type) {
      assertThatThrownBy(() -> MultipartFile.find(type, new ByteArrayInputStream(new byte[0]), "file")).isInstanceOf(BadInput.class);
    }

    @Test
    void shouldRefuseAFileNameWithoutItsClosingQuote() {
      // given
      final byte[] body = body(part("file", "\"a.txt", "x"));
      // when, then
      assertThatThrownBy(() -> MultipartFile.find(TYPE, new ByteArrayInputStream(body), "file")).isInstanceOf(BadInput.class).hasMessageContaining("closing quote");
    }
  }

  private static String part(final String name, final String fileNameParam, final String content) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=" + fileNameParam + "\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n";
  }

  private static byte[] body(final String parts) {
    return utf8(parts + "--" + BOUNDARY + "--\r\n");
  }

  private static byte[] utf8(final String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String read(final InputStream in) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final byte[] buffer = new byte[777];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      out.write(buffer, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Hands out a few bytes a read, as a network does. */
  private static final class TrickleInputStream extends ByteArrayInputStream {
    TrickleInputStream(final byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int read(final byte[] b, final int off, final int len) {
      return super.read(b, off, Math.min(len, 7));
    }
  }
}
