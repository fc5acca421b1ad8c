// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.ClientException;

@ExtendWith(LocalStackExtension.class)
class Neo4jSmokeIT {

  @Test
  void shouldEnforceUniquenessMergeIdempotentlyAndTraversePaths(final StackEndpoints stack) {
    // A label of its own keeps this test out of every other test's way.
    final String label = "Smoke_" + UniqueNames.identifier("n").substring(2);
    try (Driver driver = GraphDatabase.driver(stack.boltUri(), AuthTokens.none())) {
      // given: a uniqueness constraint
      driver.executableQuery("CREATE CONSTRAINT " + label + "_id IF NOT EXISTS FOR (n:" + label + ") REQUIRE n.id IS UNIQUE").execute();

      // when: a chain a -> b -> c -> d plus a -> x, merged twice
      final String merge =
          "UNWIND $edges AS e MERGE (s:" + label + " {id: e.from}) MERGE (t:" + label + " {id: e.to}) MERGE (s)-[:LINKS]->(t)";
      final List<Map<String, Object>> edges =
          List.of(Map.of("from", "a", "to", "b"), Map.of("from", "b", "to", "c"), Map.of("from", "c", "to", "d"), Map.of("from", "a", "to", "x"));
      driver.executableQuery(merge).withParameters(Map.of("edges", edges)).execute();
      driver.executableQuery(merge).withParameters(Map.of("edges", edges)).execute();

      // then: no duplicates
      final Record counts =
          driver.executableQuery("MATCH (n:" + label + ") OPTIONAL MATCH (n)-[r:LINKS]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels")
              .execute()
              .records()
              .get(0);
      assertThat(counts.get("nodes").asInt()).isEqualTo(5);
      assertThat(counts.get("rels").asInt()).isEqualTo(4);

      // and: the constraint refuses a second node with the same id
      assertThatThrownBy(() -> driver.executableQuery("CREATE (:" + label + " {id: 'a'})").execute())
          .isInstanceOf(ClientException.class)
          .hasMessageContaining("already exists");

      // and: a bounded variable-length traversal finds every descendant at its depth
      final List<String> reached =
          driver.executableQuery(
                  "MATCH p = (:" + label + " {id: $id})-[:LINKS*1..5]->(d) RETURN d.id AS id, length(p) AS depth ORDER BY depth, id")
              .withParameters(Map.of("id", "a"))
              .execute()
              .records()
              .stream()
              .map(r -> r.get("id").asString() + "@" + r.get("depth").asInt())
              .toList();
      assertThat(reached).containsExactly("b@1", "x@1", "c@2", "d@3");
    }
  }
}
