// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cmfstream.avro.BarrierMark;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.StampedValue;
import org.cmfstream.journal.EntityKey;
import org.cmfstream.replay.sink.EntitySink.Arrived;

/**
 * Writes entity changes into the projection tables of {@code V002__create_projection.sql} (and
 * the columns V003 and V004 add), one batched statement per table. Each change is the whole latest
 * state of its entity, so an upsert replaces the row; applying the same change twice gives the same
 * row. {@code synced} only grows: the greatest record timestamp of the entity's changes (V004).
 */
final class ProjectionWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The key of a non-finite double's tagged form in jsonb (V004). */
  static final String DOUBLE_TAG = "$double";

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  ProjectionWriter(final Connection connection) {
    this.connection = connection;
  }

  /** Queues the changes; a key that appears more than once keeps its last state and its latest arrival. */
  void write(final Collection<Arrived> changes) throws SQLException {
    final Map<String, EntityChange> latest = new LinkedHashMap<>();
    final Map<String, Long> arrivals = new HashMap<>();
    for (final Arrived arrived : changes) {
      final EntityChange change = arrived.change();
      latest.remove(change.getKey());
      latest.put(change.getKey(), change);
      arrivals.merge(change.getKey(), arrived.timestamp(), Math::max);
    }
    for (final EntityChange change : latest.values()) {
      row(change, arrivals.get(change.getKey()));
    }
    for (final PreparedStatement statement : statements.values()) {
      statement.executeBatch();
      statement.close();
    }
    statements.clear();
  }

  private void row(final EntityChange c, final long arrived) throws SQLException {
    final String id = EntityKey.identity(c.getKey());
    switch (c.getKind()) {
      case "pipeline" -> batch(
          "INSERT INTO pipelines (name, custom_properties, first_seen, id, updated, synced) VALUES (?, ?::jsonb, ?, ?, ?, ?) "
              + "ON CONFLICT (name) DO UPDATE SET custom_properties = EXCLUDED.custom_properties, first_seen = EXCLUDED.first_seen, "
              + "id = EXCLUDED.id, updated = EXCLUDED.updated, synced = " + latest("pipelines"),
          id, json(properties(c, "custom.")), earliest(c, "firstSeen"), idOf(c), updated(c), arrived);
      case "stage" -> batch(
          "INSERT INTO stages (name, pipeline, custom_properties, created, first_seen, id, updated, synced) VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?) "
              + "ON CONFLICT (name) DO UPDATE SET pipeline = EXCLUDED.pipeline, custom_properties = EXCLUDED.custom_properties, "
              + "created = EXCLUDED.created, first_seen = EXCLUDED.first_seen, id = EXCLUDED.id, updated = EXCLUDED.updated, "
              + "synced = " + latest("stages"),
          id, fact(c, "pipeline"), json(properties(c, "custom.")), earliest(c, "created"), earliest(c, "firstSeen"), idOf(c), updated(c), arrived);
      case "execution" -> batch(
          "INSERT INTO executions (uuid, pipeline, stage, type, name, properties, custom_properties, uuids, created, first_seen, id, updated, "
              + "synced) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET pipeline = EXCLUDED.pipeline, "
              + "stage = EXCLUDED.stage, type = EXCLUDED.type, name = EXCLUDED.name, properties = EXCLUDED.properties, "
              + "custom_properties = EXCLUDED.custom_properties, uuids = EXCLUDED.uuids, created = EXCLUDED.created, "
              + "first_seen = EXCLUDED.first_seen, id = EXCLUDED.id, updated = EXCLUDED.updated, synced = " + latest("executions"),
          id, fact(c, "pipeline"), fact(c, "stage"), fact(c, "type"), fact(c, "name"), json(properties(c, "properties.")),
          json(properties(c, "custom.")), array(c.getSets().get("uuids")), earliest(c, "created"), earliest(c, "firstSeen"),
          executionId(c), updated(c), arrived);
      case "artifact" -> batch(
          "INSERT INTO artifacts (uri, type, names, properties, custom_properties, sets, created, first_seen, id, updated, synced) "
              + "VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET type = EXCLUDED.type, "
              + "names = EXCLUDED.names, properties = EXCLUDED.properties, custom_properties = EXCLUDED.custom_properties, "
              + "sets = EXCLUDED.sets, created = EXCLUDED.created, first_seen = EXCLUDED.first_seen, id = EXCLUDED.id, updated = EXCLUDED.updated, "
              + "synced = " + latest("artifacts"),
          id, fact(c, "type"), array(c.getSets().get("names")), json(properties(c, "properties.")), json(properties(c, "custom.")),
          json(c.getSets()), earliest(c, "created"), earliest(c, "firstSeen"), idOf(c), updated(c), arrived);
      case "event" -> {
        final List<String> parts = EntityKey.parts(c.getKey());
        batch(
            "INSERT INTO events (execution_uuid, artifact_uri, direction, first_seen) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (execution_uuid, artifact_uri, direction) DO UPDATE SET first_seen = EXCLUDED.first_seen",
            parts.get(0), parts.get(1), parts.get(2), earliest(c, "firstSeen"));
      }
      case "metric" -> {
        final List<String> parts = EntityKey.parts(c.getKey());
        // A double column holds NaN and the infinities as they are.
        final List<Object> values = c.getFacts().get("value");
        final Object value = values == null || values.size() != 1 ? null : values.get(0);
        batch(
            "INSERT INTO metrics (execution_uuid, name, step, value, first_seen) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (execution_uuid, name, step) DO UPDATE SET value = EXCLUDED.value, first_seen = EXCLUDED.first_seen",
            parts.get(0), parts.get(1), Long.parseLong(parts.get(2)), value instanceof Number n ? n.doubleValue() : null, earliest(c, "firstSeen"));
      }
      case "site" -> batch(
          "INSERT INTO site_watermarks (site, complete_through, gaps) VALUES (?, ?, ?) "
              + "ON CONFLICT (site) DO UPDATE SET complete_through = EXCLUDED.complete_through, gaps = EXCLUDED.gaps",
          id, ((Number) c.getProperties().get("completeThrough").getValue()).longValue(), array(c.getSets().get("gaps")));
      case "barrier" -> {
        final BarrierMark b = c.getBarrier();
        batch(
            "INSERT INTO barriers (upload, partition, partitions, site, records, fresh, duplicates, conflicts, refused) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upload, partition) DO NOTHING",
            b.getUpload(), b.getPartition(), b.getPartitions(), b.getSite(), b.getRecords(), b.getFresh(), b.getDuplicates(), b.getConflicts(), b.getRefused());
      }
      default -> throw new IllegalArgumentException("no projection for entities of kind " + c.getKind());
    }
    for (final Map.Entry<String, List<Object>> fact : c.getFacts().entrySet()) {
      if (fact.getValue().size() > 1) {
        batch("INSERT INTO conflicts (entity_key, field, vals) VALUES (?, ?, ?::jsonb) ON CONFLICT (entity_key, field) DO UPDATE SET vals = EXCLUDED.vals",
            c.getKey(), fact.getKey(), json(jsonSafe(fact.getValue())));
      }
    }
  }

  /** {@code synced} on an update: the later of the row's and the change's, so a replay never moves it back. */
  private static String latest(final String table) {
    return "GREATEST(" + table + ".synced, EXCLUDED.synced)";
  }

  private void batch(final String sql, final Object... values) throws SQLException {
    final PreparedStatement statement = statements.computeIfAbsent(sql, s -> {
      try {
        return connection.prepareStatement(s);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        statement.setNull(i + 1, Types.NULL);
      } else {
        statement.setObject(i + 1, values[i]);
      }
    }
    statement.addBatch();
  }

  /**
   * The entity's integer id (V003): the first 52 bits of the SHA-256 of its key, the same in every
   * replay copy and every rebuild, and exact in a JavaScript number.
   */
  static long idOf(final String key) {
    try {
      final byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong() >>> 12;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static long idOf(final EntityChange c) {
    return idOf(c.getKey());
  }

  /**
   * A reused execution is one row per uuid (each its own entity); all of them are the one
   * execution the cmf routes show, so they share the id of its first uuid.
   */
  private static long executionId(final EntityChange c) {
    final List<String> uuids = c.getSets().get("uuids");
    return uuids == null || uuids.isEmpty() ? idOf(c) : idOf("execution/" + uuids.stream().sorted().findFirst().orElseThrow());
  }

  /** The newest event time among the entity's values; when it has none, when it was first seen. */
  private static Long updated(final EntityChange c) {
    return c.getProperties().values().stream().map(StampedValue::getEventTime).max(Long::compare).orElse(earliest(c, "firstSeen"));
  }

  /** The single value of an immutable fact; null when absent or in conflict. */
  private static Object fact(final EntityChange c, final String field) {
    final List<Object> values = c.getFacts().get(field);
    if (values == null || values.size() != 1) {
      return null;
    }
    // A text column: a non-finite double (bad input) is kept as its name, never as jsonb's tag.
    return values.get(0) instanceof Double d && !Double.isFinite(d) ? d.toString() : jsonSafe(values.get(0));
  }

  private static Long earliest(final EntityChange c, final String name) {
    return c.getEarliest().get(name);
  }

  /** Property values under {@code prefix}, plus immutable facts of the same prefix, by bare name. */
  private static Map<String, Object> properties(final EntityChange c, final String prefix) {
    final Map<String, Object> out = new java.util.TreeMap<>();
    for (final Map.Entry<String, StampedValue> p : c.getProperties().entrySet()) {
      if (p.getKey().startsWith(prefix)) {
        out.put(p.getKey().substring(prefix.length()), jsonSafe(p.getValue().getValue()));
      }
    }
    for (final Map.Entry<String, List<Object>> f : c.getFacts().entrySet()) {
      if (f.getKey().startsWith(prefix)) {
        out.put(f.getKey().substring(prefix.length()), f.getValue().size() == 1 ? jsonSafe(f.getValue().get(0)) : null);
      }
    }
    return out;
  }

  /**
   * JSON has no NaN or infinities: jsonb keeps each as {@code {"$double": "NaN"}} ("Infinity",
   * "-Infinity"), which query-service reads back as the double (V004), and which no string value
   * can be mistaken for.
   */
  static Object jsonSafe(final Object value) {
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return Map.of(DOUBLE_TAG, d.toString());
    }
    if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
      return Map.of(DOUBLE_TAG, Double.toString(f.doubleValue()));
    }
    if (value instanceof List<?> list) {
      final List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(jsonSafe(v)));
      return out;
    }
    return value;
  }

  private static String json(final Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value + " as JSON", e);
    }
  }

  private Array array(final List<String> members) throws SQLException {
    return connection.createArrayOf("text", members == null ? new Object[0] : members.toArray());
  }
}
