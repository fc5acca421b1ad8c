// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.nio.file.Path;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * A Neo4j community server with the Bolt connector, as run inside its own JVM by {@link
 * ServerMain}. Clients reach it through the Neo4j driver, exactly as they would a real cluster.
 */
final class Neo4jServer implements AutoCloseable {

  private final DatabaseManagementService dbms;

  private Neo4jServer(final DatabaseManagementService dbms) {
    this.dbms = dbms;
  }

  static Neo4jServer start(final Path home, final int boltPort) {
    final DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", boltPort))
            .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
            .setConfig(HttpConnector.enabled, false)
            // Loopback only, and the local stack is a development and test environment.
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            // Enough for the stores of a graph of about a million artifacts and executions (the
            // benchmarks' size): a page cache smaller than the store turns the sink's MERGEs and the
            // lineage walks into page faults. It is taken as pages are used, so a small graph costs little.
            .setConfig(GraphDatabaseSettings.pagecache_memory, 512L * 1024 * 1024)
            // Required on Netty 4.2 (Micronaut's line): the in-JVM local connector cannot start
            // there, and nothing in this JVM would use it anyway.
            .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
            // Defaults make shutdown take ~10 s while Bolt threads drain.
            .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
            .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200))
            .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofMillis(500))
            // Transaction logs otherwise grow to several times the store.
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "256M size")
            .build();
    return new Neo4jServer(dbms);
  }

  @Override
  public void close() {
    dbms.shutdown();
  }
}
