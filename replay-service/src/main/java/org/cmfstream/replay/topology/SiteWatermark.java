// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How much of a site's journal has arrived: {@code completeThrough} is the highest sequence number
 * N such that every record 1..N is here (0 when record 1 is missing), and {@code ranges} are the
 * runs of records seen above it, so the gaps between them are what the site must send again.
 * Sequence numbers start at 1 (a record numbered 0 counts as seen, but is not needed). Bounded by
 * the number of gaps, not by the journal's length. Immutable.
 *
 * @param completeThrough every record up to this one has arrived
 * @param ranges disjoint, sorted {@code [from, to]} runs above {@code completeThrough + 1}
 */
public record SiteWatermark(long completeThrough, List<long[]> ranges) {

  public static final SiteWatermark EMPTY = new SiteWatermark(0, List.of());

  public SiteWatermark {
    ranges = List.copyOf(ranges);
  }

  /** This watermark with record {@code seq} seen; the same watermark if it had been. */
  public SiteWatermark with(final long seq) {
    if (seq <= completeThrough) {
      return this;
    }
    final List<long[]> merged = new ArrayList<>(ranges.size() + 1);
    long from = seq;
    long to = seq;
    boolean placed = false;
    for (final long[] r : ranges) {
      if (r[1] + 1 < from) {
        merged.add(r);
      } else if (to + 1 < r[0]) {
        if (!placed) {
          merged.add(new long[] {from, to});
          placed = true;
        }
        merged.add(r);
      } else {
        from = Math.min(from, r[0]);
        to = Math.max(to, r[1]);
      }
    }
    if (!placed) {
      merged.add(new long[] {from, to});
    }
    merged.sort((a, b) -> Long.compare(a[0], b[0]));
    long complete = completeThrough;
    while (!merged.isEmpty() && merged.get(0)[0] <= complete + 1) {
      complete = Math.max(complete, merged.remove(0)[1]);
    }
    return new SiteWatermark(complete, merged);
  }

  /** The missing runs above {@code completeThrough}, as {@code [from, to]}. */
  public List<long[]> gaps() {
    final List<long[]> gaps = new ArrayList<>();
    long next = completeThrough + 1;
    for (final long[] r : ranges) {
      gaps.add(new long[] {next, r[0] - 1});
      next = r[1] + 1;
    }
    return gaps;
  }

  /** {@code "5-9,12-12"}: the ranges, in order. */
  public String rangesText() {
    final StringBuilder out = new StringBuilder();
    for (final long[] r : ranges) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(r[0]).append('-').append(r[1]);
    }
    return out.toString();
  }

  public static SiteWatermark parse(final long completeThrough, final String ranges) {
    final List<long[]> list = new ArrayList<>();
    if (ranges != null && !ranges.isEmpty()) {
      for (final String part : ranges.split(",")) {
        final String[] bounds = part.split("-");
        list.add(new long[] {Long.parseLong(bounds[0]), Long.parseLong(bounds[1])});
      }
    }
    return new SiteWatermark(completeThrough, list);
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof SiteWatermark w && w.completeThrough == completeThrough && Objects.equals(w.rangesText(), rangesText());
  }

  @Override
  public int hashCode() {
    return Long.hashCode(completeThrough) * 31 + rangesText().hashCode();
  }
}
