// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.flywaydb.core.Flyway;

/**
 * The projection's schema in a stack's PostgreSQL, as replay-service creates it at start: for
 * tests of its readers that run no replay.
 */
public final class ProjectionSchema {

  private ProjectionSchema() {}

  /** Applies the migrations of {@code projection-schema}; a no-op when they are applied. */
  public static void migrate(final StackEndpoints stack) {
    Flyway.configure().dataSource(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword()).locations("classpath:db/migration").load().migrate();
  }

  /**
   * Runs one statement of {@code sql} with {@code values}, a {@code String[]} as a {@code text[]}:
   * for tests that write projection rows as the replay's sink would.
   */
  public static void update(final Connection c, final String sql, final Object... values) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] instanceof String[] array) {
          s.setArray(i + 1, c.createArrayOf("text", array));
        } else {
          s.setObject(i + 1, values[i]);
        }
      }
      s.executeUpdate();
    }
  }

  /** A connection to the shared stack's PostgreSQL, its projection schema migrated. */
  public static Connection connect() throws SQLException {
    final StackEndpoints stack = SharedLocalStack.endpoints();
    migrate(stack);
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }
}
