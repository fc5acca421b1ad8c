// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.testing.ProjectionSchema.update;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.cmfstream.testing.ProjectionSchema;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cmf routes over projection rows written here as the PostgreSQL sink writes them (V002 to
 * V004): one pipeline of two stages, Prepare writing a dataset that Train reads to write a model.
 * The times are chosen so that the sites' clocks ({@code updated}) and this server's
 * ({@code synced}) disagree, as they do when a site uploads late.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CmfProjectionReadsIT implements TestPropertyProvider {

  private static final ObjectMapper LENIENT = new ObjectMapper().enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
  private static final ObjectMapper STRICT = new ObjectMapper();

  /** A peer's last sync, on this server's clock. */
  private static final long LAST_SYNC = 2_000L;

  @Inject
  @Client("/")
  HttpClient client;

  private final String pipeline = UniqueNames.of("reads");
  private final String prepare = UUID.randomUUID().toString();
  private final String train = UUID.randomUUID().toString();
  private final String dataset = md5();
  private final String model = md5();
  private final long pipelineId = id();
  private final long prepareStageId = id();
  private final long trainStageId = id();
  private final long modelId = id();

  @Override
  public Map<String, String> getProperties() {
    ProjectionSchema.migrate(SharedLocalStack.endpoints());
    return ServiceProperties.ofSharedStack();
  }

  @BeforeAll
  void writeProjectionRows() throws SQLException {
    try (Connection c = ProjectionSchema.connect()) {
      update(c, "INSERT INTO pipelines (name, custom_properties, first_seen, id, updated, synced) VALUES (?, '{}', 100, ?, 100, 1000)",
          pipeline, pipelineId);
      update(c, "INSERT INTO stages (name, pipeline, custom_properties, created, first_seen, id, updated, synced) VALUES (?, ?, '{}', 100, 100, ?, 100, 1000)",
          pipeline + "/Prepare", pipeline, prepareStageId);
      update(c, "INSERT INTO stages (name, pipeline, custom_properties, created, first_seen, id, updated, synced) VALUES (?, ?, '{}', 100, 100, ?, 100, 1000)",
          pipeline + "/Train", pipeline, trainStageId);
      // Prepare: logged late on its site's clock, but here before the peer's last sync.
      execution(c, prepare, "Prepare", 9_000_000L, 1_000L);
      // Train: logged long ago at its site, uploaded after the peer's last sync.
      execution(c, train, "Train", 200L, 3_000L);
      update(c, "INSERT INTO artifacts (uri, type, names, properties, custom_properties, sets, created, first_seen, id, updated, synced) "
              + "VALUES (?, 'Dataset', ?, '{}', '{}', '{}', 100, 100, ?, 100, 1000)",
          dataset, new String[] {"artifacts/data.csv:" + dataset}, id());
      // An artifact seen after the model whose id collides with the model's (V006), stored first.
      update(c, "INSERT INTO artifacts (uri, type, names, properties, custom_properties, sets, created, first_seen, id, updated, synced) "
              + "VALUES (?, 'Dataset', ?, '{}', '{}', '{}', 300, 300, ?, 300, 1000)",
          md5(), new String[] {"artifacts/other.csv"}, modelId);
      // Non-finite doubles as the sink keeps them in jsonb (V004).
      update(c, "INSERT INTO artifacts (uri, type, names, properties, custom_properties, sets, created, first_seen, id, updated, synced) "
              + "VALUES (?, 'Model', ?, '{}', '{\"accuracy\": {\"$double\": \"NaN\"}, \"loss\": {\"$double\": \"-Infinity\"}, \"epochs\": 3}', "
              + "'{}', 200, 200, ?, 200, 3000)",
          model, new String[] {"artifacts/model.pkl:" + model + ":1"}, modelId);
      event(c, prepare, dataset, "OUTPUT");
      event(c, train, dataset, "INPUT");
      event(c, train, model, "OUTPUT");
      update(c, "INSERT INTO metrics (execution_uuid, name, step, value, first_seen) VALUES (?, 'loss', 1, 0.5, 200), (?, 'loss', 2, 'NaN', 200)",
          train, train);
      update(c, "INSERT INTO conflicts (entity_key, field, vals) VALUES (?, 'type', '[\"Model\", \"Dataset\"]')", "artifact/" + model);
    }
  }

  @Test
  void shouldServeTheCmfRoutesWithoutTheApiPrefixToo() throws Exception {
    // when
    final String stages = get("/pipeline-stages/" + pipeline);
    final JsonNode list = STRICT.readTree(get("/list-of-executions/" + pipeline));
    final String pull = client.toBlocking().retrieve(HttpRequest.POST("/mlmd_pull", Map.of("pipeline_name", pipeline, "exec_uuid", train)));
    final JsonNode lineage = STRICT.readTree(get("/artifact-lineage/tangled-tree/" + pipeline));

    // then
    assertThat(stages).isEqualTo("{\"stages\":[\"" + pipeline + "/Prepare\",\"" + pipeline + "/Train\"],\"total_stages\":2}");
    assertThat(list).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Prepare_" + prepare.substring(0, 4), "Train_" + train.substring(0, 4));
    assertThat(pull).contains(train).doesNotContain(prepare);
    assertThat(ids(lineage)).containsExactly(List.of("data.csv:" + dataset.substring(0, 4)), List.of("model.pkl:" + model.substring(0, 4)));
  }

  @Test
  void shouldAnswerTheLegacyRoutes() throws Exception {
    // when
    final JsonNode executions = STRICT.readTree(get("/api/executions/" + pipeline + "?record_per_page=10"));
    final JsonNode models = STRICT.readTree(get("/artifacts/" + pipeline + "/Model"));
    final JsonNode pipelines = STRICT.readTree(get("/api/display_pipelines"));
    final JsonNode types = STRICT.readTree(get("/display_artifact_types"));

    // then
    assertThat(executions.path("total_items").asInt()).isEqualTo(2);
    assertThat(executions.path("items")).extracting(e -> e.path("execution_id").asLong()).hasSize(2);
    assertThat(models.path("total_items").asInt()).isEqualTo(1);
    assertThat(models.path("items").get(0).path("name").asText()).isEqualTo("artifacts/model.pkl:" + model + ":1");
    assertThat(models.path("items").get(0).path("execution").asText()).isEqualTo(pipeline + "/Train");
    // the UI routes print every value as a string, as PostgreSQL's double::text does
    assertThat(models.path("items").get(0).path("artifact_properties").toString()).contains("{\"name\":\"accuracy\",\"value\":\"NaN\"}");
    assertThat(pipelines).extracting(JsonNode::asText).contains(pipeline);
    assertThat(types).extracting(JsonNode::asText).contains("Dataset", "Model").doesNotContain("Environment");
  }

  /** The real server's filter searches the properties, Execution_uuid among them; here the uuids are a column of their own. */
  @Test
  void shouldFindAnExecutionOfAStageByPartOfItsUuid() throws Exception {
    // given
    final String part = train.substring(9, 18);

    // when
    final JsonNode page = STRICT.readTree(get("/api/executions-by-stage/" + pipeline + "?stage_name=" + pipeline + "/Train&filter_value=" + part));
    final JsonNode other = STRICT.readTree(get("/api/executions-by-stage/" + pipeline + "?stage_name=" + pipeline + "/Prepare&filter_value=" + part));

    // then
    assertThat(page.path("total_items").asInt()).isEqualTo(1);
    assertThat(page.path("items").get(0).path("execution_properties").toString()).contains(train);
    assertThat(other.path("total_items").asInt()).isZero();
  }

  @Test
  void shouldGiveAnExecutionsMetricsInTheV1ApiAsValidJson() throws Exception {
    // when
    final JsonNode metrics = STRICT.readTree(get("/api/v1/executions/" + train + "/metrics"));

    // then
    assertThat(metrics).hasSize(2);
    assertThat(metrics.get(0).path("name").asText()).isEqualTo("loss");
    assertThat(metrics.get(0).path("step").asLong()).isEqualTo(1);
    assertThat(metrics.get(0).path("value").asDouble()).isEqualTo(0.5);
    assertThat(metrics.get(1).path("value").asText()).isEqualTo("NaN");
  }

  @Test
  void shouldListAConflictSideBySideInTheV1Api() throws Exception {
    // given: the conflicts of every test on the shared stack, a page at a time
    final List<JsonNode> all = new ArrayList<>();
    String token = null;
    do {
      final JsonNode page = STRICT.readTree(get("/api/v1/conflicts?page_size=500" + (token == null ? "" : "&page_token=" + token)));
      page.path("items").forEach(all::add);
      token = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : null;
    } while (token != null);

    // then
    final JsonNode mine = all.stream().filter(c -> c.path("entity").asText().equals("artifact/" + model)).findFirst().orElseThrow();
    assertThat(mine.path("field").asText()).isEqualTo("type");
    assertThat(mine.path("values")).extracting(JsonNode::asText).containsExactly("Model", "Dataset");
  }

  /** Pages now follow the table's key (entity, field); an event's entity key holds U+001F between its parts. */
  @Test
  void shouldPageThroughTheConflictsEachOnceWithKeysThatHoldTheSeparator() throws Exception {
    // given: two fields in conflict for one entity, and an event whose key is a prefix of another's
    final String event = "event/" + train + '\u001f' + dataset;
    try (Connection c = ProjectionSchema.connect()) {
      update(c, "INSERT INTO conflicts (entity_key, field, vals) VALUES (?, 'a', '[1, 2]'), (?, 'b', '[1, 2]'), (?, 'z', '[1, 2]')",
          event, event + '\u001f' + "INPUT", event + '\u001f' + "OUTPUT");
    }

    // when: two at a time
    final List<String> seen = new ArrayList<>();
    String token = null;
    do {
      final JsonNode page = STRICT.readTree(get("/api/v1/conflicts?page_size=2" + (token == null ? "" : "&page_token=" + token)));
      page.path("items").forEach(item -> seen.add(item.path("entity").asText() + " " + item.path("field").asText()));
      token = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : null;
    } while (token != null);

    // then: every conflict on the stack, each once
    final long stored;
    try (Connection c = ProjectionSchema.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM conflicts")) {
      rs.next();
      stored = rs.getLong(1);
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize((int) stored)
        .contains(event.replace('\u001f', '/') + " a", event.replace('\u001f', '/') + "/INPUT b", event.replace('\u001f', '/') + "/OUTPUT z");
  }

  @Test
  void shouldDrawTheAncestorsOfTheExecutionWhoseUuidStartsWithTheFourCharacters() throws Exception {
    // when
    final JsonNode tree = STRICT.readTree(get("/api/execution-lineage/tangled-tree/" + train.substring(0, 4) + "/" + pipeline));

    // then
    assertThat(ids(tree)).containsExactly(List.of("Prepare_" + prepare.substring(0, 4)), List.of("Train_" + train.substring(0, 4)));
  }

  @Test
  void shouldMatchNeitherAShorterPrefixNorAWholeUuid() {
    // when
    final String oneCharacter = get("/api/execution-lineage/tangled-tree/" + train.charAt(0) + "/" + pipeline);
    final String whole = get("/api/execution-lineage/tangled-tree/" + train + "/" + pipeline);

    // then: cmf-protocol.md, section 6.2: Execution_uuid.str[:4] == uuid
    assertThat(oneCharacter).isEqualTo(
        "{\"error\":\"uuid '" + train.charAt(0) + "' does not match any execution in pipeline '" + pipeline + "'\"}");
    assertThat(whole).isEqualTo("{\"error\":\"uuid '" + train + "' does not match any execution in pipeline '" + pipeline + "'\"}");
  }

  /** The model's id is shared by an artifact seen later (stored first): the card is the model's. */
  @Test
  void shouldKeepContextIdAndPipelineIdAndDropOnlyTheGitCommits() throws Exception {
    // when
    final JsonNode card = STRICT.readTree(get("/api/model-card?modelId=" + modelId));

    // then: cmf-protocol.md, section 1.2, element [1]
    final JsonNode execution = card.get(1).get(0);
    assertThat(execution.path("Execution_uuid").asText()).isEqualTo(train);
    assertThat(execution.path("Context_ID").asLong()).isEqualTo(trainStageId);
    assertThat(execution.path("Pipeline_id").asLong()).isEqualTo(pipelineId);
    assertThat(execution.path("Execution").asText()).isEqualTo("['src/train.py']");
    assertThat(execution.has("Git_Start_Commit")).isFalse();
    assertThat(execution.has("Git_End_Commit")).isFalse();
  }

  @Test
  void shouldPullThemAsBareTokensAsPythonsJsonWritesThem() throws Exception {
    // when
    final String pull = client.toBlocking().retrieve(HttpRequest.POST("/api/mlmd_pull", Map.of("pipeline_name", pipeline)));

    // then
    assertThat(pull).contains("\"accuracy\":NaN").contains("\"loss\":-Infinity").contains("\"epochs\":3");
    final JsonNode custom = LENIENT.readTree(pull).findParents("uri").stream().filter(a -> a.path("uri").asText().equals(model))
        .findFirst().orElseThrow().path("custom_properties");
    assertThat(custom.path("accuracy").isDouble()).isTrue();
    assertThat(custom.path("accuracy").asDouble()).isNaN();
    assertThat(custom.path("loss").asDouble()).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void shouldKeepTheV1ApiValidJsonWithThemAsStrings() throws Exception {
    // when
    final JsonNode metadata = STRICT.readTree(get("/api/v1/artifacts/" + model + "/metadata"));

    // then
    assertThat(metadata.toString()).contains("\"accuracy\":\"NaN\"").contains("\"loss\":\"-Infinity\"");
  }

  @Test
  void shouldReturnWhatReachedTheServerAfterTheLastSyncWhateverItsSiteTime() throws Exception {
    // when
    final String pull = client.toBlocking().retrieve(HttpRequest.POST("/api/mlmd_pull", Map.of("last_sync_time", LAST_SYNC)));

    // then: Train (old site time, new here) and its stage; not Prepare (new site time, old here)
    final JsonNode ours = mine(LENIENT.readTree(pull));
    final List<String> stages = new ArrayList<>();
    final List<String> executions = new ArrayList<>();
    ours.path("stages").forEach(s -> {
      stages.add(s.path("name").asText());
      s.path("executions").forEach(e -> executions.add(e.path("properties").path("Execution_uuid").asText()));
    });
    assertThat(stages).containsExactly(pipeline + "/Train");
    assertThat(executions).containsExactly(train);
  }

  @Test
  void shouldReturnNothingOfThePipelineAfterItsLastArrival() throws Exception {
    // when
    final String pull = client.toBlocking().retrieve(HttpRequest.POST("/api/mlmd_pull", Map.of("last_sync_time", 3_000L)));

    // then
    assertThat(mine(LENIENT.readTree(pull)).isMissingNode()).isTrue();
  }

  private JsonNode mine(final JsonNode dump) {
    for (final JsonNode p : dump.path("Pipeline")) {
      if (p.path("name").asText().equals(pipeline)) {
        return p;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private String get(final String uri) {
    return client.toBlocking().retrieve(HttpRequest.GET(uri));
  }

  private void execution(final Connection c, final String uuid, final String stage, final long updated, final long synced) throws SQLException {
    update(c, "INSERT INTO executions (uuid, pipeline, stage, type, name, properties, custom_properties, uuids, created, first_seen, id, updated, synced) "
            + "VALUES (?, ?, ?, ?, '', ?::jsonb, '{}', ?, ?, ?, ?, ?, ?)",
        uuid, pipeline, pipeline + "/" + stage, pipeline + "/" + stage,
        "{\"Execution\": \"['src/" + stage.toLowerCase(java.util.Locale.ROOT) + ".py']\", \"Git_Start_Commit\": \"abc\", \"Git_End_Commit\": \"def\"}",
        new String[] {uuid}, updated, updated, id(), updated, synced);
  }

  private static void event(final Connection c, final String execution, final String artifact, final String direction) throws SQLException {
    update(c, "INSERT INTO events (execution_uuid, artifact_uri, direction, first_seen) VALUES (?, ?, ?, 100)", execution, artifact, direction);
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

  private static String md5() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** An id as the sink derives them: 52 bits, here random, so that runs on one stack never collide. */
  private static long id() {
    return ThreadLocalRandom.current().nextLong(1L << 52);
  }
}
