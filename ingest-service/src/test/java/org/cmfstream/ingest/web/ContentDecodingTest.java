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
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue #7: request bodies decoded strictly, so that a body cut in its last bytes is refused. */
class ContentDecodingTest {

  private static final byte[] TEXT = "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}\n".repeat(200).getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldDecodeAWholeGzipBody() throws IOException {
    // when
    final byte[] decoded = new ContentDecoding.Decoding(new ByteArrayInputStream(gzip(TEXT)), ContentDecoding.Decoding.GZIP).readAllBytes();
    // then
    assertThat(decoded).isEqualTo(TEXT);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 8, 9, 20})
  void shouldRefuseAGzipBodyCutInItsLastBytes(final int cut) throws IOException {
    // given: the trailer (CRC and length, 8 bytes) or the end of the deflate data missing
    final byte[] whole = gzip(TEXT);
    final InputStream body = new ContentDecoding.Decoding(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - cut)), ContentDecoding.Decoding.GZIP);
    // when, then
    assertThatThrownBy(body::readAllBytes).isInstanceOfSatisfying(BadInput.class, bad -> {
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.type()).isEqualTo("bad-encoding");
      assertThat(bad.detail()).doesNotContain("null");
    });
  }

  @Test
  void shouldRefuseAGzipBodyWithAWrongCrc() throws IOException {
    // given
    final byte[] body = gzip(TEXT);
    body[body.length - 8] ^= 1;
    // when, then
    assertThatThrownBy(new ContentDecoding.Decoding(new ByteArrayInputStream(body), ContentDecoding.Decoding.GZIP)::readAllBytes).isInstanceOf(BadInput.class);
  }

  @Test
  void shouldDecodeZlibAndRawDeflate() throws IOException {
    // when
    final byte[] zlib = new ContentDecoding.Decoding(new ByteArrayInputStream(deflate(TEXT, false)), ContentDecoding.Decoding.DEFLATE).readAllBytes();
    final byte[] raw = new ContentDecoding.Decoding(new ByteArrayInputStream(deflate(TEXT, true)), ContentDecoding.Decoding.DEFLATE).readAllBytes();
    // then
    assertThat(zlib).isEqualTo(TEXT);
    assertThat(raw).isEqualTo(TEXT);
  }

  @Test
  void shouldRefuseAZlibBodyWithoutItsChecksum() throws IOException {
    // given
    final byte[] whole = deflate(TEXT, false);
    final InputStream body = new ContentDecoding.Decoding(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 2)), ContentDecoding.Decoding.DEFLATE);
    // when, then
    assertThatThrownBy(body::readAllBytes).isInstanceOf(BadInput.class);
  }

  @Test
  void shouldPassAFailureOfTheBodyItselfOnAsItIs() {
    // given: the connection breaks under the body
    final InputStream broken = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };
    // when, then: not the client's encoding mistake, so no 400
    assertThatThrownBy(new ContentDecoding.Decoding(broken, ContentDecoding.Decoding.GZIP)::readAllBytes).isExactlyInstanceOf(IOException.class)
        .hasMessage("connection reset");
  }

  private static byte[] gzip(final byte[] bytes) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(final byte[] bytes, final boolean raw) throws IOException {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, deflater)) {
      z.write(bytes);
    }
    deflater.end();
    return out.toByteArray();
  }
}
