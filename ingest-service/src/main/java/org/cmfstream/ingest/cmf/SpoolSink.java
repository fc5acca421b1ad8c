// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.serde.JournalCodec;

/**
 * Translated records of a large push, encoded and appended to a {@link SpoolFile}: the push is
 * published from here once its translation completed, so memory holds neither the dump nor its
 * records. A record costs no system call, nor does a mark, nor a rollback to a mark still in the
 * file's buffer (a dump of many small pipelines marks and rolls back once per pipeline).
 */
final class SpoolSink implements RecordSink, Iterable<byte[]>, AutoCloseable {

  private final SpoolFile file;
  private final JournalCodec codec = JournalCodec.instance();
  private final int maxRecords;
  private final long maxBytes;
  private int count;
  private int largest;
  /** The latest mark (a position in the file) and the record count there. */
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
    this.file = new SpoolFile(file);
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
  }

  @Override
  public void accept(final JournalRecord record) {
    if (count == maxRecords) {
      throw new BadInput(413, "too_many_records", "the push translates into more than " + maxRecords + " journal records");
    }
    final byte[] bytes = codec.encode(record);
    if (file.endWith(bytes) > maxBytes) {
      throw new BadInput(413, "too_many_records", "the push translates into more than " + maxBytes + " bytes of journal records");
    }
    file.append(bytes);
    count++;
    largest = Math.max(largest, bytes.length);
  }

  @Override
  public long mark() {
    mark = file.end();
    countAtMark = count;
    return mark;
  }

  /** Rolls back to the latest mark, the only one kept. */
  @Override
  public void rollback(final long mark) {
    if (mark != this.mark) {
      throw new IllegalArgumentException("only the latest mark, " + this.mark + ", can be rolled back to, not " + mark);
    }
    file.rewind(mark);
    count = countAtMark;
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
    return file.read(0, count);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
