// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.util.List;
import org.apache.avro.Schema;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;

/**
 * The codecs of cmf-stream's two topics: {@link JournalRecord} on {@code cmf.journal.v1} and {@link
 * EntityChange} on {@code cmf.entities.v1}, both in registry-free {@linkplain SingleObjectCodec
 * single-object encoding}. {@code JournalSchemaHistoryTest} checks that each new schema version can
 * read all released ones.
 */
public final class JournalCodec {

  /** The released versions of each schema, oldest first; the last one is the current schema. */
  static final List<String> JOURNAL_HISTORY = List.of("v1");

  static final List<String> ENTITIES_HISTORY = List.of("v1", "v2");

  private static final SingleObjectCodec<JournalRecord> JOURNAL =
      new SingleObjectCodec<>(JournalRecord.class, JournalRecord.getClassSchema(), JOURNAL_HISTORY);
  private static final SingleObjectCodec<EntityChange> ENTITIES =
      new SingleObjectCodec<>(EntityChange.class, EntityChange.getClassSchema(), ENTITIES_HISTORY);
  private static final JournalCodec INSTANCE = new JournalCodec();

  private JournalCodec() {}

  public static JournalCodec instance() {
    return INSTANCE;
  }

  /** The single-object encoding of {@code record}. */
  public byte[] encode(final JournalRecord record) {
    return JOURNAL.encode(record);
  }

  /**
   * Decodes a journal record written with the current or any earlier schema.
   *
   * @throws JournalDecodingException if the bytes are not a journal record of a known schema
   */
  public JournalRecord decode(final byte[] bytes) {
    return JOURNAL.decode(bytes);
  }

  /** The codec of {@code cmf.journal.v1}. */
  public static SingleObjectCodec<JournalRecord> journal() {
    return JOURNAL;
  }

  /** The codec of {@code cmf.entities.v1}. */
  public static SingleObjectCodec<EntityChange> entities() {
    return ENTITIES;
  }

  /** Every released version of the journal schema, oldest first. */
  public static List<Schema> historicSchemas() {
    return JOURNAL.history();
  }
}
