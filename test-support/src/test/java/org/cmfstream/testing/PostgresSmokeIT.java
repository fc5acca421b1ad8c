// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class PostgresSmokeIT {

  @Test
  void shouldMigrateWithFlywayAndAnswerQueries(final StackEndpoints stack) throws Exception {
    // given
    final String schema = UniqueNames.identifier("smoke");
    final Flyway flyway =
        Flyway.configure()
            .dataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword())
            .schemas(schema)
            .locations("classpath:db/smoke")
            .load();

    // when
    final MigrateResult first = flyway.migrate();
    final MigrateResult second = flyway.migrate();

    // then
    assertThat(first.migrationsExecuted).isEqualTo(2);
    assertThat(second.migrationsExecuted).isZero();
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
        PreparedStatement q = c.prepareStatement("SELECT stage FROM " + schema + ".runs WHERE pipeline = ? ORDER BY id")) {
      q.setString(1, "Test-env");
      final List<String> stages = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stages.add(rs.getString(1));
        }
      }
      assertThat(stages).containsExactly("Prepare", "Train");
      try (ResultSet rs = c.createStatement().executeQuery("SHOW synchronous_commit")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).as("durability is on where it is claimed").isEqualTo("on");
      }
    }
  }
}
