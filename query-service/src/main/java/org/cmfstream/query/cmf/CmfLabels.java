// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import org.cmfstream.query.store.Models.Execution;

/** The short labels the cmf UI shows for executions and artifacts (cmf-protocol.md, sections 1.2 and 6). */
final class CmfLabels {

  private CmfLabels() {}

  /** {@code Test-env/Prepare} and {@code 1afa7676-...} give {@code Prepare_1afa}. */
  static String executionShortName(final Execution execution) {
    final String stage = execution.stage() == null ? "" : execution.stage();
    final int slash = stage.indexOf('/');
    final String name = slash < 0 ? stage : stage.substring(slash + 1);
    return name + "_" + uuidPrefix(execution.joinedUuids());
  }

  /** The first 4 characters of the first {@code -} block of the first uuid of a comma list. */
  static String uuidPrefix(final String joinedUuids) {
    final String first = joinedUuids.split(",", 2)[0].trim();
    final String block = first.split("-", 2)[0];
    return block.length() <= 4 ? block : block.substring(0, 4);
  }

  /** {@code modify_arti_name}: the label of an artifact in the artifact lineage (section 6.1). */
  static String artifactLabel(final String name, final String type) {
    final String[] parts = name.split(":", -1);
    switch (type == null ? "" : type) {
      case "Dataset", "Model" -> {
        final String path = parts[0];
        final String base = basename(path);
        return parts.length > 1 ? base + ":" + first4(parts[1]) : base;
      }
      case "Metrics" -> {
        return parts.length > 2 ? parts[0] + ":" + first4(parts[1]) + ":" + parts[2] : name;
      }
      case "Step_Metrics" -> {
        if (parts.length < 4) {
          return name;
        }
        return stripCmfArtifacts(parts[0]) + ":" + first4(parts[1]) + ":" + parts[2] + ":" + first4(parts[3]);
      }
      case "Dataslice" -> {
        return parts.length > 1 ? stripCmfArtifacts(parts[0]) + ":" + first4(parts[1]) : stripCmfArtifacts(name);
      }
      default -> {
        return name;
      }
    }
  }

  /** {@code modify_artifact_name} of the bipartite view (section 6.3): the lineage label, and {@code raw_data:<4>} for raw data sets. */
  static String bipartiteArtifactLabel(final String name, final String type) {
    if ("Dataset".equals(type) && name.contains("raw_data")) {
      final String[] parts = name.split(":", -1);
      return "raw_data:" + (parts.length > 1 ? first4(parts[1]) : "");
    }
    return artifactLabel(name, type);
  }

  /** The file name, or the second-to-last segment when the path ends with {@code /}. */
  private static String basename(final String path) {
    final String[] segments = path.split("/", -1);
    if (segments.length > 1 && segments[segments.length - 1].isEmpty()) {
      return segments[segments.length - 2];
    }
    return segments[segments.length - 1];
  }

  private static String stripCmfArtifacts(final String path) {
    return path.startsWith("cmf_artifacts/") ? path.substring("cmf_artifacts/".length()) : path;
  }

  private static String first4(final String text) {
    return text.length() <= 4 ? text : text.substring(0, 4);
  }
}
