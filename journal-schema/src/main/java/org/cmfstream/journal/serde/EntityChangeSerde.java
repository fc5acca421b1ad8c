// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.cmfstream.avro.EntityChange;

/** The Kafka {@link Serde} of {@code cmf.entities.v1}; a tombstone passes through as null. */
public final class EntityChangeSerde implements Serde<EntityChange> {

  private final SingleObjectCodec<EntityChange> codec = JournalCodec.entities();

  @Override
  public Serializer<EntityChange> serializer() {
    return (topic, change) -> change == null ? null : codec.encode(change);
  }

  @Override
  public Deserializer<EntityChange> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }
}
