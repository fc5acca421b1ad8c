// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.replay.sink.EntitySink;
import org.cmfstream.testing.ProjectionSchema;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two entities whose 52-bit ids collide (V006) against the real PostgreSQL, through {@link
 * PostgresSink#write}. No two identities known here share an id, so the first artifact's row is
 * given the second's id by hand before the second is written, as a collision would leave it.
 */
class ProjectionIdCollisionIT {

  private final String topic = UniqueNames.of("ids");
  private final String first = UniqueNames.of("s3://ids/first");
  private final String second = UniqueNames.of("s3://ids/second");
  private Connection c;

  @BeforeEach
  void connect() throws Exception {
    c = ProjectionSchema.connect();
  }

  @AfterEach
  void close() throws Exception {
    c.close();
  }

  /** Under V003's unique index the second write failed, and the sink retried it for good. */
  @Test
  void shouldStoreAnArtifactWhoseIdAnotherArtifactAlreadyHas() throws Exception {
    // given
    write(first, 0L);
    final long shared = ProjectionWriter.idOf("artifact/" + second);
    try (PreparedStatement s = c.prepareStatement("UPDATE artifacts SET id = ? WHERE uri = ?")) {
      s.setLong(1, shared);
      s.setString(2, first);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    // when
    write(second, 1L);
    // then
    assertThat(urisWithId(shared)).containsExactlyInAnyOrder(first, second);
  }

  private void write(final String uri, final long offset) throws Exception {
    final EntityChange change = EntityChange.newBuilder().setKey("artifact/" + uri).setKind("artifact").setFacts(Map.of("type", List.<Object>of("Dataset")))
        .setProperties(Map.of()).setSets(Map.of()).setEarliest(Map.of("firstSeen", 1_000L + offset)).setBarrier(null).build();
    PostgresSink.write(c, topic, List.of(new EntitySink.Arrived(change, 1_000L)), Map.of(0, offset), Map.of(0, offset + 1));
  }

  private List<String> urisWithId(final long id) throws Exception {
    try (PreparedStatement s = c.prepareStatement("SELECT uri FROM artifacts WHERE id = ?")) {
      s.setLong(1, id);
      final List<String> uris = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          uris.add(rs.getString(1));
        }
      }
      return uris;
    }
  }
}
