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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./cmf-stream up} as a user runs it: the launcher in a JVM of its own starts the stack,
 * the three services and the front door from their packaged jars, reports every health endpoint
 * UP, and leaves no process behind when it gets SIGTERM (what Ctrl-C and {@code kill} send).
 */
class CmfStreamUpIT {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern URL_LINE = Pattern.compile("^\\s+(front door|replay|ingest|query)\\s+(http://\\S+?)(/health)?(\\s.*)?$");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dataDir;

  @Test
  void shouldStartEverythingHealthyAndStopEverythingOnSigterm() throws Exception {
    // given
    final int port = freePort();
    final long started = System.nanoTime();
    final Process launcher =
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
    try {
      // when
      final Map<String, URI> urls = awaitReady(launcher);
      System.out.printf("cmf-stream up was ready after %.1f s%n", (System.nanoTime() - started) / 1e9);

      // then: the front door on the requested port, and every service healthy
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

      final List<Long> pids = processesOf(launcher);
      // 4 server JVMs, the postmaster (and its backends), 3 services, the front door
      assertThat(pids).hasSizeGreaterThanOrEqualTo(9);

      // when: Ctrl-C or kill
      launcher.destroy();

      // then
      assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
      await("every process of cmf-stream has exited")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(pids.stream().filter(CmfStreamUpIT::isRunning).toList()).isEmpty());
    } finally {
      launcher.destroyForcibly();
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

  /** Running, as the kernel sees it; a zombie waiting for a parent that is not ours is not. */
  private static boolean isRunning(final long pid) {
    try {
      final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      final char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
