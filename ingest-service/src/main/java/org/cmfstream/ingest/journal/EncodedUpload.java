// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import java.util.List;

/**
 * An upload read and encoded in one pass ({@link NativeRecords#readEncoded}).
 *
 * @param records each record's single-object Avro bytes, as {@code JournalCodec} writes them, in
 *     the upload's order
 * @param largest the length of the longest
 */
public record EncodedUpload(List<byte[]> records, int largest) {}
