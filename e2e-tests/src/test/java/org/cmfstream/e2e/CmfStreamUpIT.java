// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cmfstream.deploy.stack.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./cmf-stream up} as a user runs it: the launcher in a JVM of its own starts the stack,
 * the three services and the front door from their packaged jars, and reports every health
 * endpoint UP; uploads through the front door are replayed and answered as the cmf client expects;
 * and SIGTERM (what Ctrl-C and {@code kill} send) leaves no process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CmfStreamUpIT {

  @TempDir static Path dataDir;

  private RunningCmfStream cmf;

  @BeforeAll
  void launch() throws Exception {
    cmf = RunningCmfStream.start(dataDir);
  }

  @AfterAll
  void killWhatIsLeft() {
    if (cmf != null) {
      cmf.close();
    }
  }

  @Test
  @Order(1)
  void shouldReportEveryServiceHealthy() throws Exception {
    // the front door on the requested port, and every service healthy
    final Map<String, URI> urls = cmf.urls();
    assertThat(urls).containsOnlyKeys("front door", "replay", "ingest", "query");
    assertThat(urls.get("front door")).isEqualTo(URI.create("http://127.0.0.1:" + cmf.port()));
    for (final Map.Entry<String, URI> service : urls.entrySet()) {
      final HttpResponse<String> health = cmf.get(service.getValue().resolve("/health"));
      assertThat(health.statusCode()).as(service.getKey()).isEqualTo(200);
      assertThat(health.body()).as(service.getKey()).contains("\"status\":\"UP\"");
    }
    // and: the front door's own health covers both services behind it
    assertThat(cmf.get("/health").body()).contains("\"ingest\"").contains("\"query\"");
    // and: a read through the front door reaches query-service, as the cmf client sends it
    final HttpResponse<String> root = cmf.get("/api/");
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("[\"cmf-server\"]");
  }

  @Test
  @Order(2)
  void shouldAnswerAPushSuccessOnceAppliedAndExistsWhenItChangesNothing() throws Exception {
    final byte[] push = RunningCmfStream.resource("/cmf/synthetic_mlmd_push_request_body.json");

    final HttpResponse<String> first = cmf.post("/api/mlmd_push", "application/json", push);
    final HttpResponse<String> again = cmf.post("/api/mlmd_push", "application/json", push);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).contains("\"status\":\"success\"").contains("\"applied\":true");
    assertThat(again.body()).contains("\"status\":\"exists\"").contains("\"applied\":true");
  }

  /**
   * The second push's execution contradicts the first's type, 600 KB each: kept side by side the
   * state would pass Kafka's record limit, so the replay refuses the record. The push answered
   * "exists" (nothing new was counted), telling the client the server held what it had refused.
   */
  @Test
  @Order(3)
  void shouldAnswerAPushWhoseRecordTheReplayRefusedWithAnError() throws Exception {
    // given
    final HttpResponse<String> first = cmf.post("/api/mlmd_push", "application/json", pushOfOneExecutionOfType("A".repeat(600_000)));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

    // when
    final HttpResponse<String> conflicting = cmf.post("/api/mlmd_push", "application/json", pushOfOneExecutionOfType("B".repeat(600_000)));

    // then
    assertThat(conflicting.statusCode()).as(conflicting.body()).isEqualTo(422);
    assertThat(conflicting.body()).contains("\"status\":\"records_refused\"").contains("1 of the push's 3 records were refused");
  }

  private static byte[] pushOfOneExecutionOfType(final String type) throws Exception {
    final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    final String dump = "{\"Pipeline\":[{\"name\":\"huge-types\",\"stages\":[{\"name\":\"huge-types/Train\",\"executions\":[{\"name\":\"train\","
        + "\"type\":\"" + type + "\",\"properties\":{\"Execution_uuid\":\"9d3f0c2e-0000-11ef-8000-00000000beef\"},\"events\":[]}]}]}]}";
    return json.writeValueAsBytes(Map.of("pipeline_name", "huge-types", "json_payload", dump));
  }

  @Test
  @Order(4)
  void shouldApplyANativeUploadAndMoveTheSitesWatermark() throws Exception {
    final String ndjson =
        "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"edge-pipeline\"}}\n"
            + "{\"seq\":2,\"kind\":\"artifact\",\"fact\":{\"uri\":\"5eed0000000000000000000000000001\",\"type\":\"Dataset\",\"name\":\"d.csv\"}}\n"
            + "{\"seq\":3,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e-1\",\"artifactUri\":\"5eed0000000000000000000000000001\",\"direction\":\"INPUT\"}}\n";

    final HttpResponse<String> upload = cmf.post("/api/v1/sites/edge-e2e/journal", "application/x-ndjson", ndjson.getBytes(StandardCharsets.UTF_8));
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    final String receipt = upload.body().replaceAll(".*\"receipt\":\"([^\"]+)\".*", "$1");

    await("the upload applied").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> cmf.get("/api/v1/receipts/" + receipt).body().contains("\"status\":\"APPLIED\""));
    final String applied = cmf.get("/api/v1/receipts/" + receipt).body();
    assertThat(applied).contains("\"records\":3").contains("\"fresh\":3").contains("\"duplicates\":0");
    final String watermark = cmf.get("/api/v1/sites/edge-e2e/watermark").body();
    assertThat(watermark).contains("\"completeThrough\":3").contains("\"resumeFrom\":4").contains("\"exact\":true");
    // and: the query side lists the site's watermark too
    assertThat(cmf.get("/api/v1/watermarks").body()).contains("{\"site\":\"edge-e2e\",\"completeThrough\":3,\"gaps\":[]}");
  }

  @Test
  @Order(5)
  void shouldStopEverythingOnSigterm() throws Exception {
    final List<Long> pids = cmf.processes();
    // 4 server JVMs, the postmaster (and its backends), 3 services, the front door
    assertThat(pids).hasSizeGreaterThanOrEqualTo(9);

    // when: Ctrl-C or kill
    cmf.launcher().destroy();

    // then
    assertThat(cmf.launcher().waitFor(90, TimeUnit.SECONDS)).isTrue();
    await("every process of cmf-stream has exited")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Processes.running(pids)).isEmpty());
  }
}
