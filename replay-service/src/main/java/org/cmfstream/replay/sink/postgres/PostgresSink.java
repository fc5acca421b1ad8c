// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.postgres;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.cmfstream.journal.Topics;
import org.cmfstream.replay.sink.EntitySink;
import org.cmfstream.service.kafka.KafkaSettings;

/**
 * Projects {@code cmf.entities.v1} into PostgreSQL ({@link ProjectionWriter}), with the consumed
 * offsets in {@code sink_offsets}, in the same transaction as the rows ({@link EntitySink}).
 */
@Context
@Requires(beans = DataSource.class)
@Requires(property = "cmfstream.sink.postgres.enabled", notEquals = "false")
public class PostgresSink extends EntitySink {

  static final String SINK = "postgres";

  private final DataSource dataSource;

  public PostgresSink(final DataSource dataSource, final KafkaSettings kafka, final SinkSettings settings) {
    super("PostgreSQL", kafka, settings.groupId(), settings.maxBatch(), settings.writers(), settings.retryBackoff());
    this.dataSource = dataSource;
    start();
  }

  @Override
  protected void apply(final List<Arrived> changes, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      write(c, Topics.ENTITIES.name(), changes, firstOffsets, nextOffsets);
    }
  }

  /**
   * One batch in one transaction on {@code c}: the stored offsets of its partitions locked and
   * checked first ({@link EntitySink#requireCurrent}), then the rows, then the new offsets.
   */
  static void write(
      final Connection c, final String topic, final List<Arrived> changes, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      EntitySink.requireCurrent(lockOffsets(c, topic, firstOffsets.keySet()), firstOffsets);
      new ProjectionWriter(c).write(changes);
      storeOffsets(c, topic, nextOffsets);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  /**
   * The stored offsets of {@code partitions}, locked until the transaction ends, in one statement:
   * the upsert locks each row (and waits for a transaction holding it), and a partition without one
   * gets a row at offset 0, seen by no one unless this transaction commits, and then with its real
   * offset. Under read committed, the offsets returned are the last committed ones.
   */
  private static Map<Integer, Long> lockOffsets(final Connection c, final String topic, final Collection<Integer> partitions) throws SQLException {
    final Map<Integer, Long> stored = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO sink_offsets (sink, topic, partition, next_offset, updated_at) SELECT ?, ?, p, 0, now() FROM unnest(?) AS p "
            + "ON CONFLICT (sink, topic, partition) DO UPDATE SET next_offset = sink_offsets.next_offset RETURNING partition, next_offset")) {
      s.setString(1, SINK);
      s.setString(2, topic);
      s.setArray(3, c.createArrayOf("integer", partitions.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return stored;
  }

  private static void storeOffsets(final Connection c, final String topic, final Map<Integer, Long> next) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO sink_offsets (sink, topic, partition, next_offset, updated_at) VALUES (?, ?, ?, ?, now()) "
            + "ON CONFLICT (sink, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()")) {
      for (final Map.Entry<Integer, Long> e : next.entrySet()) {
        s.setString(1, SINK);
        s.setString(2, topic);
        s.setInt(3, e.getKey());
        s.setLong(4, e.getValue());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  @Override
  protected Map<Integer, Long> storedOffsets() throws SQLException {
    final Map<Integer, Long> stored = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT partition, next_offset FROM sink_offsets WHERE sink = ? AND topic = ?")) {
      s.setString(1, SINK);
      s.setString(2, Topics.ENTITIES.name());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return stored;
  }

  @PreDestroy
  @Override
  public void stop() throws InterruptedException {
    super.stop();
  }
}
