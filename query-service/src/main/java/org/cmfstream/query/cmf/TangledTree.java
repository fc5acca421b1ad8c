// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout every cmf lineage view shares (cmf-protocol.md, section 6): Kahn's topological order
 * of the nodes, then the nodes grouped by their exact parent set, the groups in order of their
 * first member. The real server's quirk is kept on purpose, since its UI is built for it: a parent
 * that is not itself a node never reaches the queue, so its children (and theirs) are left out,
 * and so are the nodes of a cycle.
 */
final class TangledTree {

  /** A node's key, the label it is shown with, and its parents' keys. */
  record Node(String key, String label, List<String> parents) {}

  private TangledTree() {}

  /** @param nodes in insertion order; it decides the order among nodes with no ordering between them */
  static List<List<Map<String, Object>>> layers(final List<Node> nodes) {
    final Map<String, Node> byKey = new LinkedHashMap<>();
    nodes.forEach(n -> byKey.putIfAbsent(n.key(), n));
    final Map<String, Integer> inDegree = new LinkedHashMap<>();
    final Map<String, List<String>> children = new HashMap<>();
    for (final Node n : byKey.values()) {
      inDegree.putIfAbsent(n.key(), 0);
      for (final String parent : n.parents()) {
        children.computeIfAbsent(parent, k -> new ArrayList<>()).add(n.key());
        inDegree.merge(n.key(), 1, Integer::sum);
      }
    }
    final Deque<String> queue = new ArrayDeque<>();
    inDegree.forEach((key, degree) -> {
      if (degree == 0) {
        queue.add(key);
      }
    });
    final Map<List<String>, List<Map<String, Object>>> groups = new LinkedHashMap<>();
    while (!queue.isEmpty()) {
      final String key = queue.poll();
      final Node node = byKey.get(key);
      final List<String> group = new ArrayList<>(node.parents());
      group.sort(null);
      final Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", node.label());
      entry.put("parents", node.parents().stream().map(p -> byKey.containsKey(p) ? byKey.get(p).label() : p).toList());
      groups.computeIfAbsent(group, g -> new ArrayList<>()).add(entry);
      for (final String child : children.getOrDefault(key, List.of())) {
        if (inDegree.merge(child, -1, Integer::sum) == 0) {
          queue.add(child);
        }
      }
    }
    return new ArrayList<>(groups.values());
  }
}
