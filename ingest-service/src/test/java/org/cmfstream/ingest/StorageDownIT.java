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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.testing.FaultyLink;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Object storage down (issue #6): every route answers 503 with {@code Retry-After}, and an upload
 * that storage drops in the middle leaves nothing under its key.
 */
class StorageDownIT {

  @Nested
  @MicronautTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithStorageUnreachable implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    private Http http;

    @Override
    public Map<String, String> getProperties() {
      final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
      // Port 1 on loopback: nothing listens, so every connection is refused.
      p.put("cmfstream.s3.endpoint", "http://127.0.0.1:1");
      p.put("cmfstream.storage.retry-after", "7s");
      return p;
    }

    @BeforeAll
    void connect() {
      http = new Http(server.getURI());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {10, 9 * 1024 * 1024})
    void shouldAnswerAnUploadWith503AndRetryAfter(final int size) {
      final byte[] bytes = randomBytes(size, size);

      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + md5(bytes), bytes);

      assertThat(put.statusCode()).isEqualTo(503);
      assertThat(put.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(contentType(put)).startsWith("application/problem+json");
      assertThat(json(put)).containsEntry("type", "https://cmf-stream.org/problems/storage-unavailable");
    }

    @Test
    void shouldAnswerEveryReadOfArtifactsWith503AndRetryAfter() {
      final String md5 = md5(new byte[] {42});

      for (final HttpResponse<byte[]> response : List.of(
          http.get("/api/v1/artifacts/" + md5), http.head("/api/v1/artifacts/" + md5), http.get("/v1/artifacts/" + md5 + ".dir/members"))) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.uri()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
      }
    }

    @Test
    void shouldAnswerEverySideFileRouteWith503InTheCmfShape() {
      final byte[] file = "x==1\n".getBytes(StandardCharsets.UTF_8);
      for (final HttpResponse<byte[]> response : List.of(
          http.postFile("/api/python-env", "python_env_x.txt", file),
          http.postFile("/api/label", "0cc175b9c0f1b6a831c399e269772661", file),
          http.postFile("/api/tensorboard?pipeline_name=p", "events.out.tfevents.1", file),
          http.get("/api/python-env?file_name=python_env_x.txt"),
          http.get("/api/label-data?file_name=0cc175b9c0f1b6a831c399e269772661"),
          http.get("/api/download-python-env"))) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(contentType(response)).startsWith("application/json");
        assertThat(json(response)).containsEntry("status", "unavailable").containsKey("detail");
      }
    }

    @Test
    void shouldAnswerAnArtifactPushWith503() throws Exception {
      final String pipeline = UniqueNames.of("down");
      final byte[] bytes = randomBytes(100, 3);
      new ProjectionRows(SharedLocalStack.endpoints()).artifact(pipeline, md5(bytes), "data/a.csv:" + md5(bytes), "Dataset", 1L);

      final HttpResponse<byte[]> push = http.send("POST", "/api/artifact_push?pipeline_name=" + pipeline + "&artifact_name=data/a.csv", bytes);

      assertThat(push.statusCode()).isEqualTo(503);
      assertThat(push.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(json(push)).containsEntry("status", "unavailable");
    }

    @Test
    void shouldReportStorageDownOnItsOwnHealthRoute() {
      final HttpResponse<byte[]> health = http.get("/health/storage");

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(json(health)).containsEntry("name", "storage").containsEntry("status", "DOWN");
      assertThat(json(health).get("details").toString()).contains("127.0.0.1:1");
    }
  }

  @Nested
  @MicronautTest
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithTheLinkCutMidUpload implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    private FaultyLink link;
    private Http http;
    private StorageClient storage;

    @Override
    public Map<String, String> getProperties() {
      final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
      try {
        link = new FaultyLink(URI.create(SharedLocalStack.endpoints().s3Endpoint()).getPort());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      p.put("cmfstream.s3.endpoint", "http://127.0.0.1:" + link.port());
      p.put("cmfstream.storage.part-size", Integer.toString(5 * 1024 * 1024));
      p.put("cmfstream.storage.retry-after", "3s");
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
      link.close();
    }

    @Test
    void shouldLeaveNothingUnderTheKeyWhenStorageGoesAwayMidUpload() throws Exception {
      // given: an upload of four parts, and storage that goes away during the second
      final byte[] bytes = randomBytes(16 * 1024 * 1024, 99);
      final String md5 = md5(bytes);
      link.cutAfter(7L * 1024 * 1024);

      // when
      final HttpResponse<byte[]> put = http.put("/api/v1/artifacts/" + md5, bytes);

      // then: 503, and the real server holds no object under the key, not even a part of one
      assertThat(link.isBroken()).isTrue();
      assertThat(put.statusCode()).as(Http.text(put)).isEqualTo(503);
      assertThat(put.headers().firstValue("Retry-After")).hasValue("3");
      assertThat(json(put)).containsEntry("type", "https://cmf-stream.org/problems/storage-unavailable");
      assertThat(storage.exists(key(md5))).isFalse();

      // when: storage is back, the same request simply goes through
      link.heal();
      final HttpResponse<byte[]> again = http.put("/api/v1/artifacts/" + md5, bytes);

      // then
      assertThat(again.statusCode()).as(Http.text(again)).isEqualTo(201);
      assertThat(md5(storage.read(key(md5)))).isEqualTo(md5);
    }
  }
}
