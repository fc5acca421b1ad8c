// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.journal.hash.ContentHash;
import org.junit.jupiter.api.Test;

class JournalRecordsTest {

  @Test
  void shouldHashARecordDirectlyExactlyLikeItsFacts() {
    final Map<String, Object> custom = new HashMap<>(Map.of("seed", 7L, "loss", Double.NaN, "ok", true, "name", "café 🚀"));
    custom.put("none", null);
    final List<IndexedRecord> bodies =
        List.of(
            ArtifactFact.newBuilder().setUri("u").setType("Dataset").setName("n").setCustomProperties(custom).setCreateTime(5L).build(),
            EventFact.newBuilder().setExecutionUuid("e").setArtifactUri("a").setDirection(Direction.OUTPUT).build(),
            PropertyChange.newBuilder().setEntity(EntityKind.ARTIFACT).setId("a").setKey("labels").setValue(null).build(),
            MetricPoint.newBuilder().setExecutionUuid("e").setName("loss").setStep(3).setValue(-0.0).build());

    for (final IndexedRecord body : bodies) {
      assertThat(JournalRecords.hashOf(body)).as(body.getSchema().getName()).isEqualTo(ContentHash.of(JournalRecords.facts(body)));
    }
  }

  @Test
  void shouldNotDependOnTheOrderPropertiesWereSetIn() {
    final Map<String, Object> one = new java.util.LinkedHashMap<>();
    one.put("a", 1L);
    one.put("b", "x");
    final Map<String, Object> other = new java.util.LinkedHashMap<>();
    other.put("b", "x");
    other.put("a", 1L);

    assertThat(JournalRecords.hashOf(ArtifactFact.newBuilder().setUri("u").setType("t").setName("n").setProperties(one).build()))
        .isEqualTo(JournalRecords.hashOf(ArtifactFact.newBuilder().setUri("u").setType("t").setName("n").setProperties(other).build()));
  }
}
