// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.journal.NativeRecords;
import org.cmfstream.ingest.web.Json;
import org.cmfstream.workload.CmfPush;
import org.cmfstream.workload.GeneratedPipeline;
import org.cmfstream.workload.Workload;
import org.cmfstream.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

/**
 * The workload generator (issue #7) against the real readers: every generated cmf push
 * translates, and into exactly the facts (the same content hashes, as many times) that the same
 * pipeline's native journal lines read into. So the fault-injection suite may mix the two forms.
 */
class GeneratedWorkloadTranslationTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-01T00:00:00Z");
  private static final Workload WORKLOAD = Workload.of(WorkloadSpec.defaults().withSeed(7));

  @Test
  void shouldTranslateEveryGeneratedPushIntoTheFactsOfItsNativeJournal() {
    for (final GeneratedPipeline pipeline : WORKLOAD.pipelines().toList()) {
      // given
      final CmfPush push = Workload.push(pipeline);
      final JsonNode body = Json.parse(push.requestBody(), 422, "the request");
      final JsonNode dump = Json.parse(body.get("json_payload").asText(), 422, "json_payload");
      final String ndjson = Workload.journal(pipeline).stream().map(l -> l.json() + "\n").collect(Collectors.joining());
      // when
      final CmfPushTranslator.Translation translated =
          CmfPushTranslator.translate(dump, body.get("pipeline_name").asText(), null, CmfPushTranslator.siteOf(push.pipelineName()), "u-1", RECEIVED);
      final List<JournalRecord> nativeRecords = NativeRecords.read(ndjson.getBytes(StandardCharsets.UTF_8), true, pipeline.site(), "u-2", RECEIVED, 100_000);
      // then
      assertThat(translated.pipelineNotFound()).isEmpty();
      assertThat(translated.executions()).isEqualTo(push.executions());
      assertThat(translated.records()).hasSize((int) push.records());
      assertThat(counts(translated.records())).isEqualTo(counts(nativeRecords));
      assertThat(eventTimes(translated.records())).isEqualTo(eventTimes(nativeRecords));
    }
  }

  private static Map<String, Long> counts(final List<JournalRecord> records) {
    return records.stream().collect(Collectors.groupingBy(JournalRecord::getContentHash, Collectors.counting()));
  }

  private static Map<String, Long> eventTimes(final List<JournalRecord> records) {
    return records.stream().collect(Collectors.groupingBy(r -> r.getContentHash() + "@" + r.getEventTime(), Collectors.counting()));
  }
}
