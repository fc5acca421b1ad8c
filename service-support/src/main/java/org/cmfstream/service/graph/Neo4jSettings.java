// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.graph;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/**
 * How a service reaches Neo4j: {@code cmfstream.neo4j.*}, from {@code NEO4J_URI}, {@code
 * NEO4J_USER} and {@code NEO4J_PASSWORD}. Without a user the driver connects unauthenticated, as
 * the local stack expects.
 *
 * @param uri the Bolt URI, e.g. {@code bolt://127.0.0.1:7687} or {@code neo4j://cluster:7687}
 * @param username the user, or none
 * @param password the password, or none
 * @param maxConnectionPoolSize the driver's pool size
 * @param healthTimeout how long the health check waits for an answer
 * @param maxRetryTime how long the driver retries a managed transaction that failed transiently
 *     (the driver's own default is 30 s); a service answering requests wants an answer sooner
 */
@ConfigurationProperties("cmfstream.neo4j")
public record Neo4jSettings(
    @NotBlank String uri,
    @Nullable String username,
    @Nullable String password,
    @Bindable(defaultValue = "50") int maxConnectionPoolSize,
    @Bindable(defaultValue = "3s") Duration healthTimeout,
    @Bindable(defaultValue = "30s") Duration maxRetryTime) {

  @Override
  public String toString() {
    return "Neo4jSettings[uri=" + uri + ", username=" + username + "]";
  }
}
