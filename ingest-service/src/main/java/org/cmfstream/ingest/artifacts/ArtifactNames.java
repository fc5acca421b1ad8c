// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Finds an artifact's content hash from its name in the central metadata: the projection that the
 * replay's PostgreSQL sink writes ({@code pipelines}, {@code executions}, {@code events}, {@code
 * artifacts}; replay-service owns their schema). Reads only.
 *
 * <p>A cmf artifact's names are {@code <path>:<hash>} (plus more after another ':' for some
 * types), and its {@code uri} is the hash. An artifact belongs to a pipeline when one of that
 * pipeline's executions has an event with it.
 */
@Singleton
@Requires(beans = DataSource.class)
final class ArtifactNames {

  /**
   * The artifacts of a pipeline with a name, newest first. Driven from the pipeline's executions,
   * which the {@code executions_by_stage} index finds, so the cost is the pipeline's own events,
   * not the whole table of artifacts.
   */
  private static final String FIND =
      "SELECT a.uri, n.name FROM executions x "
          + "JOIN events e ON e.execution_uuid = x.uuid "
          + "JOIN artifacts a ON a.uri = e.artifact_uri "
          + "CROSS JOIN LATERAL unnest(a.names) AS n(name) "
          + "WHERE x.pipeline = ? AND (n.name = ? OR starts_with(n.name, ? || ':')) "
          + "ORDER BY a.created DESC NULLS LAST, a.first_seen DESC NULLS LAST, a.uri LIMIT 1";

  private final DataSource dataSource;

  ArtifactNames(final DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One artifact of a pipeline.
   *
   * @param uri its identity, the content hash for files and folders
   * @param name the name that matched, {@code <path>:<hash>...}
   */
  record Found(String uri, String name) {

    /** The path part of the name: where a client keeps the file. */
    String path() {
      final int colon = name.indexOf(':');
      return colon < 0 ? name : name.substring(0, colon);
    }
  }

  /** Whether the central metadata knows {@code pipeline}. */
  boolean pipelineExists(final String pipeline) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM pipelines WHERE name = ?) OR EXISTS (SELECT 1 FROM executions WHERE pipeline = ?)")) {
      s.setString(1, pipeline);
      s.setString(2, pipeline);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * The artifact of {@code pipeline} named {@code name}: its full name ({@code <path>:<hash>}) or
   * just its path, in which case the newest artifact of that path wins, as a cmf client's pull of
   * a name keeps the last.
   */
  Optional<Found> find(final String pipeline, final String name) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(FIND)) {
      s.setString(1, pipeline);
      s.setString(2, name);
      s.setString(3, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Found(rs.getString(1), rs.getString(2))) : Optional.empty();
      }
    }
  }
}
