// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.testing.ProjectionSchema.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.cmfstream.testing.ProjectionSchema;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The v1 API over projection rows written here as the PostgreSQL sink writes them: a stage of five
 * executions of which three, then two, were first seen at one time (keyset pages through ties),
 * and a reused execution, logged once under three uuids, which the sink keeps as one row per uuid,
 * each with the execution's events and a metric point (and one more point under its first uuid).
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V1ApiReadsIT implements TestPropertyProvider {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  @Client("/")
  HttpClient client;

  @Inject
  org.cmfstream.query.store.ProjectionStore store;

  private final String pipeline = UniqueNames.of("v1-reads");
  private final String paged = pipeline + "/Page";
  private final String train = pipeline + "/Train";
  /** The paged stage's executions, by uuid, with the time each was first seen. */
  private final Map<String, Long> ties = Map.of(uuid(), 100L, uuid(), 100L, uuid(), 100L, uuid(), 200L, uuid(), 200L);
  /**
   * The reused execution's uuids, sorted as the sink writes them (the merge keeps them in a sorted
   * set): its representative row is the first's.
   */
  private final List<String> reused = java.util.stream.Stream.of(uuid(), uuid(), uuid()).sorted().toList();
  private final String dataset = md5();
  private final String model = md5();
  private final String orphan = pipeline + "/Orphan";
  private final List<String> orphaned = java.util.stream.Stream.of(uuid(), uuid(), uuid()).sorted().toList();

  @Override
  public Map<String, String> getProperties() {
    ProjectionSchema.migrate(SharedLocalStack.endpoints());
    return ServiceProperties.ofSharedStack();
  }

  @BeforeAll
  void writeProjectionRows() throws SQLException {
    try (Connection c = ProjectionSchema.connect()) {
      for (final Map.Entry<String, Long> tie : ties.entrySet()) {
        execution(c, tie.getKey(), paged, new String[] {tie.getKey()}, tie.getValue(), id());
      }
      final long reusedId = id();
      for (final String uuid : reused) {
        execution(c, uuid, train, reused.toArray(String[]::new), 300L, reusedId);
        update(c, "INSERT INTO events (execution_uuid, artifact_uri, direction, first_seen) VALUES (?, ?, 'INPUT', 300), (?, ?, 'OUTPUT', 300)",
            uuid, dataset, uuid, model);
        update(c, "INSERT INTO metrics (execution_uuid, name, step, value, first_seen) VALUES (?, 'loss', 1, 0.5, 300)", uuid);
      }
      // A reused execution whose first uuid's row is not written (yet): its other rows stand for it.
      final long orphanId = id();
      for (final String uuid : orphaned.subList(1, orphaned.size())) {
        execution(c, uuid, orphan, orphaned.toArray(String[]::new), 400L, orphanId);
      }
      // A point of the execution kept under one of its uuids only.
      update(c, "INSERT INTO metrics (execution_uuid, name, step, value, first_seen) VALUES (?, 'loss', 2, 0.25, 300)", reused.get(0));
      artifact(c, dataset, "Dataset", "artifacts/data.csv:" + dataset);
      artifact(c, model, "Model", "artifacts/model.pkl:" + model);
    }
  }

  /** The start bound that lets the index begin at the token's row must neither skip nor repeat a row of a tie. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-created", "created"})
  void shouldPageThroughTiesEachExecutionOnceInOrder(final String sort) throws Exception {
    // given
    final Comparator<String> byTime = Comparator.comparing(ties::get);
    final List<String> expected = ties.keySet().stream()
        .sorted((sort.startsWith("-") ? byTime.reversed() : byTime).thenComparing(Comparator.naturalOrder())).toList();

    // when: two at a time
    final List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      final JsonNode page = read("/api/v1/executions?pipeline=" + pipeline + "&stage=" + paged + "&sort=" + sort + "&page_size=2"
          + (token == null ? "" : "&page_token=" + token));
      page.path("items").forEach(e -> seen.add(e.path("uuid").asText()));
      token = page.path("nextPageToken").isTextual() ? page.path("nextPageToken").asText() : null;
      pages++;
    } while (token != null && pages < 10);

    // then
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void shouldListAReusedExecutionOnceAsItsRepresentativeRow() throws Exception {
    // when
    final JsonNode page = read("/api/v1/executions?pipeline=" + pipeline + "&stage=" + train);

    // then
    assertThat(page.path("items")).hasSize(1);
    assertThat(page.path("items").get(0).path("uuid").asText()).isEqualTo(reused.get(0));
    assertThat(page.path("items").get(0).path("uuids")).extracting(JsonNode::asText).containsExactlyElementsOf(reused);
  }

  /** The representative row is another entity's, perhaps on another partition: it may come later, or never. */
  @Test
  void shouldListAReusedExecutionWhoseFirstUuidsRowIsMissingUnderItsOtherRows() throws Exception {
    // when
    final JsonNode page = read("/api/v1/executions?pipeline=" + pipeline + "&stage=" + orphan);

    // then
    assertThat(page.path("items")).extracting(e -> e.path("uuid").asText()).containsExactlyInAnyOrderElementsOf(orphaned.subList(1, orphaned.size()));
  }

  @Test
  void shouldShowAReusedExecutionByAnyOfItsUuidsWithEachMetricPointOnce() throws Exception {
    // when
    final JsonNode detail = read("/api/v1/executions/" + reused.get(1));
    final JsonNode metrics = read("/api/v1/executions/" + reused.get(2) + "/metrics");

    // then
    assertThat(detail.path("execution").path("uuid").asText()).isEqualTo(reused.get(0));
    assertThat(detail.path("inputs")).extracting(a -> a.path("uri").asText()).containsExactly(dataset);
    assertThat(detail.path("outputs")).extracting(a -> a.path("uri").asText()).containsExactly(model);
    assertThat(detail.path("metrics")).extracting(m -> m.path("step").asLong()).containsExactly(1L, 2L);
    assertThat(metrics).extracting(m -> m.path("value").asDouble()).containsExactly(0.5, 0.25);
  }

  @Test
  void shouldListAReusedExecutionOnceAmongAnArtifactsProducersAndConsumers() throws Exception {
    // when
    final JsonNode written = read("/api/v1/artifacts/" + model + "/metadata");
    final JsonNode read = read("/api/v1/artifacts/" + dataset + "/metadata");

    // then
    assertThat(written.path("producers")).extracting(r -> r.path("uuid").asText()).containsExactly(reused.get(0));
    assertThat(read.path("consumers")).extracting(r -> r.path("uuid").asText()).containsExactly(reused.get(0));
  }

  @Test
  void shouldFindAnArtifactByItsNameAsLoggedOrByItsPath() throws Exception {
    // when
    final JsonNode byPath = read("/api/v1/artifacts?type=Dataset&name=artifacts/data.csv");
    final JsonNode byName = read("/api/v1/artifacts?type=Dataset&name=artifacts/data.csv:" + dataset);

    // then
    assertThat(byPath.path("items")).extracting(a -> a.path("uri").asText()).contains(dataset);
    assertThat(byName.path("items")).extracting(a -> a.path("uri").asText()).contains(dataset);
  }

  /** The path half of the filter unnested every artifact's names, which no index serves: a name no artifact had read them all. */
  @Test
  void shouldFindArtifactsByPathThroughAnIndex() {
    // when: the plan, with sequential scans priced out as on a table of many artifacts
    final List<String> plan = store.inSnapshot(s -> {
      s.query("SELECT set_config('enable_seqscan', 'off', true)", rs -> rs.getString(1));
      return s.query("EXPLAIN SELECT a.uri FROM artifacts a WHERE a.names @> ?::text[] OR artifact_paths(a.names) @> ?::text[]",
          rs -> rs.getString(1), new String[] {"nope"}, new String[] {"nope"});
    });

    // then
    assertThat(String.join("\n", plan)).contains("artifacts_by_path").contains("artifacts_by_name");
  }

  private JsonNode read(final String uri) throws Exception {
    return JSON.readTree(client.toBlocking().retrieve(HttpRequest.GET(uri)));
  }

  private void execution(final Connection c, final String uuid, final String stage, final String[] uuids, final long firstSeen, final long id)
      throws SQLException {
    update(c, "INSERT INTO executions (uuid, pipeline, stage, type, name, properties, custom_properties, uuids, created, first_seen, id, updated, synced) "
            + "VALUES (?, ?, ?, ?, '', '{}', '{}', ?, ?, ?, ?, ?, ?)",
        uuid, pipeline, stage, stage, uuids, firstSeen, firstSeen, id, firstSeen, firstSeen);
  }

  private static void artifact(final Connection c, final String uri, final String type, final String name) throws SQLException {
    update(c, "INSERT INTO artifacts (uri, type, names, properties, custom_properties, sets, created, first_seen, id, updated, synced) "
            + "VALUES (?, ?, ?, '{}', '{}', '{}', 300, 300, ?, 300, 300)",
        uri, type, new String[] {name}, id());
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private static String md5() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** An id as the sink derives them: 52 bits, here random, so that runs on one stack never collide. */
  private static long id() {
    return ThreadLocalRandom.current().nextLong(1L << 52);
  }
}
