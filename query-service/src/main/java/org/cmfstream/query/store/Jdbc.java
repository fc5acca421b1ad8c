// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Runs a read-only query on a pooled connection and maps its rows. Failures to reach PostgreSQL
 * become {@link StoreUnavailable}; a value PostgreSQL refuses (a data exception) came from the
 * request and becomes {@link StoreRefusedValue}; any other SQL error is a defect and stays an
 * exception.
 */
final class Jdbc {

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final DataSource dataSource;

  /** The connection of the one transaction every query of this Jdbc runs in; null: a pooled connection per query. */
  private final Connection transaction;

  Jdbc(final DataSource dataSource) {
    this(dataSource, null);
  }

  private Jdbc(final DataSource dataSource, final Connection transaction) {
    this.dataSource = dataSource;
    this.transaction = transaction;
  }

  <T> List<T> query(final String sql, final RowMapper<T> mapper, final Object... parameters) {
    // No setReadOnly: it costs a round trip to set and another to reset on every query. The
    // service only ever reads; in production its database user can be a read-only role.
    try {
      if (transaction != null) {
        return run(transaction, sql, mapper, parameters);
      }
      try (Connection connection = dataSource.getConnection()) {
        return run(connection, sql, mapper, parameters);
      }
    } catch (SQLException e) {
      throw failure(e, "query failed: " + sql);
    }
  }

  /**
   * Runs {@code reads} with a Jdbc whose queries all run on one connection, in one read-only
   * REPEATABLE READ transaction: a read of several queries (a pipeline whole) then sees one
   * snapshot of the projection, never half of a batch the sink committed between two of them.
   */
  <T> T inSnapshot(final Function<Jdbc, T> reads) {
    try (Connection connection = dataSource.getConnection()) {
      // The pool puts auto-commit back when the connection returns to it.
      connection.setAutoCommit(false);
      try {
        try (Statement statement = connection.createStatement()) {
          // Sent with the BEGIN, in one round trip; session settings would cost one more to reset.
          statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        return reads.apply(new Jdbc(dataSource, connection));
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw failure(e, "snapshot transaction failed");
    }
  }

  private static <T> List<T> run(final Connection connection, final String sql, final RowMapper<T> mapper, final Object... parameters)
      throws SQLException {
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
  }

  private static RuntimeException failure(final SQLException e, final String what) {
    if (unreachable(e)) {
      return new StoreUnavailable("PostgreSQL", e);
    }
    if (dataException(e)) {
      return new StoreRefusedValue(e);
    }
    return new IllegalStateException(what, e);
  }

  /**
   * SQLSTATE class 22 (data exception): every value of a query is a parameter, and the client's
   * values are the ones that can be wrong (the driver refuses a NUL in text with 22023).
   */
  private static boolean dataException(final SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("22");
  }

  /**
   * SQLSTATE class 08 (connection exception), 57P (shutdown), 57014 (cancelled, as the statement
   * timeout cancels a query that runs too long) or a pool timeout.
   */
  private static boolean unreachable(final SQLException e) {
    final String state = e.getSQLState();
    return e instanceof SQLTransientException
        || state == null
        || state.startsWith("08")
        || state.startsWith("57P")
        || "57014".equals(state);
  }
}
