// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import org.cmfstream.avro.JournalRecord;

/** Where translated records go: a list in memory, or a spool file for large pushes. */
interface RecordSink {

  void accept(JournalRecord record);

  /**
   * A point to roll back to: the records of a pipeline that turns out not to be the one pushed.
   * A sink need keep only the latest mark.
   */
  long mark();

  /** Drops every record accepted since {@code mark}, the latest mark taken. */
  void rollback(long mark);
}
