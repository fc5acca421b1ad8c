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
 * Sequence numbers start at 1 (a record numbered 0 counts as seen, but is not needed), and any up
 * to {@link Long#MAX_VALUE} is taken.
 *
 * <p>Bounded: at most {@link #MAX_RANGES} ranges are kept, the lowest. A site that leaves more gaps
 * than that (numbers that skip, say timestamps) would otherwise grow the state with every record,
 * and each record re-reads and re-writes all of it, until the store's value passed Kafka's record
 * limit and stopped the partition. The ranges dropped are records seen that the watermark then
 * forgets: it stays exact up to {@code completeThrough} and lists only true gaps, but it can name
 * fewer records seen than arrived, so a site may send some again, which the merge takes as
 * duplicates. Immutable.
 *
 * @param completeThrough every record up to this one has arrived
 * @param ranges disjoint, sorted {@code [from, to]} runs above {@code completeThrough + 1}
 */
public record SiteWatermark(long completeThrough, List<long[]> ranges) {

  public static final SiteWatermark EMPTY = new SiteWatermark(0, List.of());

  /** The most ranges kept: about 40 KB of state and of the published change. */
  public static final int MAX_RANGES = 1_000;

  /** Keeps the lowest {@link #MAX_RANGES} of {@code ranges}, also of a state stored before the bound. */
  public SiteWatermark {
    ranges = List.copyOf(ranges.size() > MAX_RANGES ? ranges.subList(0, MAX_RANGES) : ranges);
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
    // Compared as "a < b - 1", never "a + 1 < b": a range may end at Long.MAX_VALUE. Every bound
    // here is at least 1 (above completeThrough), so subtracting one cannot wrap.
    for (final long[] r : ranges) {
      if (r[1] < from - 1) {
        merged.add(r);
      } else if (to < r[0] - 1) {
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
    while (!merged.isEmpty() && merged.get(0)[0] - 1 <= complete) {
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
