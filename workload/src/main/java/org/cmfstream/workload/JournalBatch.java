// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.nio.charset.StandardCharsets;

/**
 * One upload of a site's native journal: NDJSON lines {@code {"seq":..,"kind":..,"time":..,"fact":{..}}}
 * numbered per site from 1, for {@code POST /api/v1/sites/{site}/journal} with {@code
 * Content-Type: application/x-ndjson}.
 *
 * @param site the site
 * @param firstSeq the seq of the first line
 * @param lastSeq the seq of the last line; the batch holds every seq in between
 * @param ndjson the lines, each ended by a newline
 */
public record JournalBatch(String site, long firstSeq, long lastSeq, String ndjson) {

  /** How many records the batch holds. */
  public long records() {
    return lastSeq - firstSeq + 1;
  }

  /** The body, UTF-8. */
  public byte[] body() {
    return ndjson.getBytes(StandardCharsets.UTF_8);
  }
}
