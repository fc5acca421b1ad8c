// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import java.util.Comparator;
import org.cmfstream.avro.JournalRecord;

/**
 * The position of a write in the total order that decides mutable values (DESIGN.md, "Merge is a
 * join"): event time, then site, then sequence, then content hash, so two different writes never
 * tie and every replica picks the same last writer.
 *
 * @param eventTime when the write happened at its site, epoch milliseconds
 * @param site the writing site
 * @param seq the site's sequence number, -1 where the upload had none (cmf pushes)
 * @param hash the content hash of the writing record
 */
public record Stamp(long eventTime, String site, long seq, String hash) implements Comparable<Stamp> {

  private static final Comparator<Stamp> ORDER =
      Comparator.comparingLong(Stamp::eventTime).thenComparing(Stamp::site).thenComparingLong(Stamp::seq).thenComparing(Stamp::hash);

  static Stamp of(final JournalRecord record) {
    return new Stamp(record.getEventTime().toEpochMilli(), record.getSite(), record.getSeq() == null ? -1 : record.getSeq(), record.getContentHash());
  }

  @Override
  public int compareTo(final Stamp other) {
    return ORDER.compare(this, other);
  }
}
