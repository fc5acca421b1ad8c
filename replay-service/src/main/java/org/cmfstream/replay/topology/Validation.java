// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.util.List;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.EntityKey;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.StoredText;

/**
 * What the replay checks of every journal record before it merges it. Ingest checks the same and
 * more, but the journal can also be written by other producers, by older versions, or be damaged;
 * a record that fails goes to the dead-letter topic with the reason, and the replay goes on.
 */
final class Validation {

  private Validation() {}

  /** Why {@code record} cannot be merged, or null if it can. */
  static String problem(final String key, final JournalRecord record) {
    if (record == null) {
      return "a tombstone on the journal: the journal is never compacted or deleted from";
    }
    if (!record.getSite().equals(key)) {
      return "the record's site '" + record.getSite() + "' is not its key '" + key + "': a site's journal must stay on one partition";
    }
    if (record.getSeq() != null && record.getSeq() < 0) {
      return "negative sequence number " + record.getSeq();
    }
    final String hash = JournalRecords.hashOf((org.apache.avro.generic.IndexedRecord) record.getBody()).hex();
    if (!hash.equals(record.getContentHash())) {
      return "content hash " + record.getContentHash() + " does not match its facts (" + hash + ")";
    }
    final EntityKey entity = EntityKey.of(record).orElse(null);
    final List<String> parts = entity == null ? List.of() : entity.parts();
    if (parts.stream().anyMatch(String::isBlank)) {
      return "an empty identity: " + entity;
    }
    // Else a sink would refuse it on every retry, and its partition would stop there.
    return StoredText.problem(record, entity, parts);
  }
}
