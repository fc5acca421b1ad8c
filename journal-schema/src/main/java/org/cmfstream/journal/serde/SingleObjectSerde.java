// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link SingleObjectCodec} behind Kafka's {@link Serde}; a null value (a tombstone) passes
 * through as null.
 *
 * @param <T> the record type
 */
public class SingleObjectSerde<T extends SpecificRecord> implements Serde<T> {

  private final SingleObjectCodec<T> codec;

  public SingleObjectSerde(final SingleObjectCodec<T> codec) {
    this.codec = codec;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, record) -> record == null ? null : codec.encode(record);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }
}
