// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.cmfstream.testing.ProjectionSchema.update;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.testing.ProjectionSchema;

/**
 * Rows of the central metadata, written straight into the projection as the replay's sink would
 * write them: for the routes that look artifacts up by name, in tests that run no replay.
 */
public final class ProjectionRows {

  private final StackEndpoints stack;

  public ProjectionRows(final StackEndpoints stack) {
    this.stack = stack;
    ProjectionSchema.migrate(stack);
  }

  /** A pipeline with one execution that produced an artifact of {@code uri} named {@code name}. */
  public void artifact(final String pipeline, final String uri, final String name, final String type, final long created) throws SQLException {
    final String execution = UUID.randomUUID().toString();
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword())) {
      update(c, "INSERT INTO pipelines (name) VALUES (?) ON CONFLICT DO NOTHING", pipeline);
      update(c, "INSERT INTO executions (uuid, pipeline, stage, type) VALUES (?, ?, ?, 'Train')", execution, pipeline, pipeline + "/Train");
      update(c, "INSERT INTO artifacts (uri, type, names, created) VALUES (?, ?, ARRAY[?], ?) "
          + "ON CONFLICT (uri) DO UPDATE SET names = artifacts.names || EXCLUDED.names", uri, type, name, created);
      update(c, "INSERT INTO events (execution_uuid, artifact_uri, direction) VALUES (?, ?, 'OUTPUT')", execution, uri);
    }
  }
}
