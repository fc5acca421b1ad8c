// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.cmfstream.query.cmf.TangledTree.Node;
import org.junit.jupiter.api.Test;

class TangledTreeTest {

  @Test
  void shouldGroupNodesByTheirParentSetInTopologicalOrder() {
    // given: the example-get-started artifact lineage of cmf-protocol.md, section 6.1
    final List<Node> nodes = List.of(
        new Node("data", "data.xml.gz:236d", List.of()),
        new Node("train.tsv", "train.tsv:32b7", List.of("data")),
        new Node("test.tsv", "test.tsv:6f59", List.of("data")),
        new Node("train.pkl", "train.pkl:4b07", List.of("train.tsv", "test.tsv")),
        new Node("test.pkl", "test.pkl:d7bd", List.of("train.tsv", "test.tsv")),
        new Node("model", "model.pkl:bf62", List.of("train.pkl")),
        new Node("metrics", "metrics:7bea:4", List.of("test.pkl", "model")));

    // when
    final List<List<Map<String, Object>>> layers = TangledTree.layers(nodes);

    // then
    assertThat(layers).extracting(layer -> layer.stream().map(n -> n.get("id")).toList()).containsExactly(
        List.of("data.xml.gz:236d"),
        List.of("train.tsv:32b7", "test.tsv:6f59"),
        List.of("train.pkl:4b07", "test.pkl:d7bd"),
        List.of("model.pkl:bf62"),
        List.of("metrics:7bea:4"));
    assertThat(layers.get(4).get(0).get("parents")).isEqualTo(List.of("test.pkl:d7bd", "model.pkl:bf62"));
  }

  @Test
  void shouldLeaveOutTheDescendantsOfAParentThatIsNoNodeAndTheNodesOfACycle() {
    // given: the real server's quirks, kept on purpose
    final List<Node> nodes = List.of(
        new Node("a", "a", List.of()),
        new Node("orphan", "orphan", List.of("not-a-node")),
        new Node("below-orphan", "below-orphan", List.of("orphan")),
        new Node("x", "x", List.of("y")),
        new Node("y", "y", List.of("x")));

    // when
    final List<List<Map<String, Object>>> layers = TangledTree.layers(nodes);

    // then
    assertThat(layers).hasSize(1);
    assertThat(layers.get(0)).extracting(n -> n.get("id")).containsExactly("a");
  }
}
