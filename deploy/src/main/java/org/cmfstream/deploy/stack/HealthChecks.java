// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.cmfstream.journal.TopicSpec;
import org.cmfstream.journal.Topics;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until each server answers through its real client protocol: Kafka through the Admin
 * client, PostgreSQL through JDBC, Neo4j through the driver over Bolt, S3 through the MinIO
 * client. A listening socket alone is not taken as ready.
 */
final class HealthChecks {

  private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final StackEndpoints endpoints;
  private final Duration timeout;

  HealthChecks(final StackEndpoints endpoints, final Duration timeout) {
    this.endpoints = endpoints;
    this.timeout = timeout;
  }

  /** The broker serves metadata, and every journal topic exists with a leader per partition. */
  void awaitKafka(final ChildProcess broker) {
    final Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(props)) {
      await("Kafka", broker, () -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
      JournalTopics.ensure(admin, Topics.all());
      final Set<String> names = Set.copyOf(Topics.all().stream().map(TopicSpec::name).toList());
      await("Kafka topic leaders", broker, () -> allPartitionsLed(admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS).values()));
    }
  }

  private static boolean allPartitionsLed(final Collection<TopicDescription> topics) {
    return topics.stream()
        .flatMap(t -> t.partitions().stream())
        .map(TopicPartitionInfo::leader)
        .allMatch(leader -> leader != null && !leader.isEmpty());
  }

  /** A query runs. */
  void awaitPostgres(final ChildProcess postgres) {
    await(
        "PostgreSQL",
        postgres,
        () -> {
          try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.jdbcUser(), endpoints.jdbcPassword());
              Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT 1")) {
            return rs.next() && rs.getInt(1) == 1;
          }
        });
  }

  /** The driver connects over Bolt and the server accepts a query. */
  void awaitNeo4j(final ChildProcess neo4j) {
    final Config config = Config.builder().withConnectionTimeout(2, TimeUnit.SECONDS).withoutEncryption().build();
    try (Driver driver = GraphDatabase.driver(endpoints.boltUri(), AuthTokens.none(), config)) {
      await(
          "Neo4j",
          neo4j,
          () -> {
            driver.verifyConnectivity();
            return driver.executableQuery("RETURN 1 AS one").execute().records().get(0).get("one").asInt() == 1;
          });
    }
  }

  /** The server answers a signed request, and the cmf-stream bucket exists. */
  void awaitS3(final ChildProcess s3) {
    try (MinioClient client =
        MinioClient.builder()
            .endpoint(endpoints.s3Endpoint())
            .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey())
            .region("us-east-1")
            .build()) {
      final BucketExistsArgs exists = BucketExistsArgs.builder().bucket(endpoints.s3Bucket()).build();
      await(
          "S3",
          s3,
          () -> {
            if (!client.bucketExists(exists)) {
              client.makeBucket(MakeBucketArgs.builder().bucket(endpoints.s3Bucket()).build());
            }
            return client.bucketExists(exists);
          });
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  /** A condition that may throw while the server is still starting. */
  @FunctionalInterface
  interface Probe {
    boolean ready() throws Exception;
  }

  private void await(final String what, final ChildProcess process, final Probe probe) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (process != null) {
        process.checkAlive();
      }
      try {
        if (probe.ready()) {
          LOG.debug("{} is ready", what);
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        last = e;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
    final String log = process == null ? "" : "\nthe end of its log " + process.log() + ":\n" + process.tailOfLog(30);
    throw new IllegalStateException(what + " was not healthy within " + timeout + log, last);
  }

}
