// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.cmfstream.query.store.Models.Artifact;
import org.cmfstream.query.store.Models.Conflict;
import org.cmfstream.query.store.Models.Event;
import org.cmfstream.query.store.Models.Execution;
import org.cmfstream.query.store.Models.Metric;
import org.cmfstream.query.store.Models.Pipeline;
import org.cmfstream.query.store.Models.Stage;
import org.cmfstream.query.store.Models.Watermark;

/**
 * Reads of the PostgreSQL projection that both the cmf routes and the v1 API rest on. Every query
 * is parameterised; the paged and filtered ones are built by their routes and run through
 * {@link #query}.
 */
@Singleton
public final class ProjectionStore {

  static final String PIPELINE_COLUMNS = "p.name, p.id, p.custom_properties, p.first_seen, p.updated, p.synced";
  static final String STAGE_COLUMNS = "s.name, s.id, s.pipeline, s.custom_properties, s.created, s.first_seen, s.updated, s.synced";
  public static final String EXECUTION_COLUMNS =
      "e.uuid, e.id, e.pipeline, e.stage, e.type, e.name, e.properties, e.custom_properties, e.uuids, e.created, e.first_seen, e.updated, e.synced";
  public static final String ARTIFACT_COLUMNS =
      "a.uri, a.id, a.type, a.names, a.properties, a.custom_properties, a.sets, a.created, a.first_seen, a.updated";

  /** Events in one order on every read: the table's key. */
  private static final String EVENT_ORDER = "ORDER BY ev.execution_uuid, ev.artifact_uri, ev.direction";

  /** Maps one row of a result. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final Jdbc jdbc;

  @Inject
  public ProjectionStore(final DataSource dataSource) {
    this(new Jdbc(dataSource));
  }

  private ProjectionStore(final Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Runs {@code reads} on a store whose queries all see one snapshot of the projection (one
   * read-only REPEATABLE READ transaction): for a read of several queries that must agree, such
   * as a pipeline's executions and their events while the sink writes more of both.
   */
  public <T> T inSnapshot(final Function<ProjectionStore, T> reads) {
    return jdbc.inSnapshot(j -> reads.apply(new ProjectionStore(j)));
  }

  public <T> List<T> query(final String sql, final RowMapper<T> mapper, final Object... parameters) {
    return jdbc.query(sql, mapper::map, parameters);
  }

  /** Every pipeline, in the order they were first seen. */
  public List<Pipeline> pipelines() {
    return jdbc.query("SELECT " + PIPELINE_COLUMNS + " FROM pipelines p ORDER BY p.first_seen NULLS LAST, p.name", ProjectionStore::pipeline);
  }

  public Optional<Pipeline> pipeline(final String name) {
    return jdbc.query("SELECT " + PIPELINE_COLUMNS + " FROM pipelines p WHERE p.name = ?", ProjectionStore::pipeline, name).stream().findFirst();
  }

  /** A pipeline's stages, in the order they were created. */
  public List<Stage> stages(final String pipeline) {
    return jdbc.query(
        "SELECT " + STAGE_COLUMNS + " FROM stages s WHERE s.pipeline = ? ORDER BY s.created NULLS LAST, s.name", ProjectionStore::stage, pipeline);
  }

  /** Every execution row of a pipeline (reused executions: one row per uuid), oldest first. */
  public List<Execution> executionRows(final String pipeline) {
    return jdbc.query(
        "SELECT " + EXECUTION_COLUMNS + " FROM executions e WHERE e.pipeline = ? ORDER BY e.created NULLS LAST, e.uuid",
        ProjectionStore::execution, pipeline);
  }

  public List<Execution> executionRows(final Collection<String> uuids) {
    return jdbc.query(
        "SELECT " + EXECUTION_COLUMNS + " FROM executions e WHERE e.uuid = ANY(?) ORDER BY e.created NULLS LAST, e.uuid",
        ProjectionStore::execution, (Object) uuids.toArray(String[]::new));
  }

  public Optional<Execution> execution(final String uuid) {
    return executionRows(List.of(uuid)).stream().findFirst();
  }

  /**
   * The events of a pipeline's executions, in the order of the table's key: without an order,
   * PostgreSQL returns them as the plan finds them, and what is built from them (lineage layers,
   * producer lists) could change between two reads of the same data.
   */
  public List<Event> events(final String pipeline) {
    return jdbc.query(
        "SELECT ev.execution_uuid, ev.artifact_uri, ev.direction, ev.first_seen FROM events ev "
            + "JOIN executions e ON e.uuid = ev.execution_uuid WHERE e.pipeline = ? " + EVENT_ORDER,
        ProjectionStore::event, pipeline);
  }

  public List<Event> eventsOfExecutions(final Collection<String> uuids) {
    return jdbc.query(
        "SELECT ev.execution_uuid, ev.artifact_uri, ev.direction, ev.first_seen FROM events ev WHERE ev.execution_uuid = ANY(?) " + EVENT_ORDER,
        ProjectionStore::event, (Object) uuids.toArray(String[]::new));
  }

  public List<Event> eventsOfArtifacts(final Collection<String> uris) {
    return jdbc.query(
        "SELECT ev.execution_uuid, ev.artifact_uri, ev.direction, ev.first_seen FROM events ev WHERE ev.artifact_uri = ANY(?) " + EVENT_ORDER,
        ProjectionStore::event, (Object) uris.toArray(String[]::new));
  }

  /** The artifacts that a pipeline's executions read or wrote. */
  public List<Artifact> artifacts(final String pipeline) {
    return jdbc.query(
        "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts a WHERE a.uri IN (SELECT ev.artifact_uri FROM events ev "
            + "JOIN executions e ON e.uuid = ev.execution_uuid WHERE e.pipeline = ?) ORDER BY a.created NULLS LAST, a.uri",
        ProjectionStore::artifact, pipeline);
  }

  public List<Artifact> artifacts(final Collection<String> uris) {
    return jdbc.query(
        "SELECT " + ARTIFACT_COLUMNS + " FROM artifacts a WHERE a.uri = ANY(?) ORDER BY a.created NULLS LAST, a.uri",
        ProjectionStore::artifact, (Object) uris.toArray(String[]::new));
  }

  public Optional<Artifact> artifact(final String uri) {
    return artifacts(List.of(uri)).stream().findFirst();
  }

  /**
   * The artifact with integer id {@code id}. Ids are 52-bit hashes of identities and may collide
   * (V006), so of two artifacts that share one the first seen answers, the same on every call.
   */
  public Optional<Artifact> artifactById(final long id) {
    return jdbc.query("SELECT " + ARTIFACT_COLUMNS + " FROM artifacts a WHERE a.id = ? ORDER BY a.first_seen, a.uri LIMIT 1", ProjectionStore::artifact, id)
        .stream().findFirst();
  }

  /** Artifact type names except {@code Environment}, in the order each type was first seen. */
  public List<String> artifactTypes() {
    return jdbc.query(
        "SELECT a.type FROM artifacts a WHERE a.type IS NOT NULL AND a.type <> 'Environment' GROUP BY a.type "
            + "ORDER BY min(a.first_seen) NULLS LAST, a.type",
        rs -> rs.getString(1));
  }

  public List<Metric> metrics(final String executionUuid) {
    return jdbc.query(
        "SELECT m.execution_uuid, m.name, m.step, m.value FROM metrics m WHERE m.execution_uuid = ? ORDER BY m.name, m.step",
        rs -> new Metric(rs.getString(1), rs.getString(2), rs.getLong(3), (Double) rs.getObject(4)), executionUuid);
  }

  /**
   * The conflicts after ({@code afterKey}, {@code afterField}) in the order of the table's primary
   * key, which serves the page: ordered by an expression instead (key and field joined), every page
   * sorted the whole table.
   */
  public List<Conflict> conflicts(final String afterKey, final String afterField, final int limit) {
    return jdbc.query(CONFLICTS_PAGE, rs -> new Conflict(rs.getString(1), rs.getString(2), Rows.jsonList(rs, "vals")), afterKey, afterField, limit);
  }

  /** A page of {@link #conflicts}: after an (entity, field), at most a number of rows. */
  public static final String CONFLICTS_PAGE =
      "SELECT c.entity_key, c.field, c.vals FROM conflicts c WHERE (c.entity_key, c.field) > (?, ?) ORDER BY c.entity_key, c.field LIMIT ?";

  public List<Watermark> watermarks() {
    return jdbc.query(
        "SELECT w.site, w.complete_through, w.gaps FROM site_watermarks w ORDER BY w.site",
        rs -> new Watermark(rs.getString("site"), rs.getLong("complete_through"), Rows.textArray(rs, "gaps")));
  }

  static Pipeline pipeline(final ResultSet rs) throws SQLException {
    return new Pipeline(rs.getString("name"), rs.getLong("id"), Rows.jsonMap(rs, "custom_properties"), Rows.nullableLong(rs, "first_seen"),
        Rows.nullableLong(rs, "updated"), Rows.nullableLong(rs, "synced"));
  }

  static Stage stage(final ResultSet rs) throws SQLException {
    return new Stage(rs.getString("name"), rs.getLong("id"), rs.getString("pipeline"), Rows.jsonMap(rs, "custom_properties"),
        Rows.nullableLong(rs, "created"), Rows.nullableLong(rs, "first_seen"), Rows.nullableLong(rs, "updated"),
        Rows.nullableLong(rs, "synced"));
  }

  public static Execution execution(final ResultSet rs) throws SQLException {
    return new Execution(rs.getString("uuid"), rs.getLong("id"), rs.getString("pipeline"), rs.getString("stage"), rs.getString("type"),
        rs.getString("name"), Rows.jsonMap(rs, "properties"), Rows.jsonMap(rs, "custom_properties"), Rows.textArray(rs, "uuids"),
        Rows.nullableLong(rs, "created"), Rows.nullableLong(rs, "first_seen"), Rows.nullableLong(rs, "updated"),
        Rows.nullableLong(rs, "synced"));
  }

  public static Artifact artifact(final ResultSet rs) throws SQLException {
    return new Artifact(rs.getString("uri"), rs.getLong("id"), rs.getString("type"), Rows.textArray(rs, "names"),
        Rows.jsonMap(rs, "properties"), Rows.jsonMap(rs, "custom_properties"), Rows.jsonSets(rs, "sets"),
        Rows.nullableLong(rs, "created"), Rows.nullableLong(rs, "first_seen"), Rows.nullableLong(rs, "updated"));
  }

  static Event event(final ResultSet rs) throws SQLException {
    return new Event(rs.getString(1), rs.getString(2), rs.getString(3), Rows.nullableLong(rs, "first_seen"));
  }
}
