// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.replay.sink.EntitySink;
import org.cmfstream.replay.sink.SinkFencingContract;
import org.cmfstream.testing.ProjectionSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** {@link SinkFencingContract} against the real PostgreSQL, through {@link PostgresSink#write}. */
class PostgresSinkFencingIT extends SinkFencingContract {

  private Connection c;

  @BeforeEach
  void connect() throws Exception {
    c = ProjectionSchema.connect();
  }

  @AfterEach
  void close() throws Exception {
    c.close();
  }

  @Override
  protected void write(final EntityChange change, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets) throws Exception {
    PostgresSink.write(c, topic, List.of(new EntitySink.Arrived(change, 1_000L)), firstOffsets, nextOffsets);
  }

  @Override
  protected String storedType() throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT type FROM artifacts WHERE uri = ?")) {
      s.setString(1, uri);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("the artifact's row").isTrue();
        return rs.getString(1);
      }
    }
  }

  @Override
  protected Map<Integer, Long> storedOffsets() throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT partition, next_offset FROM sink_offsets WHERE sink = 'postgres' AND topic = ?")) {
      s.setString(1, topic);
      final Map<Integer, Long> offsets = new TreeMap<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          offsets.put(rs.getInt(1), rs.getLong(2));
        }
      }
      return offsets;
    }
  }
}
