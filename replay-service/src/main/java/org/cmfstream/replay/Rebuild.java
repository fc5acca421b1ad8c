// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Drops the projections so that they are rebuilt from the log: empties the PostgreSQL projection
 * tables and the lineage graph together with the sinks' stored offsets. The next time the sinks
 * are assigned their partitions they find no offsets and read {@code cmf.entities.v1} from the
 * start, so the projections come back exactly as the log says.
 *
 * <p>Run it with every replay copy stopped, configured like the service (its environment
 * variables): {@code java -cp <replay-service class path> org.cmfstream.replay.Rebuild}, or {@code
 * ./cmf-stream rebuild} for the local stack. Then start the replay again.
 */
public final class Rebuild {

  /** Every table the PostgreSQL sink writes, and its offsets. */
  static final String TRUNCATE =
      "TRUNCATE pipelines, stages, executions, artifacts, events, metrics, conflicts, site_watermarks, barriers, sink_offsets";

  private Rebuild() {}

  public static void main(final String[] args) throws SQLException {
    // The service's own configuration, with nothing of it running but the connections.
    try (ApplicationContext context =
        ApplicationContext.builder(ReplayApplication.class)
            .properties(Map.of("cmfstream.replay.enabled", "false", "cmfstream.sink.postgres.enabled", "false", "cmfstream.sink.neo4j.enabled", "false"))
            .start()) {
      dropProjections(context.getBean(DataSource.class), context.getBean(Driver.class));
      System.out.println("cmf-stream: projections dropped; start the replay to rebuild them from cmf.entities.v1");
    }
  }

  /** Empties both projections and their stored offsets. */
  public static void dropProjections(final DataSource dataSource, final Driver graph) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(TRUNCATE);
    }
    try (Session session = graph.session()) {
      // In slices, so a large graph never needs one huge transaction.
      long deleted;
      do {
        deleted = session.executeWrite(tx -> tx.run("MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(n) AS n").single().get("n").asLong());
      } while (deleted > 0);
    }
  }
}
