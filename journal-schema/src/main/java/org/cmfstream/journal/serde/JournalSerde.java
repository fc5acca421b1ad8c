// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import org.cmfstream.avro.JournalRecord;

/** The Kafka serde of {@code cmf.journal.v1}. */
public final class JournalSerde extends SingleObjectSerde<JournalRecord> {

  public JournalSerde() {
    super(JournalCodec.journal());
  }
}
