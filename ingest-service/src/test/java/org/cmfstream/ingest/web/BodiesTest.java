// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.exceptions.BufferLengthExceededException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodiesTest {

  @Test
  void shouldReadABodyOfExactlyItsDeclaredLengthIntoOneArray() throws IOException {
    // given
    final byte[] body = filled(1000);

    // when
    final byte[] read = Bodies.readAll(new ByteArrayInputStream(body), body.length, 1000);

    // then
    assertThat(read).isEqualTo(body);
  }

  @Test
  void shouldReadABodyOfUnknownLengthLargerThanItsFirstBuffer() throws IOException {
    // given: gzip bodies arrive inflated, of a length nobody declared
    final byte[] body = filled(300_000);

    // when
    final byte[] read = Bodies.readAll(trickling(body), -1, 300_000);

    // then
    assertThat(read).isEqualTo(body);
  }

  @Test
  void shouldRefuseOneByteOverTheLimitWith413() {
    // given: one byte more than allowed, whether the length was declared too small or not at all
    final byte[] body = filled(300_001);

    // when / then
    for (final long declared : new long[] {-1, 10, 300_000}) {
      assertThatThrownBy(() -> Bodies.readAll(trickling(body), declared, 300_000))
          .as("declared " + declared)
          .isInstanceOfSatisfying(BadInput.class, bad -> {
            assertThat(bad.status()).isEqualTo(413);
            assertThat(bad.type()).isEqualTo("body-too-large");
          });
    }
  }

  @Test
  void shouldAnswerTheFrameworksBufferLimitAsOur413() {
    // given: the stream the framework fails when a body came faster than it was read
    final InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException(new BufferLengthExceededException(10_485_760L, 10_485_761L));
      }
    };

    // when / then
    assertThatThrownBy(() -> Bodies.readAll(failing, -1, 64))
        .isInstanceOfSatisfying(BadInput.class, bad -> assertThat(bad.status()).isEqualTo(413));
  }

  @Test
  void shouldLeaveABodyThatBrokeOffAnIOException() {
    // given
    final InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };

    // when / then
    assertThatThrownBy(() -> Bodies.readAll(broken, 5, 64)).isInstanceOf(IOException.class);
  }

  private static byte[] filled(final int n) {
    final byte[] b = new byte[n];
    Arrays.fill(b, (byte) ' ');
    return b;
  }

  /** A stream that hands out at most 1000 bytes a read, as a network body does. */
  private static InputStream trickling(final byte[] body) {
    return new ByteArrayInputStream(body) {
      @Override
      public synchronized int read(final byte[] b, final int off, final int len) {
        return super.read(b, off, Math.min(len, 1000));
      }
    };
  }
}
