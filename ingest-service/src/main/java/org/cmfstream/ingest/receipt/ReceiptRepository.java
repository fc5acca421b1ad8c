// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.receipt;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.neo4j.driver.Driver;

/**
 * Reads receipts and site watermarks from the projection that the replay's PostgreSQL sink writes
 * ({@code barriers}, {@code site_watermarks}; the replay-service owns their schema). Reads only.
 */
@Singleton
@Requires(beans = DataSource.class)
public class ReceiptRepository {

  /** PostgreSQL's SQLSTATE for a column that does not exist. */
  private static final String UNDEFINED_COLUMN = "42703";

  private final DataSource dataSource;
  private final Optional<Driver> graph;

  public ReceiptRepository(final DataSource dataSource, final Optional<Driver> graph) {
    this.dataSource = dataSource;
    this.graph = graph;
  }

  /**
   * The receipt of {@code upload}: PENDING until its barrier is marked on every partition, in
   * PostgreSQL and (when this service knows Neo4j) in the lineage graph too.
   */
  public ReceiptView find(final String upload) throws SQLException {
    final ReceiptView inPostgres = findInPostgres(upload);
    if (!inPostgres.applied() || graph.isEmpty()) {
      return inPostgres;
    }
    final long inGraph =
        graph.get().executableQuery("MATCH (b:Barrier) WHERE b.id STARTS WITH $prefix RETURN count(b) AS n")
            .withParameters(Map.of("prefix", upload + "/"))
            .execute()
            .records()
            .get(0)
            .get("n")
            .asLong();
    return inGraph >= inPostgres.partitions()
        ? inPostgres
        : new ReceiptView(upload, ReceiptView.PENDING, inPostgres.partitionsApplied(), inPostgres.partitions(), inPostgres.records(),
            inPostgres.fresh(), inPostgres.duplicates(), inPostgres.conflicts(), inPostgres.refused());
  }

  private ReceiptView findInPostgres(final String upload) throws SQLException {
    try {
      return findInPostgres(upload, "coalesce(sum(refused), 0)");
    } catch (SQLException e) {
      if (!UNDEFINED_COLUMN.equals(e.getSQLState())) {
        throw e;
      }
      // A replay not yet upgraded has not added barriers.refused (V007): it refuses nothing it counts.
      return findInPostgres(upload, "0");
    }
  }

  private ReceiptView findInPostgres(final String upload, final String refused) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT max(partitions), count(*), max(records), coalesce(sum(fresh), 0), coalesce(sum(duplicates), 0), coalesce(sum(conflicts), 0), "
                + refused + " FROM barriers WHERE upload = ?")) {
      s.setString(1, upload);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next() || rs.getInt(2) == 0) {
          return ReceiptView.pending(upload);
        }
        final int partitions = rs.getInt(1);
        final int applied = rs.getInt(2);
        return new ReceiptView(
            upload, applied >= partitions ? ReceiptView.APPLIED : ReceiptView.PENDING, applied, partitions, rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
            rs.getLong(7));
      }
    }
  }

  /** How far a site's journal is complete in the projection, if the replay has seen the site. */
  public Optional<Watermark> watermark(final String site) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT complete_through, gaps FROM site_watermarks WHERE site = ?")) {
      s.setString(1, site);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Watermark(rs.getLong(1), java.util.List.of((String[]) rs.getArray(2).getArray())));
      }
    }
  }

  /** A site's watermark: complete through one sequence number, with the gaps above it. */
  public record Watermark(long completeThrough, java.util.List<String> gaps) {}
}
