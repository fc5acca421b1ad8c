// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.ingest.Fixtures;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Json;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CmfPushTranslatorTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-23T06:00:00Z");

  private static CmfPushTranslator.Translation translate(final JsonNode dump, final String execUuid) {
    return CmfPushTranslator.translate(dump, "Test-env", execUuid, CmfPushTranslator.siteOf("Test-env"), "u-1", RECEIVED);
  }

  private static Map<String, Long> kinds(final List<JournalRecord> records) {
    return records.stream().collect(Collectors.groupingBy(r -> r.getBody().getClass().getSimpleName(), Collectors.counting()));
  }

  @Nested
  class Fixtures_ {

    /**
     * Counted by hand from the file (and by a Python reading of it): 1 stage, 4 executions with 5
     * events each (Environment, Dataset and Label in; two Datasets out) = 20 events. The 5
     * artifact uris come with 11 distinct sets of facts, because PR #339 patched per-execution
     * names and properties into the dump.
     */
    @Test
    void shouldTranslateTheRealDump() {
      final CmfPushTranslator.Translation t = translate(Fixtures.json(Fixtures.REAL_DUMP), null);

      assertThat(t.pipelineNotFound()).isEmpty();
      assertThat(t.executions()).isEqualTo(4);
      assertThat(kinds(t.records()))
          .containsExactlyInAnyOrderEntriesOf(Map.of("PipelineFact", 1L, "StageFact", 1L, "ExecutionFact", 4L, "ArtifactFact", 11L, "EventFact", 20L));
      assertThat(t.records().stream().filter(r -> r.getBody() instanceof ArtifactFact).map(r -> ((ArtifactFact) r.getBody()).getUri()).distinct())
          .hasSize(5);
    }

    /**
     * The synthetic example-get-started dump: Prepare, Featurize, Train, Evaluate, one execution
     * each; 18 events over 10 artifacts; the Metrics artifact carries 2 numeric values.
     */
    @Test
    void shouldTranslateTheSyntheticDump() {
      final CmfPushTranslator.Translation t = translate(Fixtures.json(Fixtures.SYNTHETIC_DUMP), null);

      assertThat(kinds(t.records()))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("PipelineFact", 1L, "StageFact", 4L, "ExecutionFact", 4L, "ArtifactFact", 10L, "EventFact", 18L, "MetricPoint", 2L));
      assertThat(t.records().stream().filter(r -> r.getBody() instanceof MetricPoint).map(r -> ((MetricPoint) r.getBody()).getName()))
          .containsExactlyInAnyOrder("avg_prec", "roc_auc");
    }

    @Test
    void shouldTranslateThePushBodysPayloadLikeTheDumpItCarries() {
      final JsonNode body = Fixtures.json(Fixtures.SYNTHETIC_PUSH_BODY);
      final JsonNode payload = Json.parse(body.get("json_payload").asText(), 422, "json_payload");

      assertThat(hashes(translate(payload, null).records())).isEqualTo(hashes(translate(Fixtures.json(Fixtures.SYNTHETIC_DUMP), null).records()));
    }
  }

  @Test
  void shouldGiveTheSameHashesForTheSamePushEveryTime() {
    final List<String> first = hashes(translate(Fixtures.json(Fixtures.REAL_DUMP), null).records());
    final List<String> again = hashes(CmfPushTranslator.translate(Fixtures.json(Fixtures.REAL_DUMP), "Test-env", null, "cmf.other", "u-2", RECEIVED.plusSeconds(60)).records());

    assertThat(again).isEqualTo(first);
  }

  @Test
  void shouldKeepOnlyTheExecutionNamedByExecUuid() {
    final String uuid = "059dee9a-34c0-11f1-a997-db8300ea6448";
    final CmfPushTranslator.Translation t = translate(Fixtures.json(Fixtures.REAL_DUMP), uuid);

    assertThat(t.executions()).isEqualTo(1);
    assertThat(t.records()).filteredOn(r -> r.getBody() instanceof ExecutionFact).extracting(r -> ((ExecutionFact) r.getBody()).getUuid()).containsExactly(uuid);
    assertThat(t.records()).filteredOn(r -> r.getBody() instanceof EventFact).hasSize(5);
  }

  @Test
  void shouldMakeOneExecutionPerUuidOfAReusedExecution() {
    // given: the first execution reused, as create_execution(create_new_execution=False) logs it
    final JsonNode dump = Fixtures.json(Fixtures.SYNTHETIC_DUMP);
    final ObjectNode execution = (ObjectNode) dump.at("/Pipeline/0/stages/0/executions/0");
    final String original = execution.at("/properties/Execution_uuid").asText();
    ((ObjectNode) execution.get("properties")).put("Execution_uuid", original + ", 9d3f0c2e-0000-11ef-8000-000000000001");
    execution.put("name", "prepare-reused");

    // when
    final List<JournalRecord> records = translate(dump, null).records();

    // then
    final Map<String, ExecutionFact> executions =
        records.stream().filter(r -> r.getBody() instanceof ExecutionFact).map(r -> (ExecutionFact) r.getBody()).collect(Collectors.toMap(ExecutionFact::getUuid, Function.identity()));
    assertThat(executions).containsKeys(original, "9d3f0c2e-0000-11ef-8000-000000000001");
    assertThat(executions.get(original).getName()).isEqualTo("prepare-reused");
    final long eventsOfTheFirstStage = dump.at("/Pipeline/0/stages/0/executions/0/events").size();
    assertThat(records)
        .filteredOn(r -> r.getBody() instanceof EventFact e && e.getExecutionUuid().equals("9d3f0c2e-0000-11ef-8000-000000000001"))
        .hasSize((int) eventsOfTheFirstStage);
  }

  /**
   * A pipeline that is not the one pushed is rolled back from the sink, but the artifacts it
   * emitted stayed counted as emitted: the pipeline pushed, listed after it and sharing an
   * artifact, had that artifact's event without the artifact.
   */
  @Test
  void shouldEmitAnArtifactAPipelineRolledBackBeforeItAlsoHad() {
    // given: the real dump's pipeline twice, the first under another name
    final JsonNode dump = Fixtures.json(Fixtures.REAL_DUMP);
    final ObjectNode other = ((ObjectNode) dump.at("/Pipeline/0")).deepCopy().put("name", "Other");
    ((com.fasterxml.jackson.databind.node.ArrayNode) dump.get("Pipeline")).insert(0, other);

    // when
    final List<JournalRecord> records = translate(dump, null).records();

    // then: every event's artifact is there, as when the pipeline comes alone
    assertThat(records).isEqualTo(translate(Fixtures.json(Fixtures.REAL_DUMP), null).records());
  }

  /** Their order is their names': the same whether the map was held or read back from the spill. */
  @Test
  void shouldGiveTheMetricPointsOfAnArtifactInTheOrderOfTheirNames() {
    // given: the Metrics artifact's numbers, and more, in no order
    final JsonNode dump = Fixtures.json(Fixtures.SYNTHETIC_DUMP);
    dump.findParents("artifact").stream().map(event -> event.get("artifact")).filter(a -> a.path("type").asText().equals("Metrics")).forEach(a ->
        ((ObjectNode) a.get("custom_properties")).put("zeta", 1).put("alpha", 2).put("mid", 3).put("beta", 4).put("omega", 5));

    // when
    final List<JournalRecord> records = translate(dump, null).records();

    // then
    final List<String> names = records.stream().filter(r -> r.getBody() instanceof MetricPoint).map(r -> ((MetricPoint) r.getBody()).getName()).toList();
    assertThat(names).containsExactly("alpha", "avg_prec", "beta", "mid", "omega", "roc_auc", "zeta");
  }

  @Test
  void shouldMapEventTypesToDirections() {
    final List<JournalRecord> records = translate(Fixtures.json(Fixtures.SYNTHETIC_DUMP), null).records();

    assertThat(records.stream().filter(r -> r.getBody() instanceof EventFact).map(r -> ((EventFact) r.getBody()).getDirection()).distinct())
        .containsExactlyInAnyOrder(Direction.INPUT, Direction.OUTPUT);
  }

  @Test
  void shouldKeepNanMetricValues() {
    final JsonNode dump = Json.parse(new String(Fixtures.bytes(Fixtures.SYNTHETIC_DUMP)).replace("\"roc_auc\": 0.", "\"roc_auc\": NaN, \"x\": 0."), 422, "dump");

    final List<JournalRecord> records = translate(dump, null).records();

    assertThat(records).filteredOn(r -> r.getBody() instanceof MetricPoint m && m.getName().equals("roc_auc")).singleElement()
        .satisfies(r -> assertThat(((MetricPoint) r.getBody()).getValue()).isNaN());
  }

  @Nested
  class Rejections {

    @Test
    void shouldAnswerPipelineNotExistWhenNoPipelineHasTheName() {
      final CmfPushTranslator.Translation t =
          CmfPushTranslator.translate(Fixtures.json(Fixtures.REAL_DUMP), "Other", null, "s", "u", RECEIVED);

      assertThat(t.pipelineNotFound()).contains("pipeline_not_exist");
      assertThat(t.records()).isEmpty();
    }

    @Test
    void shouldRejectAMissingOrEmptyPipelineListWith400() {
      for (final String dump : List.of("{}", "{\"Pipeline\": []}", "{\"Pipeline\": {}}")) {
        assertThatThrownBy(() -> translate(Json.parse(dump, 422, "d"), null))
            .isInstanceOfSatisfying(BadInput.class, e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.detail()).isEqualTo("Invalid JSON payload. The pipeline name is missing.");
            });
      }
    }

    @Test
    void shouldAskForAVersionUpdateWhenAnExecutionHasNoUuid() {
      final JsonNode dump = Fixtures.json(Fixtures.REAL_DUMP);
      ((ObjectNode) dump.at("/Pipeline/0/stages/0/executions/3/properties")).remove("Execution_uuid");

      assertThatThrownBy(() -> translate(dump, null))
          .isInstanceOfSatisfying(BadInput.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.type()).isEqualTo("version_update");
          });
    }

    @Test
    void shouldRejectUnknownEventTypesAndNestedPropertyValues() {
      final JsonNode badEvent = Fixtures.json(Fixtures.REAL_DUMP);
      ((ObjectNode) badEvent.at("/Pipeline/0/stages/0/executions/0/events/0")).put("type", 42);
      assertThatThrownBy(() -> translate(badEvent, null)).isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.detail()).contains("42"));

      final JsonNode nested = Fixtures.json(Fixtures.REAL_DUMP);
      ((ObjectNode) nested.at("/Pipeline/0/stages/0/executions/0/custom_properties")).putObject("deep").put("x", 1);
      assertThatThrownBy(() -> translate(nested, null)).isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.detail()).contains("deep"));
    }

    @Test
    void shouldNameTheMapAndKeyOfAPropertyValueThatIsNoScalar() {
      // given
      final JsonNode dump = Json.parse("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": [{\"name\": \"Test-env/Prepare\", "
          + "\"custom_properties\": {\"ok\": 1, \"bad\": [1]}, \"executions\": []}]}]}", 422, "d");
      // when, then
      assertThatThrownBy(() -> translate(dump, null))
          .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.detail()).isEqualTo("stage Test-env/Prepare custom_properties.bad must be a string, number or boolean, not array"));
    }

    /**
     * A name or a time that is an object was left unread, and its contents taken for the
     * pipeline's or the stage's own fields: a valid pipeline after it was then refused with a
     * wrong reason ("content after its JSON object").
     */
    @Test
    void shouldSkipANameOrTimeThatIsAnObjectWhole() {
      // given
      final JsonNode otherPipeline = Json.parse("{\"Pipeline\": [{\"name\": {\"stages\": {\"a\": 1}}, \"create_time_since_epoch\": [{\"b\": 2}], \"stages\": []}, "
          + "{\"name\": \"Test-env\", \"stages\": []}]}", 422, "d");
      final JsonNode stage = Json.parse("{\"Pipeline\": [{\"name\": \"Test-env\", \"stages\": [{\"name\": {\"executions\": []}, \"executions\": []}]}]}", 422, "d");
      // when, then
      assertThat(translate(otherPipeline, null).pipelineNotFound()).isEmpty();
      assertThatThrownBy(() -> translate(stage, null))
          .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.detail()).isEqualTo("a stage has no 'name' string"));
    }

    /** Issue #7's bad-input campaign: a name that was a list was stored as "" and the push answered success. */
    @Test
    void shouldRejectNamesAndTypesThatAreNoStrings() {
      for (final String pointer : List.of("/Pipeline/0/stages/0/executions/0/events/0/artifact", "/Pipeline/0/stages/0/executions/0")) {
        final JsonNode dump = Fixtures.json(Fixtures.REAL_DUMP);
        ((ObjectNode) dump.at(pointer)).putArray("name").add("x");

        assertThatThrownBy(() -> translate(dump, null))
            .isInstanceOfSatisfying(BadInput.class, e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.detail()).contains("'name' must be a string");
            });
      }
    }
  }

  /**
   * Text no store can hold (StoredText): published, such a record went to the replay's dead
   * letters while the rest of the push was applied, and the push answered success.
   */
  @Nested
  class UnstorableText {

    @Test
    void shouldRefuseAPushWhoseExecutionPropertyHoldsNul() {
      // given
      final JsonNode dump = Fixtures.json(Fixtures.REAL_DUMP);
      ((ObjectNode) dump.at("/Pipeline/0/stages/0/executions/2/custom_properties")).put("note", "a\u0000b");
      // when, then
      assertThatThrownBy(() -> translate(dump, null))
          .isInstanceOfSatisfying(BadInput.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.type()).isEqualTo("unstorable-text");
            assertThat(e.detail()).startsWith("the push's execution cannot be stored: fact.customProperties.note holds U+0000");
          });
    }

    @Test
    void shouldRefuseAPushWhosePipelineOrArtifactTextIsTooLongToIndex() {
      // given: the pipeline's own record comes last, after every execution
      final JsonNode longPipeline = Fixtures.json(Fixtures.REAL_DUMP);
      ((ObjectNode) longPipeline.at("/Pipeline/0")).put("name", "p".repeat(801));
      final JsonNode longType = Fixtures.json(Fixtures.REAL_DUMP);
      ((ObjectNode) longType.at("/Pipeline/0/stages/0/executions/1/events/0/artifact")).put("type", "t".repeat(801));
      // when, then
      assertThatThrownBy(() -> CmfPushTranslator.translate(longPipeline, "p".repeat(801), null, "s", "u", RECEIVED))
          .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.type()).isEqualTo("unstorable-text"));
      assertThatThrownBy(() -> translate(longType, null))
          .isInstanceOfSatisfying(BadInput.class, e -> assertThat(e.detail()).contains("fact.type is 801 bytes long"));
    }

    @Test
    void shouldIgnoreUnstorableTextInAPipelineThatIsNotTheOnePushed() {
      // given: another pipeline first, with a NUL in an execution's property
      final JsonNode dump = Fixtures.json(Fixtures.REAL_DUMP);
      final ObjectNode other = ((ObjectNode) dump.at("/Pipeline/0")).deepCopy().put("name", "Other");
      ((ObjectNode) other.at("/stages/0/executions/0/custom_properties")).put("note", "a\u0000b");
      ((com.fasterxml.jackson.databind.node.ArrayNode) dump.get("Pipeline")).insert(0, other);
      // when
      final List<JournalRecord> records = translate(dump, null).records();
      // then: as the real server, which checks only the pipeline pushed
      assertThat(records).isEqualTo(translate(Fixtures.json(Fixtures.REAL_DUMP), null).records());
    }
  }

  private static List<String> hashes(final List<JournalRecord> records) {
    return records.stream().map(JournalRecord::getContentHash).toList();
  }
}
