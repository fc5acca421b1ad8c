// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs a read-only query on a pooled connection and maps its rows. Failures to reach PostgreSQL
 * become {@link StoreUnavailable}; any other SQL error is a defect and stays an exception.
 */
final class Jdbc {

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final DataSource dataSource;

  Jdbc(final DataSource dataSource) {
    this.dataSource = dataSource;
  }

  <T> List<T> query(final String sql, final RowMapper<T> mapper, final Object... parameters) {
    // No setReadOnly: it costs a round trip to set and another to reset on every query. The
    // service only ever reads; in production its database user can be a read-only role.
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < parameters.length; i++) {
          final Object p = parameters[i];
          if (p instanceof String[] texts) {
            statement.setArray(i + 1, connection.createArrayOf("text", texts));
          } else {
            statement.setObject(i + 1, p);
          }
        }
        try (ResultSet rs = statement.executeQuery()) {
          final List<T> out = new ArrayList<>();
          while (rs.next()) {
            out.add(mapper.map(rs));
          }
          return out;
        }
      }
    } catch (SQLException e) {
      if (unreachable(e)) {
        throw new StoreUnavailable("PostgreSQL", e);
      }
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  /** SQLSTATE class 08 (connection exception), 57P (shutdown) or a pool timeout. */
  private static boolean unreachable(final SQLException e) {
    final String state = e.getSQLState();
    return e instanceof SQLTransientException
        || state == null
        || state.startsWith("08")
        || state.startsWith("57P");
  }
}
