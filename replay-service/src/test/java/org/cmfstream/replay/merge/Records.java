// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.JournalRecords;

/** Journal records for merge tests. */
public final class Records {

  private Records() {}

  public static JournalRecord record(final String site, final long seq, final long time, final IndexedRecord body) {
    return JournalRecords.of(site, seq, Instant.ofEpochMilli(time), "u", body);
  }

  public static ArtifactFact artifact(final String uri, final String type, final String name, final Map<String, Object> properties, final Map<String, Object> custom) {
    return ArtifactFact.newBuilder()
        .setUri(uri)
        .setType(type)
        .setName(name)
        .setProperties(new HashMap<>(properties))
        .setCustomProperties(new HashMap<>(custom))
        .build();
  }

  public static ExecutionFact execution(final String uuid, final Map<String, Object> properties, final Map<String, Object> custom) {
    return ExecutionFact.newBuilder()
        .setUuid(uuid)
        .setPipeline("Test-env")
        .setStage("Test-env/Train")
        .setType("Train")
        .setProperties(new HashMap<>(properties))
        .setCustomProperties(new HashMap<>(custom))
        .build();
  }
}
