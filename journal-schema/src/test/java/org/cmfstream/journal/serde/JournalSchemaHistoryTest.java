// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution without a registry: the current schema must read records written with every
 * released version, and must itself be released (the last entry of the history), so that a
 * record written today still decodes after the next change.
 */
class JournalSchemaHistoryTest {

  @Test
  void shouldReadRecordsWrittenWithEveryReleasedSchema() {
    check(JournalRecord.getClassSchema(), JournalCodec.historicSchemas());
    check(EntityChange.getClassSchema(), JournalCodec.entities().history());
  }

  private static void check(final Schema current, final List<Schema> history) {
    for (final Schema released : history) {
      final SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
      assertThat(result.getType()).as(result.getDescription()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void shouldHaveReleasedTheCurrentSchemas() {
    released(JournalRecord.getClassSchema(), JournalCodec.historicSchemas());
    released(EntityChange.getClassSchema(), JournalCodec.entities().history());
  }

  private static void released(final Schema current, final List<Schema> history) {
    // The fingerprint of the parsing form is what single-object encoding writes and looks up.
    assertThat(SchemaNormalization.parsingFingerprint64(history.get(history.size() - 1)))
        .as(current.getName() + ".avsc changed: copy it to schema-history/" + current.getName() + "/v<N+1>.avsc and add it to JournalCodec's history")
        .isEqualTo(SchemaNormalization.parsingFingerprint64(current));
  }
}
