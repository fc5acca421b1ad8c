// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import org.cmfstream.deploy.stack.LoopbackPorts;

/**
 * {@code ./cmf-stream up} run as a user runs it: the launcher in a JVM of its own, on a data
 * directory and a front-door port of the test's choosing, with the URLs it prints and plain HTTP
 * calls through its front door.
 */
public final class RunningCmfStream implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
  private static final Pattern URL_LINE = Pattern.compile("^\\s+(front door|replay|ingest|query)\\s+(http://\\S+?)(/health)?(\\s.*)?$");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Path dataDir;
  private final int port;
  private final Process launcher;
  private final Map<String, URI> urls;
  private final double readySeconds;

  private RunningCmfStream(final Path dataDir) throws IOException, InterruptedException {
    this.dataDir = dataDir;
    this.port = LoopbackPorts.free();
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
    readySeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("cmf-stream up was ready after %.1f s%n", readySeconds);
  }

  public static RunningCmfStream start(final Path dataDir) throws IOException, InterruptedException {
    return new RunningCmfStream(dataDir);
  }

  public Process launcher() {
    return launcher;
  }

  int port() {
    return port;
  }

  public Map<String, URI> urls() {
    return urls;
  }

  public URI frontDoor(final String path) {
    return urls.get("front door").resolve(path);
  }

  HttpResponse<String> get(final String path) throws IOException, InterruptedException {
    return get(frontDoor(path));
  }

  HttpResponse<String> get(final URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(final String path, final String type, final byte[] body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(frontDoor(path)).header("Content-Type", type).timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(final String path, final String json) throws IOException, InterruptedException {
    return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** The launcher's children, and the postmaster, which pg_ctl detached from every JVM. */
  List<Long> processes() throws IOException {
    final List<Long> pids = new ArrayList<>();
    launcher.descendants().forEach(p -> pids.add(p.pid()));
    final Path pidFile = dataDir.resolve("postgres/data/postmaster.pid");
    final long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    pids.add(postmaster);
    ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::descendants).forEach(p -> pids.add(p.pid()));
    return pids;
  }

  public static byte[] resource(final String name) throws IOException {
    try (var in = RunningCmfStream.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  /** SIGTERM, as Ctrl-C sends it; waits for the launcher to stop everything. */
  public void stop() throws InterruptedException {
    launcher.destroy();
    if (!launcher.waitFor(90, TimeUnit.SECONDS)) {
      launcher.destroyForcibly();
    }
  }

  /**
   * Stops everything as {@link #stop} does, so that no server is still writing into the data
   * directory when a test's temporary directory is deleted (PostgreSQL's statistics files were);
   * forcibly if that does not end it.
   */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      launcher.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, URI> awaitReady(final Process launcher) throws InterruptedException {
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

}
