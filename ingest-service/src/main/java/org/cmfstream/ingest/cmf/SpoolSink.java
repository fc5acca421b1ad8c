// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.serde.JournalCodec;

/**
 * Translated records of a large push, encoded and appended to a file: the push is published from
 * here once its translation completed, so memory holds neither the dump nor its records.
 */
final class SpoolSink implements RecordSink, Iterable<byte[]>, AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private final JournalCodec codec = JournalCodec.instance();
  private final ByteBuffer length = ByteBuffer.allocate(4);
  private int count;
  private int largest;

  SpoolSink(final Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
  }

  @Override
  public void accept(final JournalRecord record) {
    final byte[] bytes = codec.encode(record);
    try {
      length.clear();
      length.putInt(bytes.length).flip();
      channel.write(length);
      channel.write(ByteBuffer.wrap(bytes));
      count++;
      largest = Math.max(largest, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool a record to " + file, e);
    }
  }

  /** The record count at each mark, by mark (a mark is the file position). */
  private final java.util.Map<Long, Integer> countAt = new java.util.HashMap<>();

  @Override
  public long mark() {
    try {
      final long position = channel.position();
      countAt.put(position, count);
      return position;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void rollback(final long mark) {
    try {
      channel.truncate(mark);
      channel.position(mark);
      count = countAt.get(mark);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int count() {
    return count;
  }

  /** The size of the largest record spooled, in bytes (rolled-back records included: an upper bound). */
  int largest() {
    return largest;
  }

  /** The encoded records, in the order they were spooled. */
  @Override
  public Iterator<byte[]> iterator() {
    final DataInputStream in;
    try {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 256 * 1024));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Iterator<>() {
      private int read;

      @Override
      public boolean hasNext() {
        if (read == count) {
          close(in);
          return false;
        }
        return true;
      }

      @Override
      public byte[] next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        try {
          final byte[] bytes = new byte[in.readInt()];
          in.readFully(bytes);
          read++;
          return bytes;
        } catch (EOFException e) {
          throw new IllegalStateException("the spool " + file + " ended early", e);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  private static void close(final InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Reading is done.
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }
}
