// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.sql.Connection;
import java.sql.DriverManager;
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

  /** A connection to the shared stack's PostgreSQL, its projection schema migrated. */
  public static Connection connect() throws SQLException {
    final StackEndpoints stack = SharedLocalStack.endpoints();
    migrate(stack);
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }
}
