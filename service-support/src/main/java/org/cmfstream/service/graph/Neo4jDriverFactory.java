// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.graph;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/**
 * The one Neo4j {@link Driver} of a service, closed with the context. Creating it opens no
 * connection: a service starts while Neo4j is down, and its health says so.
 */
@Factory
@Requires(property = "cmfstream.neo4j.uri")
class Neo4jDriverFactory {

  @Singleton
  @Bean(preDestroy = "close")
  Driver neo4jDriver(final Neo4jSettings settings) {
    final AuthToken auth =
        settings.username() == null || settings.username().isBlank()
            ? AuthTokens.none()
            : AuthTokens.basic(settings.username(), settings.password() == null ? "" : settings.password());
    final Config config =
        Config.builder()
            .withMaxConnectionPoolSize(settings.maxConnectionPoolSize())
            .withConnectionTimeout(Math.max(1, settings.healthTimeout().toSeconds()), TimeUnit.SECONDS)
            .withMaxTransactionRetryTime(settings.maxRetryTime().toMillis(), TimeUnit.MILLISECONDS)
            .build();
    return GraphDatabase.driver(settings.uri(), auth, config);
  }
}
