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
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A file of length-prefixed records, appended to through a buffer: an append costs no system
 * call, nor does a rewind to a position still in the buffer. Positions count the records' bytes
 * from the start of the file, buffered ones included. Records are read back by count from a
 * position, so bytes a rewind left beyond the end are never read, only written over.
 */
final class SpoolFile implements AutoCloseable {

  private static final int BUFFER = 256 * 1024;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  /** Readers not read to their end. */
  private final Set<InputStream> readers = new HashSet<>();
  /** Bytes written to the file; the buffer holds what follows them. */
  private long flushed;

  /** Opens {@code file}, emptied; deletes it if it cannot. */
  SpoolFile(final Path file) throws IOException {
    this.file = file;
    try {
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** The position after the last record appended. */
  long end() {
    return flushed + buffer.position();
  }

  /** The position after {@code record} if it were appended now. */
  long endWith(final byte[] record) {
    return end() + 4 + record.length;
  }

  void append(final byte[] record) {
    try {
      if (buffer.remaining() < 4 + record.length) {
        flush();
      }
      if (buffer.remaining() < 4 + record.length) {
        // Larger than the buffer: straight to the file.
        write(ByteBuffer.allocate(4).putInt(record.length).flip());
        write(ByteBuffer.wrap(record));
      } else {
        buffer.putInt(record.length).put(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool a record to " + file, e);
    }
  }

  /** Drops every record after {@code position}, the end of an earlier record (or 0): the next append goes there. */
  void rewind(final long position) {
    if (position >= flushed) {
      buffer.position((int) (position - flushed));
      return;
    }
    try {
      channel.position(position);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewind the spool " + file, e);
    }
    buffer.clear();
    flushed = position;
  }

  /**
   * The {@code count} records from {@code position}, in the order they were appended. The file is
   * open while they are read, until the last is, or until this spool is closed: a reader that
   * stops early (its consumer failed) holds no file past the push.
   */
  Iterator<byte[]> read(final long position, final int count) {
    final InputStream from;
    try {
      flush();
      from = Files.newInputStream(file);
      readers.add(from);
      from.skipNBytes(position);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    final DataInputStream in = new DataInputStream(new BufferedInputStream(from, 64 * 1024));
    return new Iterator<>() {
      private int read;

      @Override
      public boolean hasNext() {
        if (read == count) {
          readers.remove(from);
          close(from);
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

  private void flush() throws IOException {
    write(buffer.flip());
    buffer.clear();
  }

  /** Writes all of {@code bytes} to the file: one write may take less than all. */
  private void write(final ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      flushed += channel.write(bytes);
    }
  }

  private static void close(final InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Reading is done.
    }
  }

  /** Closes the file and its readers, and deletes it. */
  @Override
  public void close() throws IOException {
    readers.forEach(SpoolFile::close);
    readers.clear();
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
