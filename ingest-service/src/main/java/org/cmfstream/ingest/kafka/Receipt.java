// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

import io.micronaut.serde.annotation.Serdeable;

/**
 * What an upload became: its id, how many records were accepted, and where the batch sits in
 * Kafka. All records of one upload share a key (the site), hence one partition, and lie between
 * the two offsets, followed by the upload's barrier.
 *
 * @param receipt the upload's id; {@code GET /api/v1/receipts/{id}} tells when it is applied
 * @param site the site the records were journaled under
 * @param accepted how many records were published
 * @param topic the journal topic
 * @param partition the partition that holds the batch
 * @param firstOffset the offset of the first record
 * @param lastOffset the offset of the batch's barrier
 */
@Serdeable
public record Receipt(String receipt, String site, int accepted, String topic, int partition, long firstOffset, long lastOffset) {}
