// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cmf client's round trip and the central team's reads, through the front door of a running
 * cmf-stream: the full example-get-started dump is pushed (ingest, Kafka, replay, PostgreSQL and
 * Neo4j), then read back by every cmf route and the v1 API. The pull must give back what was pushed
 * with the real server's conventions (cmf-protocol.md, section 3.3): its own ids and times, the
 * execution type as the stage, {@code original_create_time_since_epoch} added.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CmfRoundTripIT {

  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
  private static final String PIPELINE = "Test-env";

  @TempDir static Path dataDir;

  private RunningCmfStream cmf;
  private JsonNode pushed;

  @BeforeAll
  void launchAndPush() throws Exception {
    cmf = RunningCmfStream.start(dataDir);
    pushed = JSON.readTree(RunningCmfStream.resource("/cmf/synthetic_dumptojson_Test-env.json"));
    final HttpResponse<String> push = cmf.post("/api/mlmd_push", "application/json", RunningCmfStream.resource("/cmf/synthetic_mlmd_push_request_body.json"));
    assertThat(push.body()).contains("\"status\":\"success\"").contains("\"applied\":true");
  }

  @AfterAll
  void stop() throws Exception {
    if (cmf != null) {
      cmf.stop();
    }
  }

  @Test
  @Order(1)
  void shouldPullBackWhatWasPushedWithTheServersConventions() throws Exception {
    final HttpResponse<String> pull = cmf.post("/api/mlmd_pull", "{\"pipeline_name\":\"" + PIPELINE + "\",\"exec_uuid\":null}");

    assertThat(pull.statusCode()).isEqualTo(200);
    assertThat(pull.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
    assertThat(comparable(JSON.readTree(pull.body()))).isEqualTo(comparable(asTheServerKeepsIt(pushed)));
  }

  @Test
  @Order(2)
  void shouldPullOneExecutionOrSayThereIsNone() throws Exception {
    final JsonNode one = JSON.readTree(cmf.post("/api/mlmd_pull", "{\"pipeline_name\":\"Test-env\",\"exec_uuid\":\"3f6f2db2-76f6-11ee-9600-5b8c6d427e3f\"}").body());
    final HttpResponse<String> none = cmf.post("/api/mlmd_pull", "{\"pipeline_name\":\"Test-env\",\"exec_uuid\":\"00000000-0000\"}");
    final HttpResponse<String> legacy = cmf.get("/api/mlmd_pull/Test-env?exec_uuid=48ad70d2-76f6-11ee-9600-5b8c6d427e3f");
    final HttpResponse<String> unknown = cmf.post("/api/mlmd_pull", "{\"pipeline_name\":\"No-such-env\"}");
    final JsonNode all = JSON.readTree(cmf.post("/api/mlmd_pull", "{}").body());
    final JsonNode since = JSON.readTree(cmf.post("/api/mlmd_pull", "{\"last_sync_time\": 9999999999999}").body());

    final List<Integer> executionsPerStage = new ArrayList<>();
    one.path("Pipeline").get(0).path("stages").forEach(s -> executionsPerStage.add(s.path("executions").size()));
    assertThat(executionsPerStage).containsExactly(0, 0, 1, 0);
    assertThat(none.body()).isEqualTo("no_exec_uuid");
    assertThat(legacy.body()).contains("48ad70d2-76f6-11ee-9600-5b8c6d427e3f").doesNotContain("\"Execution_uuid\":\"1afa7676");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"detail\":\"Pipeline No-such-env not found.\"}");
    assertThat(all.path("Pipeline")).extracting(p -> p.path("name").asText()).contains(PIPELINE);
    assertThat(since.path("Pipeline")).isEmpty();
  }

  @Test
  @Order(3)
  void shouldAnswerTheUiRoutesAsTheRealServerDoes() throws Exception {
    assertThat(cmf.get("/api/pipelines").body()).contains("\"Test-env\"");
    assertThat(cmf.get("/api/pipeline-stages/Test-env").body()).isEqualTo(
        "{\"stages\":[\"Test-env/Evaluate\",\"Test-env/Featurize\",\"Test-env/Prepare\",\"Test-env/Train\"],\"total_stages\":4}");
    assertThat(cmf.get("/api/list-of-executions/Test-env").body()).isEqualTo("[\"Prepare_1afa\",\"Featurize_25c6\",\"Train_3f6f\",\"Evaluate_48ad\"]");
    assertThat(JSON.readTree(cmf.get("/api/artifact_types").body())).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Dataset", "Label", "Step_Metrics", "Model", "Metrics");
    assertThat(cmf.get("/api/artifact-types-by-stage/Test-env?stage_name=Test-env/Train").body()).isEqualTo("[\"Dataset\",\"Model\",\"Step_Metrics\"]");

    final JsonNode prepare = JSON.readTree(cmf.get("/api/executions-by-stage/Test-env?stage_name=Test-env/Prepare").body());
    assertThat(prepare.path("total_items").asInt()).isEqualTo(1);
    final Map<String, String> properties = new TreeMap<>();
    prepare.path("items").get(0).path("execution_properties").forEach(p -> properties.put(p.path("name").asText(), p.path("value").asText()));
    assertThat(properties).containsEntry("Execution_uuid", "1afa7676-76f6-11ee-9600-5b8c6d427e3f").containsEntry("seed", "20170428")
        .containsEntry("split", "0.2").containsEntry("Context_Type", "Test-env/Prepare").containsEntry("original_create_time_since_epoch", "1698650989059");

    final JsonNode filtered = JSON.readTree(cmf.get("/api/executions-by-stage/Test-env?stage_name=Test-env/Prepare&filter_value=no-such-text").body());
    assertThat(filtered.path("total_items").asInt()).isZero();
    final JsonNode byDate = JSON.readTree(cmf.get("/api/executions-by-stage/Test-env?stage_name=Test-env/Prepare&filter_value=2023-10-30").body());
    assertThat(byDate.path("total_items").asInt()).isEqualTo(1);

    final JsonNode datasets = JSON.readTree(cmf.get("/api/artifacts-by-stage/Test-env?stage_name=Test-env/Prepare&artifact_type=Dataset&record_per_page=2").body());
    assertThat(datasets.path("total_items").asInt()).isEqualTo(3);
    assertThat(datasets.path("items")).extracting(i -> i.path("name").asText())
        .containsExactly("artifacts/data.xml.gz:236d9502e0283d91f689d7038b8508a2", "artifacts/parsed/test.tsv:6f597d341ceb7d8fbbe88859a892ef81");
    final JsonNode pastTheEnd = JSON.readTree(cmf.get("/api/artifacts-by-stage/Test-env?stage_name=Test-env/Prepare&artifact_type=Dataset&active_page=9").body());
    assertThat(pastTheEnd.path("total_items").asInt()).isZero();
  }

  @Test
  @Order(4)
  void shouldDrawTheTangledTreesOfSectionSix() throws Exception {
    final String artifactLineage = cmf.get("/api/artifact-lineage/tangled-tree/Test-env").body();
    final String executionLineage = cmf.get("/api/execution-lineage/tangled-tree/48ad/Test-env").body();
    final String bipartite = cmf.get("/api/artifact-execution-lineage/tangled-tree/Test-env").body();
    final String noSuchExecution = cmf.get("/api/execution-lineage/tangled-tree/ffff/Test-env").body();

    assertThat(ids(JSON.readTree(artifactLineage))).containsExactly(
        List.of("data.xml.gz:236d"),
        List.of("train.tsv:32b7", "test.tsv:6f59"),
        List.of("train.pkl:4b07", "test.pkl:d7bd"),
        List.of("3f6f2db2-76f6-11ee-9600-5b8c6d427e3f/metrics/training_metrics:46fd:3:744a", "model.pkl:bf62"),
        List.of("metrics:7bea:4"));
    assertThat(ids(JSON.readTree(executionLineage))).containsExactly(
        List.of("Prepare_1afa"), List.of("Featurize_25c6"), List.of("Train_3f6f"), List.of("Evaluate_48ad"));
    assertThat(bipartite).contains("execution_name_Test-env/Train:3f6f").contains("artifact_name_model.pkl:bf62").doesNotContain("python_env");
    assertThat(noSuchExecution).isEqualTo("{\"error\":\"uuid 'ffff' does not match any execution in pipeline 'Test-env'\"}");
  }

  @Test
  @Order(5)
  void shouldShowAModelCard() throws Exception {
    final JsonNode model = JSON.readTree(cmf.get("/api/v1/artifacts/bf629ccd5cd008066b72c04f9a918737/metadata").body());
    final long id = model.path("artifact").path("id").asLong();

    final JsonNode card = JSON.readTree(cmf.get("/api/model-card?modelId=" + id).body());

    assertThat(card).hasSize(4);
    assertThat(card.get(0).get(0).path("uri").asText()).isEqualTo("bf629ccd5cd008066b72c04f9a918737");
    assertThat(card.get(1)).extracting(e -> e.path("Execution_uuid").asText())
        .containsExactlyInAnyOrder("3f6f2db2-76f6-11ee-9600-5b8c6d427e3f", "48ad70d2-76f6-11ee-9600-5b8c6d427e3f");
    assertThat(card.get(2)).extracting(a -> a.path("uri").asText()).contains("4b0798de5dd985eedbb0afee78b9e5aa", "d7bdfab860e2835ec9681fa9ebdce149");
    assertThat(card.get(3)).extracting(a -> a.path("type").asText()).containsExactlyInAnyOrder("Step_Metrics", "Metrics");
  }

  @Test
  @Order(6)
  void shouldPageFilterAndDetailExecutionsAndArtifactsInTheV1Api() throws Exception {
    final List<String> uuids = new ArrayList<>();
    String token = null;
    do {
      final JsonNode page = JSON.readTree(cmf.get("/api/v1/executions?pipeline=Test-env&page_size=3&sort=created"
          + (token == null ? "" : "&page_token=" + token)).body());
      page.path("items").forEach(e -> uuids.add(e.path("uuid").asText()));
      token = page.path("nextPageToken").isNull() ? null : page.path("nextPageToken").asText(null);
    } while (token != null);
    final JsonNode seeded = JSON.readTree(cmf.get("/api/v1/executions?pipeline=Test-env&property=seed:20170428").body());
    final JsonNode split = JSON.readTree(cmf.get("/api/v1/executions?property=split:0.2&stage=Test-env/Prepare").body());
    final JsonNode train = JSON.readTree(cmf.get("/api/v1/executions/3f6f2db2-76f6-11ee-9600-5b8c6d427e3f").body());
    final JsonNode dataset = JSON.readTree(cmf.get("/api/v1/artifacts/32b715ef0d71ff4c9e61f55b09c15e75/metadata").body());
    final JsonNode models = JSON.readTree(cmf.get("/api/v1/artifacts?type=Model&name=artifacts/model/model.pkl").body());
    final JsonNode pipeline = JSON.readTree(cmf.get("/api/v1/pipelines/Test-env").body());

    assertThat(uuids).containsExactly("1afa7676-76f6-11ee-9600-5b8c6d427e3f", "25c66fa6-76f6-11ee-9600-5b8c6d427e3f",
        "3f6f2db2-76f6-11ee-9600-5b8c6d427e3f", "48ad70d2-76f6-11ee-9600-5b8c6d427e3f");
    assertThat(seeded.path("items")).extracting(e -> e.path("stage").asText()).containsExactly("Test-env/Train", "Test-env/Prepare");
    assertThat(split.path("items")).hasSize(1);
    assertThat(train.path("inputs")).extracting(a -> a.path("type").asText()).containsExactlyInAnyOrder("Environment", "Dataset");
    assertThat(train.path("outputs")).extracting(a -> a.path("type").asText()).containsExactlyInAnyOrder("Step_Metrics", "Model");
    assertThat(dataset.path("producers")).extracting(e -> e.path("uuid").asText()).containsExactly("1afa7676-76f6-11ee-9600-5b8c6d427e3f");
    assertThat(dataset.path("consumers")).extracting(e -> e.path("uuid").asText()).containsExactly("25c66fa6-76f6-11ee-9600-5b8c6d427e3f");
    assertThat(models.path("items")).extracting(a -> a.path("uri").asText()).containsExactly("bf629ccd5cd008066b72c04f9a918737");
    assertThat(pipeline.path("stages")).extracting(s -> s.path("executions").asLong()).containsExactly(1L, 1L, 1L, 1L);
    assertThat(cmf.get("/api/v1/executions/no-such-uuid").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(7)
  void shouldWalkLineageFromTheGraphWithinItsBudgetAndContinueIt() throws Exception {
    // The first walks on a cold graph may hit the time limit; they say so (truncated, with a
    // cursor), and a warm one answers whole.
    final String walk = "/api/v1/lineage/artifacts/7bea36fc-76f6-11ee-9600-5b8c6d427e3f?direction=upstream&depth=5";
    await("a lineage walk within the time limit").atMost(Duration.ofSeconds(60)).until(() -> {
      final JsonNode answer = JSON.readTree(cmf.get(walk).body());
      assertThat(answer.path("truncated").asBoolean()).isEqualTo(!answer.path("cursor").isNull());
      return !answer.path("truncated").asBoolean();
    });
    final JsonNode upstream = JSON.readTree(cmf.get(walk).body());
    final JsonNode downstream = JSON.readTree(cmf.get("/api/v1/lineage/artifacts/236d9502e0283d91f689d7038b8508a2?direction=downstream&depth=2").body());
    final JsonNode cut = JSON.readTree(cmf.get("/api/v1/lineage/executions/48ad70d2-76f6-11ee-9600-5b8c6d427e3f?direction=upstream&max_nodes=3").body());
    final JsonNode rest = JSON.readTree(cmf.get("/api/v1/lineage/executions/48ad70d2-76f6-11ee-9600-5b8c6d427e3f?direction=upstream&max_nodes=3&cursor="
        + cut.path("cursor").asText()).body());

    // metrics <- Evaluate <- {env, model, test.pkl}; model <- Train <- train.pkl; test.pkl <- Featurize (depth 5)
    assertThat(upstream.path("nodes")).extracting(n -> n.path("key").asText())
        .contains("48ad70d2-76f6-11ee-9600-5b8c6d427e3f", "bf629ccd5cd008066b72c04f9a918737", "3f6f2db2-76f6-11ee-9600-5b8c6d427e3f",
            "4b0798de5dd985eedbb0afee78b9e5aa", "25c66fa6-76f6-11ee-9600-5b8c6d427e3f")
        .doesNotContain("236d9502e0283d91f689d7038b8508a2");
    assertThat(upstream.path("truncated").asBoolean()).isFalse();
    assertThat(upstream.path("edges")).anySatisfy(e -> assertThat(e.path("kind").asText()).isEqualTo("PRODUCED"));
    assertThat(downstream.path("nodes")).extracting(n -> n.path("key").asText())
        .containsExactlyInAnyOrder("236d9502e0283d91f689d7038b8508a2", "1afa7676-76f6-11ee-9600-5b8c6d427e3f",
            "32b715ef0d71ff4c9e61f55b09c15e75", "6f597d341ceb7d8fbbe88859a892ef81");
    assertThat(cut.path("nodes")).hasSize(3);
    assertThat(cut.path("truncated").asBoolean()).isTrue();
    assertThat(rest.path("nodes")).isNotEmpty().noneMatch(n -> cut.path("nodes").findValuesAsText("id").contains(n.path("id").asText()));
  }

  /**
   * Issue #5: an incremental pull (cmf-protocol.md, section 4.3) gives what reached the server after
   * the peer's last sync, whatever the site's clock said when it was logged; and a NaN a metric
   * carries comes back as the bare token the client sent (sections 2.1 and 11.2), also on a pull.
   */
  @Test
  @Order(8)
  void shouldPullIncrementallyByArrivalAndGiveNanBackAsABareToken() throws Exception {
    // given: A pushed and applied, then the peer's last sync on the server's clock (this machine's)
    final String pipeline = "Sync-env";
    final long now = System.currentTimeMillis();
    final HttpResponse<String> a = cmf.post("/api/mlmd_push", pushBody(pipeline, "A", "a1a1a1a1-76f6-11ee-9600-5b8c6d427e3f", now, Double.NaN));
    final long lastSync = System.currentTimeMillis();
    // and: B, logged at its site long before that sync (2023), uploaded after it
    final HttpResponse<String> b = cmf.post("/api/mlmd_push", pushBody(pipeline, "B", "b2b2b2b2-76f6-11ee-9600-5b8c6d427e3f", 1_698_650_990_566L, 0.25));

    // when
    final JsonNode since = JSON.readTree(cmf.post("/api/mlmd_pull", "{\"last_sync_time\": " + lastSync + "}").body());
    final String whole = cmf.post("/api/mlmd_pull", "{\"pipeline_name\": \"" + pipeline + "\"}").body();

    // then
    assertThat(a.body()).contains("\"status\":\"success\"").contains("\"applied\":true");
    assertThat(b.body()).contains("\"status\":\"success\"").contains("\"applied\":true");
    assertThat(since.path("Pipeline")).extracting(p -> p.path("name").asText()).containsExactly(pipeline);
    final JsonNode stages = since.path("Pipeline").get(0).path("stages");
    assertThat(stages).extracting(st -> st.path("name").asText()).containsExactly(pipeline + "/B");
    assertThat(stages.get(0).path("executions")).extracting(e -> e.path("properties").path("Execution_uuid").asText())
        .containsExactly("b2b2b2b2-76f6-11ee-9600-5b8c6d427e3f");
    assertThat(whole).contains("\"accuracy\":NaN");
    final JsonNode metrics = JSON.readTree(whole).findParents("uri").stream()
        .filter(m -> m.path("uri").asText().equals("a1a1a1a1-0000-11ee-9600-5b8c6d427e3f")).findFirst().orElseThrow();
    assertThat(metrics.path("custom_properties").path("accuracy").asDouble()).isNaN();
  }

  /**
   * A cmf push of one stage whose one execution wrote a Metrics artifact, everything logged at
   * {@code created}; the dump written as Python's json.dumps writes it, NaN as a bare token.
   */
  private static String pushBody(final String pipeline, final String stage, final String uuid, final long created, final double accuracy)
      throws Exception {
    final ObjectMapper python = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
    final String stageName = pipeline + "/" + stage;
    final String metricsUri = uuid.substring(0, 9) + "0000-11ee-9600-5b8c6d427e3f";
    final ObjectNode artifact = JSON.createObjectNode().put("type", "Metrics").put("create_time_since_epoch", created);
    artifact.putObject("custom_properties").put("accuracy", accuracy).put("loss", 0.5);
    artifact.put("id", 1).put("last_update_time_since_epoch", created).put("name", "metrics:" + metricsUri + ":1");
    artifact.putObject("properties").put("metrics_name", "metrics:" + metricsUri + ":1");
    artifact.put("type_id", 21).put("uri", metricsUri);
    final ObjectNode execution = JSON.createObjectNode().put("type", stageName + "-execution").put("name", "").put("create_time_since_epoch", created);
    execution.putObject("custom_properties");
    execution.put("id", 1).put("last_update_time_since_epoch", created);
    execution.putObject("properties").put("Context_ID", 2).put("Context_Type", stageName).put("Execution", "['src/" + stage + ".py']")
        .put("Execution_type_name", stageName).put("Execution_uuid", uuid).put("Git_End_Commit", "").put("Git_Repo", "")
        .put("Git_Start_Commit", "").put("Pipeline_Type", pipeline).put("Pipeline_id", 1);
    execution.put("type_id", 20);
    execution.putArray("events").addObject().put("type", 4).set("artifact", artifact);
    final ObjectNode stageNode = JSON.createObjectNode();
    stageNode.putArray("executions").add(execution);
    stageNode.put("create_time_since_epoch", created).putObject("custom_properties");
    stageNode.put("id", 2).put("last_update_time_since_epoch", created).put("name", stageName);
    stageNode.putObject("properties").put("Pipeline_Stage", stageName);
    stageNode.put("type", "Pipeline_Stage").put("type_id", 11);
    final ObjectNode p = JSON.createObjectNode();
    p.putArray("stages").add(stageNode);
    p.put("create_time_since_epoch", created).putObject("custom_properties");
    p.put("id", 1).put("last_update_time_since_epoch", created).put("name", pipeline);
    p.putObject("properties").put("Pipeline", pipeline);
    p.put("type", "Parent_Context").put("type_id", 10);
    final ObjectNode dump = JSON.createObjectNode();
    dump.putArray("Pipeline").add(p);
    final ObjectNode request = JSON.createObjectNode().putNull("exec_uuid").put("json_payload", python.writeValueAsString(dump)).put("pipeline_name", pipeline);
    return JSON.writeValueAsString(request);
  }

  /** The pushed dump as the real server stores it: execution type is the stage, original create times added. */
  private static JsonNode asTheServerKeepsIt(final JsonNode dump) {
    final JsonNode copy = dump.deepCopy();
    for (final JsonNode stage : copy.path("Pipeline").get(0).path("stages")) {
      addOriginalTime((ObjectNode) stage);
      for (final JsonNode execution : stage.path("executions")) {
        addOriginalTime((ObjectNode) execution);
        ((ObjectNode) execution).put("type", execution.path("properties").path("Context_Type").asText());
        for (final JsonNode event : execution.path("events")) {
          addOriginalTime((ObjectNode) event.path("artifact"));
        }
      }
    }
    return copy;
  }

  private static void addOriginalTime(final ObjectNode node) {
    ((ObjectNode) node.path("custom_properties")).put("original_create_time_since_epoch", node.path("create_time_since_epoch").asText());
  }

  /**
   * What must survive a round trip: everything but this server's own ids and times, and the
   * order of events (MLMD's event ids, which the dump does not carry).
   */
  private static JsonNode comparable(final JsonNode dump) {
    final ObjectNode out = JSON.createObjectNode();
    final JsonNode pipeline = dump.path("Pipeline").get(0);
    out.put("name", pipeline.path("name").asText());
    out.set("properties", pipeline.path("properties"));
    final ObjectNode stages = out.putObject("stages");
    for (final JsonNode stage : pipeline.path("stages")) {
      final ObjectNode s = stages.putObject(stage.path("name").asText());
      s.set("custom_properties", stage.path("custom_properties"));
      s.set("properties", stage.path("properties"));
      final ObjectNode executions = s.putObject("executions");
      for (final JsonNode execution : stage.path("executions")) {
        final ObjectNode e = executions.putObject(execution.path("properties").path("Execution_uuid").asText());
        e.put("type", execution.path("type").asText());
        e.put("name", execution.path("name").asText());
        final ObjectNode props = execution.path("properties").deepCopy();
        props.remove(List.of("Context_ID", "Pipeline_id"));
        e.set("properties", sorted(props));
        e.set("custom_properties", sorted(execution.path("custom_properties")));
        final List<String> events = new ArrayList<>();
        for (final JsonNode event : execution.path("events")) {
          final JsonNode a = event.path("artifact");
          events.add(event.path("type").asText() + " " + a.path("type").asText() + " " + a.path("name").asText() + " " + a.path("uri").asText() + " "
              + sorted(a.path("properties")) + " " + sorted(a.path("custom_properties")));
        }
        events.sort(null);
        final ArrayNode list = e.putArray("events");
        events.forEach(list::add);
      }
    }
    return out;
  }

  private static JsonNode sorted(final JsonNode object) {
    final ObjectNode out = JSON.createObjectNode();
    final TreeMap<String, JsonNode> fields = new TreeMap<>();
    object.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue()));
    fields.forEach(out::set);
    return out;
  }

  private static List<List<String>> ids(final JsonNode layers) {
    final List<List<String>> out = new ArrayList<>();
    layers.forEach(layer -> {
      final List<String> ids = new ArrayList<>();
      layer.forEach(n -> ids.add(n.path("id").asText()));
      out.add(ids);
    });
    return out;
  }
}
