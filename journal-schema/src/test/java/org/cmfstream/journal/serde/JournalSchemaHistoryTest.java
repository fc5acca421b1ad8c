// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  /**
   * The fingerprint of every released version, as it was released. Records on the topics carry
   * these; a released {@code .avsc} edited in place (say together with the current schema, which the
   * compatibility check above would let pass) would leave every record written under it
   * undecodable. Releasing v2 adds its line here.
   */
  private static final Map<String, Long> RELEASED =
      Map.of(
          "JournalRecord/v1", 5942144672387830389L,
          "EntityChange/v1", -1368178884613935858L,
          "EntityChange/v2", -3223390388581132051L);

  @Test
  void shouldNeverChangeAReleasedSchema() {
    assertThat(fingerprints("JournalRecord", JournalCodec.historicSchemas()))
        .containsExactlyInAnyOrderEntriesOf(pinned("JournalRecord"));
    assertThat(fingerprints("EntityChange", JournalCodec.entities().history()))
        .containsExactlyInAnyOrderEntriesOf(pinned("EntityChange"));
  }

  private static Map<String, Long> fingerprints(final String type, final List<Schema> history) {
    final Map<String, Long> found = new TreeMap<>();
    for (int v = 0; v < history.size(); v++) {
      found.put(type + "/v" + (v + 1), SchemaNormalization.parsingFingerprint64(history.get(v)));
    }
    return found;
  }

  private static Map<String, Long> pinned(final String type) {
    final Map<String, Long> pinned = new TreeMap<>(RELEASED);
    pinned.keySet().removeIf(version -> !version.startsWith(type + "/"));
    return pinned;
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
