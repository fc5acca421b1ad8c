// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import org.cmfstream.avro.EntityChange;

/** The Kafka serde of {@code cmf.entities.v1}. */
public final class EntityChangeSerde extends SingleObjectSerde<EntityChange> {

  public EntityChangeSerde() {
    super(JournalCodec.entities());
  }
}
