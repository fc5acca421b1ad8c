// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two expected outputs the cmf repository kept for its old {@code display_executions} and
 * {@code display_artifacts} routes (fixtures/cmf/legacy_*.json). Their data is pushed as a cmf
 * client would push it (rebuilt from the fixtures: the executions' properties, the artifacts and
 * the stages that touched each), and the routes must give back every row with the same columns and
 * values, but for what only the server that answered them could know: its ids and its clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LegacyResponsesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIXED_EXECUTION_PROPERTIES = Set.of("Context_ID", "Context_Type", "Execution", "Execution_type_name",
      "Execution_uuid", "Git_End_Commit", "Git_Repo", "Git_Start_Commit", "Pipeline_Type", "Pipeline_id");
  /** The server's own ids and times: the answering server's, not the data's. */
  private static final Set<String> SERVER_COLUMNS = Set.of("Context_ID", "Pipeline_id", "id", "create_time_since_epoch", "last_update_time_since_epoch");

  @TempDir static Path dataDir;

  private RunningCmfStream cmf;
  private JsonNode executions;
  private JsonNode artifacts;

  @BeforeAll
  void launchAndPush() throws Exception {
    executions = JSON.readTree(RunningCmfStream.resource("/cmf/legacy_executions_response.json"));
    artifacts = JSON.readTree(RunningCmfStream.resource("/cmf/legacy_artifacts_response.json"));
    cmf = RunningCmfStream.start(dataDir);
    final ObjectNode request = JSON.createObjectNode();
    request.putNull("exec_uuid");
    request.put("json_payload", JSON.writeValueAsString(dump()));
    request.put("pipeline_name", "Test-env");
    final HttpResponse<String> push = cmf.post("/api/mlmd_push", JSON.writeValueAsString(request));
    assertThat(push.body()).contains("\"status\":\"success\"").contains("\"applied\":true");
  }

  @AfterAll
  void stop() throws Exception {
    if (cmf != null) {
      cmf.stop();
    }
  }

  @Test
  void shouldAnswerDisplayExecutionsAsTheLegacyFixture() throws Exception {
    final JsonNode answer = JSON.readTree(cmf.get("/api/display_executions/Test-env").body());

    assertSameRows(answer, executions);
  }

  @Test
  void shouldAnswerDisplayArtifactsAsTheLegacyFixture() throws Exception {
    final JsonNode answer = JSON.readTree(cmf.get("/api/display_artifacts/Test-env/Dataset").body());

    assertSameRows(answer, artifacts);
  }

  private static void assertSameRows(final JsonNode answer, final JsonNode expected) {
    assertThat(answer.path("total_items").asInt()).isEqualTo(expected.path("total_items").asInt());
    assertThat(answer.path("items")).hasSameSizeAs(expected.path("items"));
    for (int i = 0; i < expected.path("items").size(); i++) {
      final int row = i;
      final JsonNode want = expected.path("items").get(i);
      final JsonNode got = answer.path("items").get(i);
      assertThat(names(got)).as("columns of row %d", i).isEqualTo(names(want));
      want.fields().forEachRemaining(f -> {
        if (SERVER_COLUMNS.contains(f.getKey())) {
          return;
        }
        final JsonNode value = got.path(f.getKey());
        if (f.getValue().isNumber()) {
          assertThat(value.isNumber()).as("row %d, %s", row, f.getKey()).isTrue();
          assertThat(value.asDouble()).as("row %d, %s", row, f.getKey()).isEqualTo(f.getValue().asDouble());
        } else {
          assertThat(value).as("row %d, %s", row, f.getKey()).isEqualTo(f.getValue());
        }
      });
    }
  }

  private static Set<String> names(final JsonNode row) {
    final Set<String> names = new java.util.TreeSet<>();
    row.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * A {@code dumptojson} document that holds the fixtures' data: one execution per row of the
   * executions fixture, and each artifact of the artifacts fixture linked to the stages its row
   * names (written by the first, read by the others; the first data set is read only).
   */
  private ObjectNode dump() {
    final ObjectNode pipeline = JSON.createObjectNode();
    final ArrayNode stages = pipeline.putArray("stages");
    final Map<String, ObjectNode> executionOfStage = new java.util.LinkedHashMap<>();
    for (final JsonNode row : executions.path("items")) {
      final ObjectNode stage = stages.addObject();
      final ArrayNode list = stage.putArray("executions");
      stage.put("create_time_since_epoch", row.path("original_create_time_since_epoch").asLong());
      stage.putObject("custom_properties");
      stage.put("name", row.path("Context_Type").asText());
      stage.putObject("properties").put("Pipeline_Stage", row.path("Context_Type").asText());
      stage.put("type", "Pipeline_Stage");
      final ObjectNode execution = list.addObject();
      execution.put("type", row.path("Context_Type").asText().split("/", 2)[1]);
      execution.put("name", "");
      execution.putArray("events");
      execution.put("create_time_since_epoch", row.path("original_create_time_since_epoch").asLong());
      final ObjectNode properties = execution.putObject("properties");
      final ObjectNode custom = execution.putObject("custom_properties");
      for (final Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
        final Map.Entry<String, JsonNode> f = it.next();
        if (FIXED_EXECUTION_PROPERTIES.contains(f.getKey())) {
          properties.set(f.getKey(), f.getValue());
        } else if (!f.getValue().isNull() && !f.getKey().equals("original_create_time_since_epoch")) {
          custom.set(f.getKey(), f.getValue());
        }
      }
      executionOfStage.put(row.path("Context_Type").asText(), execution);
    }
    boolean first = true;
    for (final JsonNode row : artifacts.path("items")) {
      final ObjectNode artifact = JSON.createObjectNode();
      artifact.put("type", row.path("type").asText());
      artifact.put("create_time_since_epoch", row.path("original_create_time_since_epoch").asLong());
      final ObjectNode custom = artifact.putObject("custom_properties");
      if (!row.path("user-metadata1").isNull()) {
        custom.set("user-metadata1", row.path("user-metadata1"));
      }
      artifact.put("name", row.path("name").asText() + ":" + row.path("uri").asText());
      final ObjectNode properties = artifact.putObject("properties");
      for (final String p : List.of("Commit", "git_repo", "url")) {
        properties.set(p, row.path(p));
      }
      artifact.put("uri", row.path("uri").asText());
      final String[] touched = row.path("execution_type_name").asText().split(",\n ");
      for (int i = 0; i < touched.length; i++) {
        final ObjectNode event = ((ArrayNode) executionOfStage.get(touched[i]).path("events")).addObject();
        event.put("type", i == 0 && !first ? 4 : 3);
        event.set("artifact", artifact);
      }
      first = false;
    }
    pipeline.put("create_time_since_epoch", executions.path("items").get(0).path("original_create_time_since_epoch").asLong());
    pipeline.putObject("custom_properties");
    pipeline.put("name", "Test-env");
    pipeline.putObject("properties").put("Pipeline", "Test-env");
    pipeline.put("type", "Parent_Context");
    final ObjectNode dump = JSON.createObjectNode();
    dump.putArray("Pipeline").add(pipeline);
    return dump;
  }
}
