// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.receipt;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Where an upload stands: PENDING until every partition of the replay has applied it to the
 * projection, then APPLIED with what its records did there.
 *
 * @param receipt the upload's id
 * @param status PENDING or APPLIED
 * @param partitionsApplied partitions that have marked the upload
 * @param partitions partitions that must (0 while none has)
 * @param records records the upload published
 * @param fresh records that changed the central state
 * @param duplicates records that changed nothing
 * @param conflicts records that contradicted an immutable fact (kept side by side)
 * @param refused records the replay refused (in {@code cmf.journal.dlq.v1} with the reason): their
 *     entity's state would have passed Kafka's record limit
 */
@Serdeable
public record ReceiptView(
    String receipt, String status, int partitionsApplied, int partitions, long records, long fresh, long duplicates, long conflicts, long refused) {

  public static final String PENDING = "PENDING";
  public static final String APPLIED = "APPLIED";

  static ReceiptView pending(final String receipt) {
    return new ReceiptView(receipt, PENDING, 0, 0, 0, 0, 0, 0, 0);
  }

  public boolean applied() {
    return APPLIED.equals(status);
  }

  /** Whether the upload changed the central state: the cmf push answers "success", else "exists". */
  public boolean changedAnything() {
    return fresh + conflicts > 0;
  }
}
