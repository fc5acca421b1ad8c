// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.neo4j;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.Topics;
import org.cmfstream.replay.sink.EntitySink;
import org.cmfstream.service.kafka.KafkaSettings;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Projects {@code cmf.entities.v1} into the Neo4j lineage graph ({@link GraphWriter}), with the
 * consumed offsets as {@code :SinkOffset} nodes, in the same transaction as the writes ({@link
 * EntitySink}).
 */
@Context
@Requires(beans = Driver.class)
@Requires(property = "cmfstream.sink.neo4j.enabled", notEquals = "false")
public class Neo4jSink extends EntitySink {

  private final Driver driver;
  private volatile boolean constraintsCreated;

  public Neo4jSink(final Driver driver, final KafkaSettings kafka, final GraphSinkSettings settings) {
    super("Neo4j", kafka, settings.groupId(), settings.maxBatch(), settings.writers(), settings.retryBackoff());
    this.driver = driver;
    start();
  }

  @Override
  protected void apply(final List<Arrived> arrived, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets) {
    ensureConstraints();
    write(driver, Topics.ENTITIES.name(), arrived.stream().map(Arrived::change).toList(), firstOffsets, nextOffsets);
  }

  /** One batch in one transaction: the offsets stored and checked first ({@link EntitySink#requireCurrent}), then the graph. */
  static void write(
      final Driver driver, final String topic, final List<EntityChange> changes, final Map<Integer, Long> firstOffsets, final Map<Integer, Long> nextOffsets) {
    try (Session session = driver.session()) {
      session.executeWriteWithoutResult(tx -> {
        // First, so that the offsets' nodes stay locked until the commit: a stale batch writes nothing.
        EntitySink.requireCurrent(GraphWriter.storeOffsets(tx, topic, nextOffsets), firstOffsets);
        GraphWriter.write(tx, changes);
      });
    }
  }

  @Override
  protected Map<Integer, Long> storedOffsets() {
    final Map<Integer, Long> stored = new HashMap<>();
    try (Session session = driver.session()) {
      for (final Record r : session.run("MATCH (o:SinkOffset) WHERE o.id STARTS WITH $prefix RETURN o.partition AS p, o.nextOffset AS n",
          Map.of("prefix", "neo4j/" + Topics.ENTITIES.name() + "/")).list()) {
        stored.put(r.get("p").asInt(), r.get("n").asLong());
      }
    }
    return stored;
  }

  /** Once per sink; writers that race for it wait for the first to finish. */
  private synchronized void ensureConstraints() {
    if (constraintsCreated) {
      return;
    }
    try (Session session = driver.session()) {
      for (final String constraint : GraphWriter.CONSTRAINTS) {
        session.run(constraint).consume();
      }
    }
    constraintsCreated = true;
  }

  @PreDestroy
  @Override
  public void stop() throws InterruptedException {
    super.stop();
  }
}
