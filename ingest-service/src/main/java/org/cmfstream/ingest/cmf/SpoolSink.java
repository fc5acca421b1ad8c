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
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.serde.JournalCodec;

/**
 * Translated records of a large push, encoded and appended to a file: the push is published from
 * here once its translation completed, so memory holds neither the dump nor its records. Writes go
 * through a buffer, so a record costs no system call, nor does a mark, nor a rollback to a mark
 * still in the buffer (a dump of many small pipelines marks and rolls back once per pipeline).
 */
final class SpoolSink implements RecordSink, Iterable<byte[]>, AutoCloseable {

  private static final int BUFFER = 256 * 1024;

  private final Path file;
  private final FileChannel channel;
  private final JournalCodec codec = JournalCodec.instance();
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
  private final int maxRecords;
  private final long maxBytes;
  /** Bytes written to the file; the buffer holds what follows them. */
  private long flushed;
  private int count;
  private int largest;
  /** The latest mark (a position in the records' bytes) and the record count there. */
  private long mark = -1;
  private int countAtMark;

  /**
   * A small dump can translate into a great many records, or great ones: every uuid of a reused
   * execution times its events, each event naming its artifact's uri. Beyond either limit the push
   * is refused (413) rather than spooled to disk whatever its size.
   *
   * @param maxRecords the most records a push may translate into
   * @param maxBytes the most bytes its records may take in the spool
   */
  SpoolSink(final Path file, final int maxRecords, final long maxBytes) throws IOException {
    this.file = file;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
  }

  @Override
  public void accept(final JournalRecord record) {
    if (count == maxRecords) {
      throw new BadInput(413, "too_many_records", "the push translates into more than " + maxRecords + " journal records");
    }
    final byte[] bytes = codec.encode(record);
    if (flushed + buffer.position() + 4 + bytes.length > maxBytes) {
      throw new BadInput(413, "too_many_records", "the push translates into more than " + maxBytes + " bytes of journal records");
    }
    try {
      if (buffer.remaining() < 4 + bytes.length) {
        flush();
      }
      if (buffer.remaining() < 4 + bytes.length) {
        // Larger than the buffer: straight to the file.
        write(ByteBuffer.allocate(4).putInt(bytes.length).flip());
        write(ByteBuffer.wrap(bytes));
      } else {
        buffer.putInt(bytes.length).put(bytes);
      }
      count++;
      largest = Math.max(largest, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool a record to " + file, e);
    }
  }

  @Override
  public long mark() {
    mark = flushed + buffer.position();
    countAtMark = count;
    return mark;
  }

  /** Rolls back to the latest mark, the only one kept. */
  @Override
  public void rollback(final long mark) {
    if (mark != this.mark) {
      throw new IllegalArgumentException("only the latest mark, " + this.mark + ", can be rolled back to, not " + mark);
    }
    if (mark >= flushed) {
      buffer.position((int) (mark - flushed));
    } else {
      try {
        buffer.clear();
        channel.truncate(mark);
        channel.position(mark);
        flushed = mark;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    count = countAtMark;
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
      flush();
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
