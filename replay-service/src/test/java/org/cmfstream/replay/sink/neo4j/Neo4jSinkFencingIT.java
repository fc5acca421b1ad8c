// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.neo4j;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.replay.sink.SinkFencingContract;
import org.cmfstream.testing.SharedLocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;

/** {@link SinkFencingContract} against the real Neo4j, through {@link Neo4jSink#write}. */
class Neo4jSinkFencingIT extends SinkFencingContract {

  private Driver driver;

  @BeforeEach
  void connect() {
    driver = GraphDatabase.driver(SharedLocalStack.endpoints().boltUri(), AuthTokens.none());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Override
  protected void write(final EntityChange change, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets) {
    Neo4jSink.write(driver, topic, List.of(change), firstOffsets, nextOffsets);
  }

  @Override
  protected String storedType() {
    return driver.executableQuery("MATCH (a:Artifact {uri: $uri}) RETURN a.type").withParameters(Map.of("uri", uri)).execute()
        .records().get(0).get(0).asString();
  }

  @Override
  protected Map<Integer, Long> storedOffsets() {
    final Map<Integer, Long> offsets = new TreeMap<>();
    for (final Record r : driver.executableQuery("MATCH (o:SinkOffset) WHERE o.id STARTS WITH $prefix RETURN o.partition AS p, o.nextOffset AS n")
        .withParameters(Map.of("prefix", "neo4j/" + topic + "/")).execute().records()) {
      offsets.put(r.get("p").asInt(), r.get("n").asLong());
    }
    return offsets;
  }
}
