// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the servers of a running local stack listen, and how to log in to them.
 *
 * @param dataDir the directory holding every server's data and logs
 * @param kafkaBootstrap the Kafka bootstrap servers, {@code 127.0.0.1:port}
 * @param jdbcUrl the PostgreSQL JDBC URL (database {@code postgres})
 * @param jdbcUser the PostgreSQL user
 * @param jdbcPassword the PostgreSQL password (empty: the local stack trusts loopback)
 * @param boltUri the Neo4j Bolt URI (authentication disabled)
 * @param s3Endpoint the S3 endpoint, {@code http://127.0.0.1:port}
 * @param s3AccessKey the S3 access key
 * @param s3SecretKey the S3 secret key
 * @param s3Bucket the bucket created for cmf-stream
 */
public record StackEndpoints(
    Path dataDir,
    String kafkaBootstrap,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    String boltUri,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String s3Bucket) {

  /**
   * The environment variables through which the services read these endpoints; the same names
   * configure them against real clusters.
   */
  public Map<String, String> environment() {
    final Map<String, String> env = new LinkedHashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
    env.put("JDBC_URL", jdbcUrl);
    env.put("JDBC_USER", jdbcUser);
    env.put("JDBC_PASSWORD", jdbcPassword);
    env.put("NEO4J_URI", boltUri);
    env.put("S3_ENDPOINT", s3Endpoint);
    env.put("S3_ACCESS_KEY", s3AccessKey);
    env.put("S3_SECRET_KEY", s3SecretKey);
    env.put("S3_BUCKET", s3Bucket);
    return env;
  }
}
