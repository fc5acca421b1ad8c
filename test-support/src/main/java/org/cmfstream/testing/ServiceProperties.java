// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cmfstream.deploy.stack.StackEndpoints;

/**
 * The configuration properties that point a cmf-stream service at a local stack; the same keys
 * the services read from their environment variables in production.
 */
public final class ServiceProperties {

  private ServiceProperties() {}

  /** Every service's connection properties for {@code stack}. */
  public static Map<String, String> of(final StackEndpoints stack) {
    final Map<String, String> p = new LinkedHashMap<>();
    p.put("cmfstream.kafka.bootstrap-servers", stack.kafkaBootstrap());
    p.put("datasources.default.url", stack.jdbcUrl());
    p.put("datasources.default.username", stack.jdbcUser());
    p.put("datasources.default.password", stack.jdbcPassword());
    p.put("cmfstream.neo4j.uri", stack.boltUri());
    p.put("cmfstream.s3.endpoint", stack.s3Endpoint());
    p.put("cmfstream.s3.access-key", stack.s3AccessKey());
    p.put("cmfstream.s3.secret-key", stack.s3SecretKey());
    p.put("cmfstream.s3.bucket", stack.s3Bucket());
    return p;
  }

  /** The properties of {@link #of(StackEndpoints) the shared stack}. */
  public static Map<String, String> ofSharedStack() {
    return of(SharedLocalStack.endpoints());
  }
}
