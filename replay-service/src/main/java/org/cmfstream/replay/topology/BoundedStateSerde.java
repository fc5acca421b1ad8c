// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of the merge's entity store, refusing to serialize a state over {@code maxBytes}. The
 * store serializes a state when it is put, before anything is written, so the merge learns there,
 * for the cost of a length check, that a state has grown too large for Kafka (its changelog and
 * {@code cmf.entities.v1} carry the same bytes) and can refuse the record that made it so.
 */
final class BoundedStateSerde<T> implements Serde<T> {

  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  BoundedStateSerde(final Serde<T> inner, final int maxBytes) {
    final Serializer<T> unbounded = inner.serializer();
    // Made once: the store asks for its serializer at every put.
    this.serializer = (topic, value) -> {
      final byte[] bytes = unbounded.serialize(topic, value);
      if (bytes != null && bytes.length > maxBytes) {
        throw new TooLarge(bytes.length, maxBytes);
      }
      return bytes;
    };
    this.deserializer = inner.deserializer();
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  /** A state of {@code size} bytes, over {@code limit}: nothing of it was written. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(final int size, final int limit) {
      super("merging it would make the entity's state " + size + " bytes, over the limit of " + limit
          + " bytes that keeps it within a Kafka record", null, false, false);
    }
  }
}
