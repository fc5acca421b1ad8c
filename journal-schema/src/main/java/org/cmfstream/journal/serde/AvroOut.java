// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.util.Utf8;

/**
 * A growable byte array with Avro's primitive binary encodings: what {@link DirectWriter} writes
 * into, and ingest's one-pass reader ({@code EncodedRecords}), which writes journal records' Avro
 * bytes piece by piece. Not thread-safe.
 */
public final class AvroOut {
  private byte[] buf;
  private int len;

  /** Empty, with room for {@code capacity} bytes before it grows. */
  public AvroOut(final int capacity) {
    buf = new byte[capacity];
  }

  /** Empties it, keeping its room. */
  public void reset() {
    len = 0;
  }

  /** The room it has, written or not: a caller drops an instance grown too large. */
  public int capacity() {
    return buf.length;
  }

  /** A copy of the bytes written since the last reset. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /** Appends what {@code other} holds. */
  public void writeOut(final AvroOut other) {
    writeBytes(other.buf, 0, other.len);
  }

  /** One raw byte: a boolean, a union's or an enum's single-byte index. */
  public void writeByte(final int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  /** Raw bytes, with no length before them. */
  public void writeBytes(final byte[] bytes, final int off, final int n) {
    ensure(n);
    System.arraycopy(bytes, off, buf, len, n);
    len += n;
  }

  /** A map's or an array's item count, as the encoder's setItemCount writes it: nothing for none. */
  public void writeCount(final int n) {
    if (n > 0) {
      writeLong(n);
    }
  }

  /** An int, zigzag varint-encoded. */
  public void writeInt(final int n) {
    writeVarLong(((n << 1) ^ (n >> 31)) & 0xffffffffL);
  }

  /** A long, zigzag varint-encoded. */
  public void writeLong(final long n) {
    writeVarLong((n << 1) ^ (n >> 63));
  }

  /** Little-endian IEEE 754 bits, as Avro's encodeDouble writes them. */
  public void writeDouble(final double d) {
    final long bits = Double.doubleToRawLongBits(d);
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[len++] = (byte) (bits >>> (8 * i));
    }
  }

  /** A string given as its UTF-8 bytes {@code utf8[off, off + n)}. */
  public void writeUtf8(final byte[] utf8, final int off, final int n) {
    writeInt(n);
    writeBytes(utf8, off, n);
  }

  /** A string: its UTF-8 length, then its UTF-8 bytes. */
  public void writeString(final CharSequence s) {
    if (s instanceof Utf8 u) {
      writeInt(u.getByteLength());
      writeBytes(u.getBytes(), 0, u.getByteLength());
      return;
    }
    final byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
    writeInt(bytes.length);
    writeBytes(bytes, 0, bytes.length);
  }

  /** An unsigned varint: 7 bits per byte, low first. */
  private void writeVarLong(final long zigzag) {
    ensure(10);
    long n = zigzag;
    while ((n & ~0x7FL) != 0) {
      buf[len++] = (byte) ((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    buf[len++] = (byte) n;
  }

  private void ensure(final int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
