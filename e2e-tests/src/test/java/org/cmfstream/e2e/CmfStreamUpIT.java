// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern URL_LINE = Pattern.compile("^\\s+(front door|replay|ingest|query)\\s+(http://\\S+?)(/health)?(\\s.*)?$");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir static Path dataDir;

  private Process launcher;
  private Map<String, URI> urls;
  private int port;

  @BeforeAll
  void launch() throws Exception {
    port = freePort();
    final long started = System.nanoTime();
    launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dcmfstream.home=" + System.getProperty("cmfstream.home"),
                "org.cmfstream.deploy.up.CmfStreamUp",
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    urls = awaitReady(launcher);
    System.out.printf("cmf-stream up was ready after %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  void killWhatIsLeft() {
    if (launcher != null) {
      launcher.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void shouldReportEveryServiceHealthy() throws Exception {
    // the front door on the requested port, and every service healthy
    assertThat(urls).containsOnlyKeys("front door", "replay", "ingest", "query");
    assertThat(urls.get("front door")).isEqualTo(URI.create("http://127.0.0.1:" + port));
    for (final Map.Entry<String, URI> service : urls.entrySet()) {
      final HttpResponse<String> health = get(service.getValue().resolve("/health"));
      assertThat(health.statusCode()).as(service.getKey()).isEqualTo(200);
      assertThat(health.body()).as(service.getKey()).contains("\"status\":\"UP\"");
    }
    // and: the front door's own health covers both services behind it
    assertThat(get(urls.get("front door").resolve("/health")).body()).contains("\"ingest\"").contains("\"query\"");
    // and: a read through the front door reaches query-service, as the cmf client sends it
    final HttpResponse<String> root = get(urls.get("front door").resolve("/api/"));
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("[\"cmf-server\"]");
  }

  @Test
  @Order(2)
  void shouldAnswerAPushSuccessOnceAppliedAndExistsWhenItChangesNothing() throws Exception {
    final byte[] push = resource("/cmf/synthetic_mlmd_push_request_body.json");

    final HttpResponse<String> first = post("/api/mlmd_push", "application/json", push);
    final HttpResponse<String> again = post("/api/mlmd_push", "application/json", push);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).contains("\"status\":\"success\"").contains("\"applied\":true");
    assertThat(again.body()).contains("\"status\":\"exists\"").contains("\"applied\":true");
  }

  @Test
  @Order(3)
  void shouldApplyANativeUploadAndMoveTheSitesWatermark() throws Exception {
    final String ndjson =
        "{\"seq\":1,\"kind\":\"pipeline\",\"fact\":{\"name\":\"edge-pipeline\"}}\n"
            + "{\"seq\":2,\"kind\":\"artifact\",\"fact\":{\"uri\":\"5eed0000000000000000000000000001\",\"type\":\"Dataset\",\"name\":\"d.csv\"}}\n"
            + "{\"seq\":3,\"kind\":\"event\",\"fact\":{\"executionUuid\":\"e-1\",\"artifactUri\":\"5eed0000000000000000000000000001\",\"direction\":\"INPUT\"}}\n";

    final HttpResponse<String> upload = post("/api/v1/sites/edge-e2e/journal", "application/x-ndjson", ndjson.getBytes(StandardCharsets.UTF_8));
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    final String receipt = upload.body().replaceAll(".*\"receipt\":\"([^\"]+)\".*", "$1");

    await("the upload applied").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> get(urls.get("front door").resolve("/api/v1/receipts/" + receipt)).body().contains("\"status\":\"APPLIED\""));
    final String applied = get(urls.get("front door").resolve("/api/v1/receipts/" + receipt)).body();
    assertThat(applied).contains("\"records\":3").contains("\"fresh\":3").contains("\"duplicates\":0");
    final String watermark = get(urls.get("front door").resolve("/api/v1/sites/edge-e2e/watermark")).body();
    assertThat(watermark).contains("\"completeThrough\":3").contains("\"resumeFrom\":4").contains("\"exact\":true");
  }

  @Test
  @Order(4)
  void shouldStopEverythingOnSigterm() throws Exception {
    final List<Long> pids = processesOf(launcher);
    // 4 server JVMs, the postmaster (and its backends), 3 services, the front door
    assertThat(pids).hasSizeGreaterThanOrEqualTo(9);

    // when: Ctrl-C or kill
    launcher.destroy();

    // then
    assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
    await("every process of cmf-stream has exited")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Processes.running(pids)).isEmpty());
  }

  private HttpResponse<String> post(final String path, final String type, final byte[] body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(urls.get("front door").resolve(path)).header("Content-Type", type).timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] resource(final String name) throws IOException {
    try (var in = CmfStreamUpIT.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private Map<String, URI> awaitReady(final Process launcher) throws InterruptedException {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // The launcher ended.
              }
            });
    reader.setDaemon(true);
    reader.start();
    final Map<String, URI> urls = new LinkedHashMap<>();
    final StringBuilder output = new StringBuilder();
    final long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      final String line = lines.poll(1, TimeUnit.SECONDS);
      if (line == null) {
        if (!launcher.isAlive() && lines.isEmpty()) {
          break;
        }
        continue;
      }
      output.append(line).append('\n');
      final Matcher m = URL_LINE.matcher(line);
      if (m.matches()) {
        urls.put(m.group(1), URI.create(m.group(2)));
      }
      if (line.startsWith("Press Ctrl-C")) {
        return urls;
      }
    }
    throw new AssertionError("cmf-stream up did not report ready; its output:\n" + output);
  }

  /** The launcher's children, and the postmaster, which pg_ctl detached from every JVM. */
  private List<Long> processesOf(final Process launcher) throws IOException {
    final List<Long> pids = new ArrayList<>();
    launcher.descendants().forEach(p -> pids.add(p.pid()));
    final Path pidFile = dataDir.resolve("postgres/data/postmaster.pid");
    final long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    pids.add(postmaster);
    ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::descendants).forEach(p -> pids.add(p.pid()));
    return pids;
  }

  private HttpResponse<String> get(final URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }


  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
