// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.StageFact;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  /** Reads as ingest does: bare NaN and Infinity allowed. */
  private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private static final Map<String, Schema> FACTS =
      Map.of(
          "pipeline", PipelineFact.getClassSchema(),
          "stage", StageFact.getClassSchema(),
          "execution", ExecutionFact.getClassSchema(),
          "artifact", ArtifactFact.getClassSchema(),
          "event", EventFact.getClassSchema(),
          "metric", MetricPoint.getClassSchema());

  private static final Workload DEFAULTS = Workload.of(WorkloadSpec.defaults());

  @Nested
  class Determinism {

    @Test
    void shouldGenerateTheSameOutputForTheSameSeed() {
      // given
      final Workload a = Workload.of(WorkloadSpec.defaults().withSeed(42));
      final Workload b = Workload.of(WorkloadSpec.defaults().withSeed(42));
      // when / then
      assertThat(a.cmfPushes().toList()).isEqualTo(b.cmfPushes().toList());
      for (int s = 0; s < a.spec().sites(); s++) {
        assertThat(a.batches(s).toList()).isEqualTo(b.batches(s).toList());
      }
    }

    @Test
    void shouldGenerateOnePipelineAloneAsInTheWhole() {
      // given
      final GeneratedPipeline inTheWhole = DEFAULTS.pipelines().toList().get(3);
      // when
      final GeneratedPipeline alone = DEFAULTS.pipeline(1, 1);
      // then
      assertThat(alone).isEqualTo(inTheWhole);
    }

    @Test
    void shouldGenerateOtherOutputForAnotherSeed() {
      // given
      final Workload a = Workload.of(WorkloadSpec.defaults().withSeed(1));
      final Workload b = Workload.of(WorkloadSpec.defaults().withSeed(2));
      // when
      final Set<String> uuidsA = uuids(a);
      final Set<String> uuidsB = uuids(b);
      // then
      assertThat(a.cmfPushes().map(CmfPush::dump).toList()).doesNotContainAnyElementsOf(b.cmfPushes().map(CmfPush::dump).toList());
      assertThat(uuidsA).doesNotContainAnyElementsOf(uuidsB);
      assertThat(a.sites()).doesNotContainAnyElementsOf(b.sites());
    }
  }

  @Nested
  class NativeJournal {

    @Test
    void shouldNumberEverySiteFromOneWithoutGaps() {
      for (int s = 0; s < DEFAULTS.spec().sites(); s++) {
        // when
        final List<JournalBatch> batches = DEFAULTS.batches(s).toList();
        // then
        long expected = 1;
        for (final JournalBatch batch : batches) {
          assertThat(batch.site()).isEqualTo(DEFAULTS.site(s));
          assertThat(batch.firstSeq()).isEqualTo(expected);
          assertThat(batch.records()).isBetween(1L, (long) DEFAULTS.spec().batchRecords());
          final List<JsonNode> lines = lines(batch);
          assertThat(lines).hasSize((int) batch.records());
          for (final JsonNode line : lines) {
            assertThat(line.get("seq").asLong()).isEqualTo(expected++);
          }
        }
        assertThat(expected - 1).isEqualTo(DEFAULTS.journalRecords(s));
      }
    }

    @Test
    void shouldResumeFromASeqWithTheSameLines() {
      // given
      final Workload small = Workload.of(WorkloadSpec.defaults().withBatchRecords(7));
      final List<JournalLine> all = small.journal(0).toList();
      // when
      final List<JournalBatch> rest = small.batches(0, 100).toList();
      // then
      assertThat(rest.get(0).firstSeq()).isEqualTo(100);
      assertThat(rest.get(rest.size() - 1).lastSeq()).isEqualTo(all.size());
      assertThat(rest.stream().map(JournalBatch::ndjson).collect(Collectors.joining()))
          .isEqualTo(all.subList(99, all.size()).stream().map(l -> l.json() + "\n").collect(Collectors.joining()));
    }

    @Test
    void shouldWriteEveryFactWithTheFieldsOfItsJournalSchemaRecord() {
      for (int s = 0; s < DEFAULTS.spec().sites(); s++) {
        DEFAULTS.journal(s).forEach(line -> {
          // given
          final JsonNode node = read(line.json());
          final Schema schema = FACTS.get(node.get("kind").asText());
          // then
          assertThat(schema).as(line.json()).isNotNull();
          assertThat(node.get("time").isIntegralNumber()).isTrue();
          final Set<String> fields = new HashSet<>();
          node.get("fact").fieldNames().forEachRemaining(fields::add);
          final Set<String> known = schema.getFields().stream().map(Schema.Field::name).collect(Collectors.toSet());
          final Set<String> required = schema.getFields().stream().filter(f -> !f.hasDefaultValue()).map(Schema.Field::name).collect(Collectors.toSet());
          assertThat(known).as(line.json()).containsAll(fields);
          assertThat(fields).as(line.json()).containsAll(required);
        });
      }
    }

    @Test
    void shouldScaleRecordsWithTheNumberOfSites() {
      // given
      final Workload scaled = Workload.of(WorkloadSpec.defaults().scaled(3));
      // when
      final long records = total(scaled);
      // then
      assertThat(scaled.spec().sites()).isEqualTo(3 * WorkloadSpec.defaults().sites());
      assertThat(records).isBetween(2 * total(DEFAULTS), 4 * total(DEFAULTS));
    }
  }

  @Nested
  class CmfPushes {

    @Test
    void shouldSendTheDumpDoubleEncodedInTheRequestBody() throws IOException {
      for (final CmfPush push : DEFAULTS.cmfPushes().toList()) {
        // when: the body is strict JSON (NaN only inside the payload string)
        final JsonNode body = JsonMapper.builder().build().readTree(push.requestBody());
        // then
        assertThat(body.get("exec_uuid").isNull()).isTrue();
        assertThat(body.get("pipeline_name").asText()).isEqualTo(push.pipelineName());
        assertThat(body.get("json_payload").isTextual()).isTrue();
        assertThat(body.get("json_payload").asText()).isEqualTo(push.dump());
        assertThat(push.requestBody()).startsWith("{\"exec_uuid\": null, \"json_payload\": \"{\\\"Pipeline\\\": [{\\\"stages\\\": [{\\\"executions\\\": [");
      }
    }

    @Test
    void shouldWriteTheDumpInTheShapeOfDumptojson() {
      // given
      final CmfPush push = DEFAULTS.cmfPushes().findFirst().orElseThrow();
      // when
      final JsonNode pipeline = read(push.dump()).get("Pipeline").get(0);
      // then
      assertThat(names(pipeline)).containsExactly("stages", "create_time_since_epoch", "custom_properties", "id", "last_update_time_since_epoch", "name", "properties", "type", "type_id");
      assertThat(pipeline.get("name").asText()).isEqualTo(push.pipelineName());
      final JsonNode stage = pipeline.get("stages").get(0);
      assertThat(stage.get("name").asText()).startsWith(push.pipelineName() + "/");
      final JsonNode execution = stage.get("executions").get(0);
      assertThat(names(execution)).startsWith("type", "name", "events");
      assertThat(names(execution.get("properties"))).contains("Context_ID", "Context_Type", "Execution_uuid", "Pipeline_Type", "Pipeline_id");
      final JsonNode event = execution.get("events").get(0);
      assertThat(event.get("type").asInt()).isIn(3, 4);
      assertThat(names(event.get("artifact"))).containsExactly("type", "create_time_since_epoch", "custom_properties", "id", "last_update_time_since_epoch", "name", "properties", "type_id", "uri");
      assertThat(push.dump()).contains("\"Pipeline\": [{");
    }

    @Test
    void shouldCountTheRecordsOfAPushAsTheNativeJournalHoldsThem() {
      for (int s = 0; s < DEFAULTS.spec().sites(); s++) {
        // given
        final int site = s;
        // when
        final List<CmfPush> pushes = DEFAULTS.pipelines(site).map(Workload::push).toList();
        // then
        assertThat(pushes.stream().mapToLong(CmfPush::records).sum()).isEqualTo(DEFAULTS.journalRecords(site));
        assertThat(pushes).allSatisfy(push -> assertThat(push.site()).isEqualTo(DEFAULTS.site(site)));
        assertThat(pushes.stream().mapToInt(CmfPush::executions).sum())
            .isEqualTo((int) DEFAULTS.journal(site).filter(l -> l.kind().equals("execution")).count());
      }
    }
  }

  @Nested
  class Features {

    @Test
    void shouldGiveEverySiteOneSharedEnvironment() {
      final Map<String, Set<String>> envsBySite = new HashMap<>();
      DEFAULTS.pipelines().forEach(p -> p.stages().forEach(s -> s.executions().forEach(e -> {
        // every execution reads its site's environment
        assertThat(e.events()).anyMatch(ev -> ev.type() == 3 && ev.artifact().type().equals("Environment"));
        e.events().stream().filter(ev -> ev.artifact().type().equals("Environment")).forEach(ev -> envsBySite.computeIfAbsent(p.site(), k -> new HashSet<>()).add(ev.artifact().uri()));
      })));
      assertThat(envsBySite).hasSize(DEFAULTS.spec().sites());
      envsBySite.values().forEach(envs -> assertThat(envs).hasSize(1));
      assertThat(envsBySite.values().stream().flatMap(Set::stream).distinct().count()).isEqualTo(DEFAULTS.spec().sites());
    }

    @Test
    void shouldReuseDatasetsAcrossPipelinesAndSites() {
      // when
      final Map<String, Set<String>> sitesByDataset = new HashMap<>();
      final Map<String, Set<String>> pipelinesByDataset = new HashMap<>();
      DEFAULTS.pipelines().forEach(p -> p.stages().get(0).executions().forEach(e -> e.events().stream()
          .filter(ev -> ev.artifact().name().startsWith("artifacts/raw/"))
          .forEach(ev -> {
            sitesByDataset.computeIfAbsent(ev.artifact().uri(), k -> new HashSet<>()).add(p.site());
            pipelinesByDataset.computeIfAbsent(ev.artifact().uri(), k -> new HashSet<>()).add(p.name());
          })));
      // then
      assertThat(pipelinesByDataset.values()).anyMatch(pipelines -> pipelines.size() >= 2);
      assertThat(sitesByDataset.values()).anyMatch(sites -> sites.size() >= 2);
    }

    @Test
    void shouldChainStagesAndFanIn() {
      // given
      final GeneratedPipeline pipeline = DEFAULTS.pipeline(0, 0);
      final Set<String> outputsOfEarlierStages = new HashSet<>();
      int fanIn = 0;
      // when
      for (final GeneratedPipeline.Stage stage : pipeline.stages()) {
        for (final GeneratedPipeline.Execution e : stage.executions()) {
          final List<GeneratedPipeline.Event> inputs = e.events().stream().filter(ev -> ev.type() == 3 && !ev.artifact().type().equals("Environment")).toList();
          if (stage != pipeline.stages().get(0)) {
            // then: a chain, every later stage reads what an earlier one wrote
            assertThat(inputs).anyMatch(ev -> outputsOfEarlierStages.contains(ev.artifact().uri()));
          }
          if (inputs.stream().map(ev -> ev.artifact().uri()).distinct().count() >= 2) {
            fanIn++;
          }
        }
        stage.executions().forEach(e -> e.events().stream().filter(ev -> ev.type() == 4).forEach(ev -> outputsOfEarlierStages.add(ev.artifact().uri())));
      }
      assertThat(fanIn).isPositive();
    }

    @Test
    void shouldReuseExecutionsWithCommaJoinedUuids() {
      // when
      final List<GeneratedPipeline.Execution> reused = new ArrayList<>();
      DEFAULTS.pipelines().forEach(p -> p.stages().forEach(s -> s.executions().stream().filter(e -> e.uuids().size() > 1).forEach(reused::add)));
      // then
      assertThat(reused).isNotEmpty().allSatisfy(e -> {
        assertThat(e.name()).isNotEmpty();
        assertThat(e.properties().get("Execution_uuid")).isEqualTo(e.joinedUuids());
      });
      assertThat(DEFAULTS.cmfPushes().map(CmfPush::dump)).anyMatch(dump -> dump.matches("(?s).*\"Execution_uuid\": \"[0-9a-f-]{36},[0-9a-f-]{36}.*"));
      final Set<String> uuids = uuids(DEFAULTS);
      assertThat(reused.stream().flatMap(e -> e.uuids().stream())).allMatch(uuids::contains);
    }

    @Test
    void shouldWriteNanMetricsBareInBothForms() {
      // then
      assertThat(DEFAULTS.cmfPushes().map(CmfPush::dump)).anyMatch(dump -> dump.contains(": NaN"));
      assertThat(DEFAULTS.journal(0).filter(l -> l.kind().equals("metric")).map(l -> read(l.json()).get("fact").get("value")))
          .isNotEmpty()
          .anyMatch(v -> v.isDouble() && Double.isNaN(v.asDouble()));
    }

    @Test
    void shouldLabelDatasets() {
      // when
      final List<GeneratedPipeline.Artifact> artifacts = DEFAULTS.pipelines().flatMap(p -> p.stages().stream())
          .flatMap(s -> s.executions().stream()).flatMap(e -> e.events().stream()).map(GeneratedPipeline.Event::artifact).toList();
      // then
      assertThat(artifacts).anyMatch(a -> a.type().equals("Label") && a.customProperties().containsKey("dataset_uri"));
      assertThat(artifacts).anyMatch(a -> a.type().equals("Dataset") && a.customProperties().containsKey("labels") && a.customProperties().containsKey("labels_uri"));
      assertThat(artifacts).anyMatch(a -> a.type().equals("Model"));
      assertThat(artifacts).anyMatch(a -> a.uri().endsWith(".dir"));
    }
  }

  @Nested
  class Spec {

    @Test
    void shouldRejectAPipelineOfOneStage() {
      assertThatThrownBy(() -> new WorkloadSpec(1, 1, 1, 1, 1, 1, 0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stages");
    }
  }

  private static long total(final Workload workload) {
    long total = 0;
    for (int s = 0; s < workload.spec().sites(); s++) {
      total += workload.journalRecords(s);
    }
    return total;
  }

  private static Set<String> uuids(final Workload workload) {
    return workload.pipelines().flatMap(p -> p.stages().stream()).flatMap(s -> s.executions().stream()).flatMap(e -> e.uuids().stream()).collect(Collectors.toSet());
  }

  private static List<JsonNode> lines(final JournalBatch batch) {
    return batch.ndjson().lines().map(WorkloadTest::read).toList();
  }

  private static List<String> names(final JsonNode node) {
    final List<String> names = new ArrayList<>();
    for (final Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static JsonNode read(final String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
