// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.ingest.Http.contentType;
import static org.cmfstream.ingest.Http.json;
import static org.cmfstream.ingest.Http.text;
import static org.cmfstream.ingest.StorageClient.md5;
import static org.cmfstream.ingest.StorageClient.randomBytes;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cmf side files (cmf-protocol.md, section 1.1) in the stack's real S3 server (issue #6):
 * every route, with and without {@code /api}, as the cmf client sends them (multipart, field
 * {@code file}), and every kind of bad name. What is stored is checked in the bucket itself.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SideFilesIT implements TestPropertyProvider {

  private static final String ENV = "cmf-server/data/env/";
  private static final String LABELS = "cmf-server/data/labels/";
  private static final String TENSORBOARD = "cmf-server/data/tensorboard-logs/";
  private static final int LIMIT = 7 * 1024 * 1024;

  @Inject
  EmbeddedServer server;

  private Http http;
  private StorageClient storage;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.storage.part-size", Integer.toString(5 * 1024 * 1024));
    p.put("cmfstream.storage.max-side-file-bytes", Integer.toString(LIMIT));
    return p;
  }

  @BeforeAll
  void connect() {
    http = new Http(server.getURI());
    storage = new StorageClient(SharedLocalStack.endpoints());
  }

  @AfterAll
  void disconnect() throws Exception {
    storage.close();
  }

  private static String unique(final String prefix) {
    return UniqueNames.of(prefix);
  }

  private static String query(final String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Nested
  class PythonEnv {

    @Test
    void shouldStoreAnEnvironmentUnderItsBaseNameAndServeItAsText() throws Exception {
      // given: the name the cmf client sends, with its directory
      final String file = unique("python_env") + ".txt";
      final byte[] content = "numpy==1.26.4\npandas==2.2.2\n".getBytes(StandardCharsets.UTF_8);

      // when
      final HttpResponse<byte[]> post = http.postFile("/api/python-env", "cmf_artifacts/" + file, content);

      // then
      assertThat(post.statusCode()).as(text(post)).isEqualTo(200);
      assertThat(contentType(post)).startsWith("application/json");
      assertThat(json(post)).containsEntry("message", "File 'cmf_artifacts/" + file + "' uploaded successfully");
      assertThat(storage.read(ENV + file)).isEqualTo(content);
      // and: read back by its name, with or without the directory and the /api prefix
      final HttpResponse<byte[]> get = http.get("/api/python-env?file_name=" + file);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(contentType(get)).startsWith("text/plain");
      assertThat(get.body()).isEqualTo(content);
      assertThat(http.get("/python-env?file_name=cmf_artifacts/" + file).body()).isEqualTo(content);
      final HttpResponse<byte[]> head = http.head("/api/python-env?file_name=" + file);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
      assertThat(http.head("/api/python-env?file_name=" + unique("absent") + ".txt").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldOverwriteAnEnvironmentSentAgain() throws Exception {
      final String file = unique("python_env") + ".yaml";
      http.postFile("/python-env", file, "name: one\n".getBytes(StandardCharsets.UTF_8));

      final HttpResponse<byte[]> again = http.postFile("/python-env", file, "name: two\n".getBytes(StandardCharsets.UTF_8));

      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(text(http.get("/api/python-env?file_name=" + file))).isEqualTo("name: two\n");
    }

    @Test
    void shouldStoreAFileOfSeveralPartsAndRefuseOneOverTheLimit() throws Exception {
      final String big = unique("python_env") + ".txt";
      final String tooBig = unique("python_env") + ".txt";
      final byte[] content = randomBytes(6 * 1024 * 1024, 7);

      final HttpResponse<byte[]> stored = http.postFile("/api/python-env", big, content);
      final HttpResponse<byte[]> refused = http.postFile("/api/python-env", tooBig, randomBytes(LIMIT + 1, 8));

      assertThat(stored.statusCode()).isEqualTo(200);
      assertThat(md5(storage.read(ENV + big))).isEqualTo(md5(content));
      assertThat(refused.statusCode()).isEqualTo(413);
      assertThat(json(refused)).containsKey("detail");
      assertThat(storage.exists(ENV + tooBig)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"env.csv", "env.txt.bak", "env", "env.TXT"})
    void shouldRefuseAnotherExtensionAsTheRealServerDoes(final String file) {
      final HttpResponse<byte[]> get = http.get("/api/python-env?file_name=" + file);

      assertThat(get.statusCode()).isEqualTo(400);
      assertThat(json(get)).containsEntry("detail", "Unsupported file extension. Use .txt or .yaml");
    }

    @Test
    void shouldAnswerAnUnknownFileWith404() {
      final HttpResponse<byte[]> get = http.get("/api/python-env?file_name=" + unique("absent") + ".txt");

      assertThat(get.statusCode()).isEqualTo(404);
      assertThat(json(get)).containsEntry("detail", "File not found");
    }
  }

  @Nested
  class Labels {

    @Test
    void shouldStoreALabelOnceAndKeepTheFirst() throws Exception {
      // given: a label file named by its md5, as the cmf client sends it
      final byte[] first = ("id,label\n1," + unique("cat") + "\n").getBytes(StandardCharsets.UTF_8);
      final String name = md5(first);

      // when
      final HttpResponse<byte[]> post = http.postFile("/api/label", name, first);
      final HttpResponse<byte[]> again = http.postFile("/label", name, "id,label\n1,dog\n".getBytes(StandardCharsets.UTF_8));

      // then
      assertThat(post.statusCode()).isEqualTo(200);
      assertThat(contentType(post)).startsWith("application/json");
      assertThat(json(post).get("message").toString()).startsWith("File '" + name + "' uploaded successfully to ");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(json(again).get("message").toString()).startsWith("File '" + name + "' already exists at ").endsWith(". Skipping upload.");
      assertThat(storage.read(LABELS + name)).isEqualTo(first);
      final HttpResponse<byte[]> get = http.get("/api/label-data?file_name=" + name);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(contentType(get)).startsWith("text/plain");
      assertThat(get.body()).isEqualTo(first);
      assertThat(http.head("/label-data?file_name=" + name).headers().firstValueAsLong("Content-Length")).hasValue(first.length);
    }

    @Test
    void shouldLetExactlyOneOfConcurrentUploadsWriteALabel() throws Exception {
      // given: six clients racing to write six different contents under one name
      final String name = md5(unique("race").getBytes(StandardCharsets.UTF_8));
      final int clients = 6;
      final CountDownLatch start = new CountDownLatch(1);
      final ExecutorService pool = Executors.newFixedThreadPool(clients);
      final List<Future<HttpResponse<byte[]>>> posts = new ArrayList<>();
      try {
        for (int i = 0; i < clients; i++) {
          final byte[] content = ("id,label\n1,writer-" + i + "\n").getBytes(StandardCharsets.UTF_8);
          posts.add(pool.submit((Callable<HttpResponse<byte[]>>) () -> {
            start.await();
            return http.postFile("/api/label", name, content);
          }));
        }
        // when
        start.countDown();

        // then: one stored, every other one was told it exists, and the stored one is whole
        final List<String> messages = new ArrayList<>();
        for (final Future<HttpResponse<byte[]>> post : posts) {
          assertThat(post.get().statusCode()).isEqualTo(200);
          messages.add(json(post.get()).get("message").toString());
        }
        assertThat(messages).filteredOn(m -> m.contains("uploaded successfully")).hasSize(1);
        assertThat(messages).filteredOn(m -> m.contains("already exists")).hasSize(clients - 1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(new String(storage.read(LABELS + name), StandardCharsets.UTF_8)).matches("id,label\n1,writer-[0-5]\n");
    }

    @Test
    void shouldAnswerAnUnknownLabelWith404() {
      final HttpResponse<byte[]> get = http.get("/label-data?file_name=" + md5(unique("absent").getBytes(StandardCharsets.UTF_8)));

      assertThat(get.statusCode()).isEqualTo(404);
      assertThat(json(get)).containsEntry("detail", "File not found");
    }
  }

  @Nested
  class Tensorboard {

    @Test
    void shouldStoreALogUnderItsPipelineAndRelativePath() throws Exception {
      final String pipeline = unique("Test-env");
      final byte[] log = randomBytes(4096, 11);

      final HttpResponse<byte[]> post = http.postFile("/api/tensorboard?pipeline_name=" + pipeline, "logs/train/events.out.tfevents.1", log);
      final HttpResponse<byte[]> second = http.postFile("/tensorboard?pipeline_name=" + pipeline, "logs/eval/events.out.tfevents.2", log);

      assertThat(post.statusCode()).as(text(post)).isEqualTo(200);
      assertThat(contentType(post)).startsWith("application/json");
      assertThat(json(post)).containsKey("message");
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(storage.keys(TENSORBOARD + pipeline + "/")).containsExactlyInAnyOrder(
          TENSORBOARD + pipeline + "/logs/train/events.out.tfevents.1", TENSORBOARD + pipeline + "/logs/eval/events.out.tfevents.2");
      assertThat(storage.read(TENSORBOARD + pipeline + "/logs/train/events.out.tfevents.1")).isEqualTo(log);
    }

    @Test
    void shouldAnswerAMissingPipelineAsFastApiDoes() {
      final HttpResponse<byte[]> post = http.postFile("/api/tensorboard", "events.out.tfevents.1", new byte[] {1});

      assertThat(post.statusCode()).isEqualTo(422);
      assertThat(json(post).get("detail")).asInstanceOf(InstanceOfAssertFactories.LIST).first().asInstanceOf(InstanceOfAssertFactories.MAP)
          .containsEntry("loc", List.of("query", "pipeline_name"));
    }
  }

  @Nested
  class DownloadPythonEnv {

    @Test
    void shouldZipTheNamedEnvironmentsOrAllOfThem() throws Exception {
      // given
      final String a = unique("python_env") + ".txt";
      final String b = unique("python_env") + ".yaml";
      http.postFile("/api/python-env", "cmf_artifacts/" + a, "a==1\n".getBytes(StandardCharsets.UTF_8));
      http.postFile("/api/python-env", b, "b: 2\n".getBytes(StandardCharsets.UTF_8));

      // when
      final HttpResponse<byte[]> named = http.get("/api/download-python-env?list_of_files=" + a + "&list_of_files=" + b);
      final HttpResponse<byte[]> all = http.get("/download-python-env");

      // then
      assertThat(named.statusCode()).isEqualTo(200);
      assertThat(contentType(named)).isEqualTo("application/zip");
      assertThat(named.headers().firstValue("Content-Disposition")).get().asString().startsWith("attachment").contains("python_env_files.zip");
      assertThat(unzip(named.body())).isEqualTo(Map.of(a, "a==1\n", b, "b: 2\n"));
      assertThat(all.statusCode()).isEqualTo(200);
      assertThat(all.headers().firstValue("Content-Disposition")).get().asString().contains("python_env_folder.zip");
      assertThat(unzip(all.body())).containsEntry(a, "a==1\n").containsEntry(b, "b: 2\n");
      // An archive that only exists once it is made has no HEAD.
      assertThat(http.head("/api/download-python-env").statusCode()).isEqualTo(405);
    }

    @Test
    void shouldAnswerAnUnknownNamedFileWith200AndAnErrorAsTheRealServerDoes() {
      // given
      final String absent = unique("absent") + ".txt";

      // when
      final HttpResponse<byte[]> get = http.get("/api/download-python-env?list_of_files=" + absent);

      // then: cmf-protocol.md, section 1.1, "Errors are 200 {"error": ...}"
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(json(get)).containsExactly(Map.entry("error", "File " + absent + " does not exist"));
    }

    private Map<String, String> unzip(final byte[] zip) throws IOException {
      final Map<String, String> entries = new HashMap<>();
      try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
        for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
          entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      return entries;
    }
  }

  /** Issue #7: a multipart body cut before its closing boundary was stored as if it were whole. */
  @Nested
  class CutBodies {

    @ParameterizedTest(name = "{0} without its last {1} bytes")
    @CsvSource({"/api/python-env, 3", "/api/python-env, 10", "/api/label, 10", "/api/tensorboard?pipeline_name=p, 10", "/api/python-env, 20"})
    void shouldStoreNothingOfABodyCutBeforeItsClosingBoundary(final String route, final int cut) throws Exception {
      // given: a whole file part, and the body cut in its closing boundary or in the file's delimiter
      final String name = unique("never_stored") + ".txt";
      final String boundary = "cut" + unique("b").replace("-", "");
      final byte[] whole = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
          + "Content-Type: text/plain\r\n\r\nnumpy==1.26.4\n\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
      final byte[] body = java.util.Arrays.copyOf(whole, whole.length - cut);

      // when
      final HttpResponse<byte[]> post = http.send(http.request(route).header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

      // then
      assertThat(post.statusCode()).as(text(post)).isEqualTo(400);
      assertThat(contentType(post)).startsWith("application/json");
      assertThat(json(post)).containsEntry("status", "malformed-multipart");
      assertThat(storage.keys("cmf-server/")).noneMatch(k -> k.endsWith(name));
    }

    @Test
    void shouldStoreABodyWhoseClosingBoundaryHasNoLineBreak() throws Exception {
      // given: RFC 2046 makes the line break after the closing boundary optional
      final String name = unique("python_env") + ".txt";
      final String boundary = "nolf" + unique("b").replace("-", "");
      final byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n\r\nx==1\n\r\n--"
          + boundary + "--").getBytes(StandardCharsets.UTF_8);

      // when
      final HttpResponse<byte[]> post = http.send(http.request("/api/python-env").header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

      // then
      assertThat(post.statusCode()).as(text(post)).isEqualTo(200);
      assertThat(storage.read(ENV + name)).isEqualTo("x==1\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Nested
  class BadNames {

    /** Names that must never become a key or a path: traversal, absolute paths, directories. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"../../etc/passwd.txt", "a/../../b.txt", "cmf_artifacts/../../../x.txt", "/etc/passwd.txt", "/", "dir/.txt/", "..", "."})
    void shouldRefuseABadUploadedFileNameOnEveryUploadRoute(final String name) throws Exception {
      final List<String> before = storage.keys("cmf-server/");
      for (final String route : List.of("/api/python-env", "/api/label", "/api/tensorboard?pipeline_name=p")) {
        // when
        final HttpResponse<byte[]> post = http.postFile(route, name, "x".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(post.statusCode()).as(route + " " + text(post)).isEqualTo(400);
        assertThat(contentType(post)).startsWith("application/json");
        assertThat(json(post)).containsEntry("status", "invalid-file-name").containsKey("detail");
      }
      assertThat(storage.keys("cmf-server/")).isEqualTo(before);
    }

    /**
     * Issue #7: control characters, backslashes and drive letters in a multipart file name reach
     * the route as sent (the framework's form decoder blanked or dropped them first, so {@code
     * ..\..\x.txt} was stored as {@code ....x.txt}), and are refused with a 400 that names the
     * problem. Names are written into the quoted-string as given; urllib3 doubles a backslash.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("org.cmfstream.ingest.SideFilesIT#hostileFileNames")
    void shouldRefuseAFileNameWithAControlCharacterABackslashPathOrADrive(final String sent, final String problem) throws Exception {
      final List<String> before = storage.keys("cmf-server/");
      for (final String route : List.of("/api/python-env", "/api/label", "/api/tensorboard?pipeline_name=p")) {
        // when
        final HttpResponse<byte[]> post = http.postFile(route, sent, "x".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(post.statusCode()).as(route + " " + text(post)).isEqualTo(400);
        assertThat(contentType(post)).startsWith("application/json");
        assertThat(json(post)).containsEntry("status", "invalid-file-name");
        assertThat(json(post).get("detail").toString()).startsWith("file name '").contains(problem);
      }
      assertThat(storage.keys("cmf-server/")).isEqualTo(before);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"../../etc/passwd.txt", "/etc/passwd.txt", "C:\\x.txt", "\\\\host\\x.txt", "a\u0000b.txt", "line\nbreak.txt", "tab\tstop.txt",
        "esc\u001b.txt", "del\u007f.txt", "..", "dir/", "dir/."})
    void shouldRefuseABadRequestedFileNameOnEveryReadRoute(final String name) {
      for (final String route : List.of("/api/python-env?file_name=", "/api/label-data?file_name=", "/api/download-python-env?list_of_files=")) {
        final HttpResponse<byte[]> get = http.get(route + query(name));

        assertThat(get.statusCode()).as(route).isEqualTo(400);
        // python-env checks the extension first, as the real server does: ".." has none.
        final boolean extensionFirst = route.startsWith("/api/python-env") && !name.endsWith(".txt");
        assertThat(json(get)).containsEntry("status", extensionFirst ? "unsupported_extension" : "invalid-file-name");
      }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"a/b", "..", ".", "x\u0001y", "/abs"})
    void shouldRefuseABadPipelineNameForTensorboard(final String pipeline) throws Exception {
      final List<String> before = storage.keys(TENSORBOARD);

      final HttpResponse<byte[]> post = http.postFile("/api/tensorboard?pipeline_name=" + query(pipeline), "events.out.tfevents.1", new byte[] {1});

      assertThat(post.statusCode()).isEqualTo(400);
      assertThat(json(post)).containsEntry("status", "invalid-file-name");
      assertThat(storage.keys(TENSORBOARD)).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/api/python-env, file", "/api/label, file", "/api/tensorboard?pipeline_name=p, file"})
    void shouldAnswerAMissingFilePartAsFastApiDoes(final String route, final String field) {
      final HttpResponse<byte[]> post = http.postFormWithoutFile(route);

      assertThat(post.statusCode()).isEqualTo(422);
      assertThat(json(post).get("detail")).asInstanceOf(InstanceOfAssertFactories.LIST).first().asInstanceOf(InstanceOfAssertFactories.MAP)
          .containsEntry("type", "missing").containsEntry("loc", List.of("body", field));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/api/python-env", "/api/label-data"})
    void shouldAnswerAMissingFileNameAsFastApiDoes(final String route) {
      final HttpResponse<byte[]> get = http.get(route);

      assertThat(get.statusCode()).isEqualTo(422);
      assertThat(json(get).get("detail")).asInstanceOf(InstanceOfAssertFactories.LIST).first().asInstanceOf(InstanceOfAssertFactories.MAP)
          .containsEntry("loc", List.of("query", "file_name"));
    }

    @Test
    void shouldRefuseAnUploadThatIsNoForm() {
      final HttpResponse<byte[]> post = http.send(http.request("/api/python-env").header("Content-Type", "text/plain")
          .POST(HttpRequest.BodyPublishers.ofString("numpy==1\n")));

      assertThat(post.statusCode()).isBetween(400, 499);
      assertThat(contentType(post)).contains("json");
    }
  }

  static Stream<Arguments> hostileFileNames() {
    return Stream.of(
        Arguments.of("..\\\\..\\\\x.txt", "climbs out of its directory"),
        Arguments.of("a\\\\..\\\\..\\\\b.txt", "climbs out of its directory"),
        Arguments.of("\\\\windows\\\\win.ini", "absolute path"),
        Arguments.of("C:\\Windows\\x.txt", "absolute path"),
        Arguments.of("\\\\host\\share\\x.txt", "absolute path"),
        Arguments.of("nul\u0000byte.txt", "control character U+0000"),
        Arguments.of("bell\u0007.txt", "control character U+0007"),
        Arguments.of("tab\tstop.txt", "control character U+0009"),
        Arguments.of("del\u007f.txt", "control character U+007F"),
        Arguments.of("esc\u001b[31m.txt", "control character U+001B"));
  }
}
