// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.cmfstream.avro.JournalRecord;

/**
 * The Kafka {@link Serde} of {@code cmf.journal.v1}: {@link JournalCodec} behind Kafka's
 * interfaces. A null value (a tombstone) passes through as null.
 */
public final class JournalSerde implements Serde<JournalRecord> {

  private final JournalCodec codec = JournalCodec.instance();

  @Override
  public Serializer<JournalRecord> serializer() {
    return (topic, record) -> record == null ? null : codec.encode(record);
  }

  @Override
  public Deserializer<JournalRecord> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }
}
