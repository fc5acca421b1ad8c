// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.cmfstream.journal.Topics;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

/**
 * Where a replay stands, printed at a fixed period while a benchmark waits: how far the Kafka
 * Streams replay has consumed the journal, how many records {@code cmf.entities.v1} holds, and how
 * far each sink has applied it. A stage that lags the one before it is where the time goes.
 */
final class ReplayProgress implements AutoCloseable {

  private static final String REPLAY_GROUP = "cmf-stream-replay";

  private final ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor();
  private final Admin admin;
  private final Connection pg;
  private final Driver neo4j;
  private final long started = System.nanoTime();

  private ReplayProgress(final String bootstrap, final String jdbc, final String bolt, final Duration period) throws Exception {
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    pg = DriverManager.getConnection(jdbc, "postgres", "");
    neo4j = GraphDatabase.driver(bolt, AuthTokens.none());
    printer.scheduleAtFixedRate(this::print, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  static ReplayProgress start(final String bootstrap, final String jdbc, final String bolt, final Duration period) throws Exception {
    return new ReplayProgress(bootstrap, jdbc, bolt, period);
  }

  private void print() {
    try {
      final long journal = end(Topics.JOURNAL.name());
      final long consumed = admin.listConsumerGroupOffsets(REPLAY_GROUP).partitionsToOffsetAndMetadata().get().entrySet().stream()
          .filter(e -> e.getKey().topic().equals(Topics.JOURNAL.name()) && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
      final long entities = end(Topics.ENTITIES.name());
      final long postgres;
      try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE sink = 'postgres'")) {
        rs.next();
        postgres = rs.getLong(1);
      }
      final long graph;
      try (var session = neo4j.session()) {
        graph = session.run("MATCH (o:SinkOffset) RETURN coalesce(sum(o.nextOffset), 0) AS n").single().get("n").asLong();
      }
      System.out.printf(Locale.ROOT, "  %5.0f s: journal %,d, replay consumed %,d; entities %,d, PostgreSQL applied %,d, Neo4j applied %,d%n",
          (System.nanoTime() - started) / 1e9, journal, consumed, entities, postgres, graph);
    } catch (Exception e) {
      System.out.println("  progress unknown: " + e);
    }
  }

  private long end(final String topic) throws Exception {
    final List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
    return ends.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
  }

  @Override
  public void close() throws Exception {
    printer.shutdownNow();
    printer.awaitTermination(5, TimeUnit.SECONDS);
    neo4j.close();
    pg.close();
    admin.close();
  }
}
