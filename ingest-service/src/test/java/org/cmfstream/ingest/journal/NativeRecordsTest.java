// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.junit.jupiter.api.Test;

/** No unit test of this module initialises the journal codec, so this is Avro's first use here. */
class NativeRecordsTest {

  @Test
  void shouldReadEveryKindWithoutAnyOtherAvroUseBeforeIt() {
    // given: the first Avro use of this JVM is a native upload (a regression: record classes were
    // once made by reflection, which Avro 1.12 refuses for classes not yet trusted)
    final String ndjson =
        "{\"seq\":1,\"kind\":\"execution\",\"fact\":{\"uuid\":\"e1\",\"pipeline\":\"p\",\"stage\":\"p/s\",\"type\":\"T\",\"customProperties\":{\"loss\":NaN,\"n\":3}}}\n"
            + "{\"seq\":2,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e1\",\"artifactUri\":\"a1\",\"direction\":\"OUTPUT\"}}\n"
            + "{\"seq\":3,\"kind\":\"property\",\"fact\":{\"entity\":\"ARTIFACT\",\"id\":\"a1\",\"key\":\"labels\",\"value\":\"x\"}}\n";

    // when
    final List<JournalRecord> records = NativeRecords.read(ndjson.getBytes(StandardCharsets.UTF_8), true, "edge-1", "u", Instant.EPOCH, 10);

    // then
    assertThat(records).hasSize(3);
    assertThat(((ExecutionFact) records.get(0).getBody()).getCustomProperties()).containsEntry("n", 3L);
    assertThat((Double) ((ExecutionFact) records.get(0).getBody()).getCustomProperties().get("loss")).isNaN();
    assertThat(((EventFact) records.get(1).getBody()).getDirection()).isEqualTo(Direction.OUTPUT);
    assertThat(records).extracting(JournalRecord::getSeq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void shouldCountARecordSentTwiceInOneBatchOnce() {
    final String line = "{\"seq\":7,\"kind\":\"pipeline\",\"fact\":{\"name\":\"p\"}}";

    final List<JournalRecord> records = NativeRecords.read(("[" + line + "," + line + "]").getBytes(StandardCharsets.UTF_8), false, "edge-1", "u", Instant.EPOCH, 10);

    assertThat(records).hasSize(1);
  }
}
