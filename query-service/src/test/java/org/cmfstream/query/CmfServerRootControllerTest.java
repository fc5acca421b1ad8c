// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@MicronautTest(startApplication = true)
class CmfServerRootControllerTest {

  @Inject
  @Client("/")
  HttpClient client;

  @ParameterizedTest
  @ValueSource(strings = {"/", "/api", "/api/"})
  void shouldAnswerLikeTheRealCmfServer(final String path) {
    assertThat(client.toBlocking().retrieve(path)).isEqualTo("[\"cmf-server\"]");
  }
}
