// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.cmfstream.testing.HealthResponse;
import org.cmfstream.testing.ServiceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayHealthIT implements TestPropertyProvider {

  private static final Argument<Map<String, Object>> BODY = Argument.mapOf(String.class, Object.class);

  @Inject
  @Client("/")
  HttpClient client;

  @Inject DataSource dataSource;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new java.util.HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.replay.state-dir", "target/replay-health-state");
    return p;
  }

  @Test
  void shouldReportKafkaPostgresAndNeo4jUp() {
    final HttpResponse<Map<String, Object>> response = client.toBlocking().exchange(HttpRequest.GET("/health"), BODY);

    assertThat(response.status().getCode()).isEqualTo(HttpStatus.OK.getCode());
    final HealthResponse health = new HealthResponse(response.body());
    assertThat(health.status()).isEqualTo("UP");
    assertThat(health.statusOf("kafka")).isEqualTo("UP");
    assertThat(health.statusOf("jdbc")).isEqualTo("UP");
    assertThat(health.statusOf("neo4j")).isEqualTo("UP");
    assertThat(health.statusOf("replay")).isEqualTo("UP");
  }

  @Test
  void shouldMigrateTheProjectionSchemaAtStartup() throws Exception {
    final List<String> columns = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        ResultSet rs = c.getMetaData().getColumns(null, "public", "sink_offsets", null)) {
      while (rs.next()) {
        columns.add(rs.getString("COLUMN_NAME"));
      }
    }
    assertThat(columns).contains("sink", "topic", "partition", "next_offset");
  }
}
