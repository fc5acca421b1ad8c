// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.ingest.Http.contentType;
import static org.cmfstream.ingest.Http.json;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET download-python-env} on a server that holds no environment file yet, as a peer's
 * {@code /sync} may ask: the real server answers 200 {@code {"error":"Directory is empty"}}
 * (cmf-protocol.md, section 1.1: its errors are 200s). Ingest here has a bucket of its own, since
 * {@link SideFilesIT} fills the shared one.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmptyEnvironmentFolderIT implements TestPropertyProvider {

  private final StorageClient storage = new StorageClient(SharedLocalStack.endpoints(), UniqueNames.of("empty-env"));

  @Inject
  EmbeddedServer server;

  @Override
  public Map<String, String> getProperties() {
    try {
      storage.createBucket();
    } catch (Exception e) {
      throw new IllegalStateException("the test's bucket could not be made", e);
    }
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.s3.bucket", storage.bucket());
    return p;
  }

  @AfterAll
  void disconnect() throws Exception {
    storage.close();
  }

  @Test
  void shouldAnswerAnEmptyFolderWith200AndAnErrorUntilAnEnvironmentIsStored() throws Exception {
    // given: other side files, but no environment
    final Http http = new Http(server.getURI());
    storage.write("cmf-server/data/labels/0123456789abcdef0123456789abcdef", "a,b\n".getBytes(StandardCharsets.UTF_8));

    // when
    final HttpResponse<byte[]> empty = http.get("/api/download-python-env");
    storage.write("cmf-server/data/env/python_env_1.txt", "numpy==2.1\n".getBytes(StandardCharsets.UTF_8));
    final HttpResponse<byte[]> one = http.get("/download-python-env");

    // then
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(json(empty)).containsExactly(Map.entry("error", "Directory is empty"));
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(contentType(one)).isEqualTo("application/zip");
  }
}
