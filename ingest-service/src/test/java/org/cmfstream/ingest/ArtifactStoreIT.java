// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.ingest.Http.contentType;
import static org.cmfstream.ingest.Http.json;
import static org.cmfstream.ingest.StorageClient.key;
import static org.cmfstream.ingest.StorageClient.md5;
import static org.cmfstream.ingest.StorageClient.randomBytes;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Artifact bytes in the stack's real S3 server (issue #6): the v1 routes by md5, folders, and the
 * cmf routes by pipeline and artifact name. Every check of what is stored looks into the bucket
 * itself, past ingest. Parts are 5 MiB here, so a body of a few MiB already goes up in parts.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArtifactStoreIT implements TestPropertyProvider {

  private static final int PART = 5 * 1024 * 1024;
  private static final long LIMIT = 40L * 1024 * 1024;
  private static final AtomicLong SEEDS = new AtomicLong(System.nanoTime());

  @Inject
  EmbeddedServer server;

  private Http http;
  private StorageClient storage;
  private ProjectionRows projection;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.storage.part-size", Integer.toString(PART));
    p.put("cmfstream.storage.max-artifact-bytes", Long.toString(LIMIT));
    p.put("cmfstream.storage.max-manifest-bytes", "1048576");
    return p;
  }

  @BeforeAll
  void connect() {
    http = new Http(server.getURI());
    storage = new StorageClient(SharedLocalStack.endpoints());
    projection = new ProjectionRows(SharedLocalStack.endpoints());
  }

  @AfterAll
  void disconnect() throws Exception {
    storage.close();
  }

  private static byte[] fresh(final int size) {
    return randomBytes(size, SEEDS.incrementAndGet());
  }

  @Nested
  class Bytes {

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 1024, 5 * 1024 * 1024 - 1, 5 * 1024 * 1024, 12 * 1024 * 1024 + 123})
    void shouldStoreAnArtifactWhereDvcKeepsItAndStreamItBack(final int size) throws Exception {
      // given
      final byte[] bytes = size == 0 ? new byte[0] : fresh(size);
      final String md5 = md5(bytes);

      // when
      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + md5, bytes);

      // then: stored at the DVC key, byte for byte
      assertThat(put.statusCode()).as(Http.text(put)).isIn(200, 201);
      assertThat(json(put)).containsEntry("md5", md5).containsEntry("key", key(md5)).containsEntry("size", size);
      assertThat(md5(storage.read(key(md5)))).isEqualTo(md5);
      assertThat(storage.openUploads(key(md5))).isEmpty();

      // and: read back, with and without /api
      final HttpResponse<byte[]> head = http.head("/v1/artifacts/" + md5);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(size);
      assertThat(head.headers().firstValue("ETag")).hasValue("\"" + md5 + "\"");
      final HttpResponse<byte[]> get = http.get("/api/v1/artifacts/" + md5);
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(contentType(get)).startsWith("application/octet-stream");
      assertThat(get.headers().firstValue("Accept-Ranges")).hasValue("bytes");
      assertThat(md5(get.body())).isEqualTo(md5);
    }

    @Test
    void shouldAnswerAnObjectAlreadyStoredWithoutStoringItAgain() throws Exception {
      // given: one uploaded through ingest, one pushed by a DVC client straight to the bucket
      final byte[] ours = fresh(2048);
      final byte[] dvcs = fresh(4096);
      assertThat(http.put("/api/v1/artifacts/" + md5(ours), ours).statusCode()).isEqualTo(201);
      storage.write(key(md5(dvcs)), dvcs);

      // when
      final HttpResponse<byte[]> again = http.put("/api/v1/artifacts/" + md5(ours), ours);
      final HttpResponse<byte[]> pushedByDvc = http.put("/api/v1/artifacts/" + md5(dvcs), dvcs);

      // then
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(json(again)).containsEntry("created", false).containsEntry("size", 2048);
      assertThat(pushedByDvc.statusCode()).isEqualTo(200);
      assertThat(json(pushedByDvc)).containsEntry("created", false).containsEntry("size", 4096);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1024, 11 * 1024 * 1024})
    void shouldRefuseABodyWhoseMd5IsNotItsNameAndKeepNothing(final int size) throws Exception {
      // given: the md5 of other bytes
      final byte[] bytes = fresh(size);
      final String claimed = md5(fresh(16));

      // when
      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + claimed, bytes);

      // then
      assertThat(put.statusCode()).isEqualTo(422);
      assertThat(contentType(put)).startsWith("application/problem+json");
      assertThat(json(put)).containsEntry("type", "https://cmf-stream.org/problems/md5-mismatch").containsEntry("status", 422);
      assertThat(json(put).get("detail").toString()).contains(md5(bytes));
      // and: nothing under either md5, and no parts left behind
      assertThat(storage.keys(key(claimed))).isEmpty();
      assertThat(storage.keys(key(md5(bytes)))).isEmpty();
      assertThat(storage.openUploads(key(claimed))).isEmpty();
    }

    @Test
    void shouldRefuseABodyOverTheLimitDeclaredOrStreamedAndKeepNothing() throws Exception {
      // given
      final byte[] bytes = fresh((int) LIMIT + 1);
      final String md5 = md5(bytes);

      // when: once with a Content-Length, once chunked, where only reading finds the size out
      final HttpResponse<byte[]> declared = http.put("/api/v1/artifacts/" + md5, bytes);
      final HttpResponse<byte[]> chunked = http.send(http.request("/api/v1/artifacts/" + md5)
          .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));

      // then
      assertThat(declared.statusCode()).isEqualTo(413);
      assertThat(json(declared)).containsEntry("type", "https://cmf-stream.org/problems/body-too-large");
      assertThat(chunked.statusCode()).isEqualTo(413);
      assertThat(storage.exists(key(md5))).isFalse();
      assertThat(storage.openUploads(key(md5))).isEmpty();
    }

    @Test
    void shouldStoreOneObjectWhenManyUploadItAtOnce() throws Exception {
      // given
      final byte[] bytes = fresh(12 * 1024 * 1024);
      final String md5 = md5(bytes);
      final int clients = 6;
      final CountDownLatch start = new CountDownLatch(1);
      final ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        // when
        final List<Future<HttpResponse<byte[]>>> puts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          puts.add(pool.submit((Callable<HttpResponse<byte[]>>) () -> {
            start.await();
            return http.put("/api/v1/artifacts/" + md5, bytes);
          }));
        }
        start.countDown();

        // then: every one succeeds, and the object is whole
        for (final Future<HttpResponse<byte[]>> put : puts) {
          final HttpResponse<byte[]> response = put.get();
          assertThat(response.statusCode()).as(Http.text(response)).isIn(200, 201);
          assertThat(json(response)).containsEntry("size", bytes.length);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(md5(storage.read(key(md5)))).isEqualTo(md5);
      assertThat(md5(http.get("/api/v1/artifacts/" + md5).body())).isEqualTo(md5);
      assertThat(storage.openUploads(key(md5))).isEmpty();
    }

    @Test
    void shouldAnswerAnUnknownObjectWith404() {
      final String md5 = md5(fresh(8));

      final HttpResponse<byte[]> get = http.get("/api/v1/artifacts/" + md5);

      assertThat(get.statusCode()).isEqualTo(404);
      assertThat(contentType(get)).startsWith("application/problem+json");
      assertThat(json(get)).containsEntry("type", "https://cmf-stream.org/problems/artifact-not-found");
      assertThat(http.head("/api/v1/artifacts/" + md5).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not-an-md5", "0123456789abcdef", "0123456789abcdef0123456789abcdeg", "..%2F..%2Fetc%2Fpasswd", "0123456789abcdef0123456789abcdef.zip"})
    void shouldRefuseAPathThatIsNoMd5(final String object) {
      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + object, new byte[] {1});
      final HttpResponse<byte[]> get = http.get("/api/v1/artifacts/" + object);

      assertThat(put.statusCode()).isEqualTo(400);
      assertThat(contentType(put)).startsWith("application/problem+json");
      assertThat(json(put)).containsEntry("type", "https://cmf-stream.org/problems/invalid-md5");
      assertThat(get.statusCode()).isEqualTo(400);
      assertThat(http.head("/api/v1/artifacts/" + object).statusCode()).isEqualTo(400);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Ranges {

    private byte[] bytes;
    private String md5;

    @BeforeAll
    void store() {
      // Larger than a part, so that a range may span two of them.
      bytes = fresh(PART + 10_000);
      md5 = md5(bytes);
      assertThat(http.put("/api/v1/artifacts/" + md5, bytes).statusCode()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "'bytes=0-99', 0, 100",
      "'bytes=5242000-5242999', 5242000, 1000",
      "'bytes=5243000-', 5243000, 9880",
      "'bytes=-10', 5252870, 10",
      "'bytes=5252879-99999999', 5252879, 1",
    })
    void shouldServeTheRangeAskedFor(final String range, final int offset, final int length) {
      // when
      final HttpResponse<byte[]> get = http.get("/api/v1/artifacts/" + md5, "Range", range);

      // then
      assertThat(get.statusCode()).isEqualTo(206);
      assertThat(get.headers().firstValue("Content-Range")).hasValue("bytes " + offset + "-" + (offset + length - 1) + "/" + bytes.length);
      assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(length);
      assertThat(get.body()).isEqualTo(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    @Test
    void shouldAnswerARangeBeyondTheEndWith416() {
      final HttpResponse<byte[]> get = http.get("/api/v1/artifacts/" + md5, "Range", "bytes=" + bytes.length + "-");

      assertThat(get.statusCode()).isEqualTo(416);
      assertThat(get.headers().firstValue("Content-Range")).hasValue("bytes */" + bytes.length);
      assertThat(json(get)).containsEntry("type", "https://cmf-stream.org/problems/range-not-satisfiable");
    }

    @Test
    void shouldServeTheWholeObjectForSeveralRanges() {
      final HttpResponse<byte[]> get = http.get("/api/v1/artifacts/" + md5, "Range", "bytes=0-1,5-6");

      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(md5(get.body())).isEqualTo(md5);
    }
  }

  @Nested
  class Folders {

    @Test
    void shouldStoreAManifestAndTellWhichMembersAreStored() throws Exception {
      // given: a folder of two files, one of them uploaded
      final byte[] a = fresh(100);
      final byte[] b = fresh(200);
      final byte[] manifest = ("[{\"md5\": \"" + md5(a) + "\", \"relpath\": \"a.txt\"}, {\"md5\": \"" + md5(b) + "\", \"relpath\": \"sub/b.txt\"}]")
          .getBytes(StandardCharsets.UTF_8);
      final String dir = md5(manifest) + ".dir";
      assertThat(http.put("/api/v1/artifacts/" + md5(a), a).statusCode()).isEqualTo(201);

      // when
      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + dir, manifest);

      // then: the manifest is where DVC keeps it, as sent
      assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(201);
      assertThat(json(put)).containsEntry("md5", dir).containsEntry("key", key(md5(manifest)) + ".dir");
      assertThat(storage.read(key(md5(manifest)) + ".dir")).isEqualTo(manifest);
      assertThat(http.get("/api/v1/artifacts/" + dir).body()).isEqualTo(manifest);
      // and: one member is there, one is missing
      final Map<String, Object> members = json(http.get("/api/v1/artifacts/" + dir + "/members"));
      assertThat(members).containsEntry("md5", dir).containsEntry("total", 2).containsEntry("present", 1).containsEntry("missing", 1);
      assertThat(members.get("members")).asList().containsExactly(
          Map.of("relpath", "a.txt", "md5", md5(a), "present", true, "size", 100),
          Map.of("relpath", "sub/b.txt", "md5", md5(b), "present", false, "size", -1));

      // when: the other member comes, and the list is read a page at a time
      assertThat(http.put("/v1/artifacts/" + md5(b), b).statusCode()).isEqualTo(201);
      final Map<String, Object> first = json(http.get("/v1/artifacts/" + dir + "/members?limit=1"));
      final Map<String, Object> second = json(http.get("/v1/artifacts/" + dir + "/members?offset=1&limit=1"));

      // then
      assertThat(first).containsEntry("present", 1).containsEntry("next", 1);
      assertThat(second).containsEntry("present", 1).containsEntry("next", null);
      assertThat(second.get("members")).asList().extracting("relpath").containsExactly("sub/b.txt");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"md5\": \"x\"}", "[{\"md5\": \"0cc175b9c0f1b6a831c399e269772661\", \"relpath\": \"../../../etc/passwd\"}]", "not json"})
    void shouldRefuseAManifestThatIsNoneAndKeepNothing(final String text) throws Exception {
      final byte[] manifest = (text + " ".repeat((int) (SEEDS.incrementAndGet() % 7))).getBytes(StandardCharsets.UTF_8);
      final String dir = md5(manifest) + ".dir";

      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + dir, manifest);

      assertThat(put.statusCode()).isEqualTo(422);
      assertThat(json(put)).containsEntry("type", "https://cmf-stream.org/problems/invalid-dir-manifest");
      assertThat(storage.exists(key(md5(manifest)) + ".dir")).isFalse();
    }

    @Test
    void shouldRefuseAManifestWhoseMd5IsNotItsName() throws Exception {
      final byte[] manifest = "[]".getBytes(StandardCharsets.UTF_8);
      final String claimed = md5(fresh(8));

      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + claimed + ".dir", manifest);

      assertThat(put.statusCode()).isEqualTo(422);
      assertThat(json(put)).containsEntry("type", "https://cmf-stream.org/problems/md5-mismatch");
      assertThat(storage.exists(key(claimed) + ".dir")).isFalse();
    }

    @Test
    void shouldListMembersOnlyOfAStoredFolder() {
      final String md5 = md5(fresh(8));

      assertThat(http.get("/api/v1/artifacts/" + md5 + ".dir/members").statusCode()).isEqualTo(404);
      assertThat(json(http.get("/api/v1/artifacts/" + md5 + "/members"))).containsEntry("type", "https://cmf-stream.org/problems/not-a-folder");
      assertThat(http.get("/api/v1/artifacts/" + md5 + ".dir/members?limit=x").statusCode()).isEqualTo(400);
    }
  }

  @Nested
  class ByName {

    private final String pipeline = UniqueNames.of("artifacts");

    @Test
    void shouldPushAndPullAnArtifactByItsPathOrFullName() throws Exception {
      // given: the metadata knows the artifact
      final byte[] bytes = fresh(PART + 3);
      final String md5 = md5(bytes);
      projection.artifact(pipeline, md5, "data/raw.csv:" + md5, "Dataset", 1L);

      // when
      final HttpResponse<byte[]> push = http.send("POST", "/api/artifact_push?pipeline_name=" + pipeline + "&artifact_name=data/raw.csv", bytes,
          "Content-Type", "application/octet-stream");

      // then
      assertThat(push.statusCode()).as(Http.text(push)).isEqualTo(200);
      assertThat(contentType(push)).startsWith("application/json");
      assertThat(json(push)).containsEntry("md5", md5).containsEntry("created", true).containsKey("message");
      assertThat(md5(storage.read(key(md5)))).isEqualTo(md5);

      // and: pulled back by path or full name, with and without /api
      final HttpResponse<byte[]> byPath = http.get("/api/artifact_pull?pipeline_name=" + pipeline + "&artifact_name=data/raw.csv");
      final HttpResponse<byte[]> byName = http.get("/artifact_pull?pipeline_name=" + pipeline + "&artifact_name=data/raw.csv:" + md5);
      assertThat(byPath.statusCode()).isEqualTo(200);
      assertThat(md5(byPath.body())).isEqualTo(md5);
      assertThat(byPath.headers().firstValue("Content-Disposition")).get().asString().contains("raw.csv");
      assertThat(md5(byName.body())).isEqualTo(md5);
      final HttpResponse<byte[]> range = http.get("/api/artifact_pull?pipeline_name=" + pipeline + "&artifact_name=data/raw.csv", "Range", "bytes=-3");
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 3, bytes.length));
      final HttpResponse<byte[]> head = http.head("/api/artifact_pull?pipeline_name=" + pipeline + "&artifact_name=data/raw.csv");
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(bytes.length);
    }

    @Test
    void shouldPushAnArtifactSentAsAMultipartFile() throws Exception {
      final byte[] bytes = fresh(3000);
      final String md5 = md5(bytes);
      projection.artifact(pipeline, md5, "model/model.pkl:" + md5, "Model", 2L);

      final HttpResponse<byte[]> push = http.postFile("/artifact_push?pipeline_name=" + pipeline + "&artifact_name=model/model.pkl", "model.pkl", bytes);

      assertThat(push.statusCode()).as(Http.text(push)).isEqualTo(200);
      assertThat(json(push)).containsEntry("md5", md5).containsEntry("size", 3000);
      assertThat(storage.read(key(md5))).isEqualTo(bytes);
    }

    @Test
    void shouldTakeTheNewestVersionOfAPath() throws Exception {
      final byte[] old = fresh(10);
      final byte[] newer = fresh(20);
      projection.artifact(pipeline, md5(old), "data/versioned.csv:" + md5(old), "Dataset", 100L);
      projection.artifact(pipeline, md5(newer), "data/versioned.csv:" + md5(newer), "Dataset", 200L);

      final HttpResponse<byte[]> wrong = http.send("POST", "/api/artifact_push?pipeline_name=" + pipeline + "&artifact_name=data/versioned.csv", old);
      final HttpResponse<byte[]> right = http.send("POST", "/api/artifact_push?pipeline_name=" + pipeline + "&artifact_name=data/versioned.csv", newer);

      assertThat(wrong.statusCode()).isEqualTo(422);
      assertThat(json(wrong)).containsEntry("status", "md5-mismatch").containsKey("detail");
      assertThat(storage.exists(key(md5(old)))).isFalse();
      assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAnUnknownPipelineOrArtifactWith404InTheCmfShape() throws Exception {
      projection.artifact(pipeline, md5(fresh(4)), "data/known.csv:x", "Dataset", 1L);

      final HttpResponse<byte[]> noPipeline = http.get("/api/artifact_pull?pipeline_name=no-such-pipeline-" + pipeline + "&artifact_name=data/known.csv");
      final HttpResponse<byte[]> noArtifact = http.get("/api/artifact_pull?pipeline_name=" + pipeline + "&artifact_name=data/unknown.csv");
      final HttpResponse<byte[]> pushNoPipeline = http.send("POST", "/api/artifact_push?pipeline_name=nope-" + pipeline + "&artifact_name=a", new byte[] {1});

      assertThat(noPipeline.statusCode()).isEqualTo(404);
      assertThat(json(noPipeline)).containsEntry("detail", "Pipeline no-such-pipeline-" + pipeline + " not found.");
      assertThat(noArtifact.statusCode()).isEqualTo(404);
      assertThat(json(noArtifact)).containsEntry("detail", "Artifact data/unknown.csv not found in pipeline " + pipeline + ".");
      assertThat(pushNoPipeline.statusCode()).isEqualTo(404);
      assertThat(json(pushNoPipeline)).containsKey("detail");
    }

    @Test
    void shouldAnswerAKnownArtifactWhoseBytesAreNotStoredWith404() throws Exception {
      final String md5 = md5(fresh(4));
      projection.artifact(pipeline, md5, "data/unpushed.csv:" + md5, "Dataset", 1L);

      final HttpResponse<byte[]> pull = http.get("/api/artifact_pull?pipeline_name=" + pipeline + "&artifact_name=data/unpushed.csv");

      assertThat(pull.statusCode()).isEqualTo(404);
      assertThat(json(pull).get("detail").toString()).contains(md5);
    }

    @Test
    void shouldRefuseBytesForAnArtifactThatIsNoFile() throws Exception {
      projection.artifact(pipeline, "6e3a3a6e-34c0-11f1-a997-db8300ea6448", "metrics/training:6e3a3a6e-34c0-11f1-a997-db8300ea6448:7", "Metrics", 1L);

      final HttpResponse<byte[]> push = http.send("POST", "/api/artifact_push?pipeline_name=" + pipeline + "&artifact_name=metrics/training", new byte[] {1});

      assertThat(push.statusCode()).isEqualTo(422);
      assertThat(json(push)).containsEntry("status", "not_a_file");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "'/api/artifact_pull?artifact_name=a', pipeline_name",
      "'/api/artifact_pull?pipeline_name=p', artifact_name",
    })
    void shouldAnswerAMissingParameterAsFastApiDoes(final String path, final String missing) {
      final HttpResponse<byte[]> pull = http.get(path);

      assertThat(pull.statusCode()).isEqualTo(422);
      assertThat(json(pull).get("detail")).asList().first().asInstanceOf(InstanceOfAssertFactories.MAP)
          .containsEntry("type", "missing").containsEntry("loc", List.of("query", missing));
    }

    @Test
    void shouldAnswerAMissingFilePartAsFastApiDoes() {
      final HttpResponse<byte[]> push = http.postFormWithoutFile("/api/artifact_push?pipeline_name=" + pipeline + "&artifact_name=a");

      assertThat(push.statusCode()).isEqualTo(422);
      assertThat(json(push).get("detail")).asList().first().asInstanceOf(InstanceOfAssertFactories.MAP)
          .containsEntry("loc", List.of("body", "file"));
    }
  }
}
