// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

import io.micronaut.http.HttpMethod;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The front door's routing rule (DESIGN.md, "One public URL"): writes go to ingest-service and
 * reads to query-service, with the exceptions the cmf protocol and the native API need. Paths are
 * matched with and without the {@code /api} prefix, since the services serve both. The
 * per-dependency health routes ({@code /health/database}, {@code /health/neo4j}, {@code
 * /health/storage}, {@code /health/kafka}) are reads, answered by query-service, which checks all
 * four; only {@code /health} itself is the gateway's own ({@link ProxyFilter}).
 *
 * <p>The rule is a pure function of method and path, so that nginx or an ingress in a cluster can
 * express the same table (see {@code deploy/k8s}).
 */
final class RouteTable {

  /**
   * Reads that ingest-service answers: where a reconnecting site resumes, upload receipts, and
   * what it stores in object storage: artifact bytes by md5 (a file's, or a folder's {@code .dir}
   * manifest and its members) and the cmf side files. The listing {@code /v1/artifacts} and an
   * artifact's {@code /v1/artifacts/<md5>/metadata} are metadata, and stay with query-service.
   */
  private static final List<Pattern> INGEST_READS =
      List.of(
          Pattern.compile("/v1/sites/[^/]+/watermark"),
          Pattern.compile("/v1/receipts/[^/]+"),
          Pattern.compile("/v1/artifacts/[0-9a-fA-F]{32}(\\.dir)?"),
          Pattern.compile("/v1/artifacts/[0-9a-fA-F]{32}\\.dir/members"),
          Pattern.compile("/(python-env|label-data|download-python-env|artifact_pull)"));

  /** POSTs that are reads: the cmf pull sends its query as a JSON body. */
  private static final List<Pattern> QUERY_POSTS = List.of(Pattern.compile("/mlmd_pull(/.*)?"));

  private RouteTable() {}

  static Route route(final HttpMethod method, final String path) {
    final String p = withoutApiPrefix(path);
    return switch (method) {
      case GET, HEAD, OPTIONS -> matches(INGEST_READS, p) ? Route.INGEST : Route.QUERY;
      case POST -> matches(QUERY_POSTS, p) ? Route.QUERY : Route.INGEST;
      default -> Route.INGEST;
    };
  }

  static String withoutApiPrefix(final String path) {
    if (path.equals("/api")) {
      return "/";
    }
    return path.startsWith("/api/") ? path.substring(4) : path;
  }

  private static boolean matches(final List<Pattern> patterns, final String path) {
    return patterns.stream().anyMatch(p -> p.matcher(path).matches());
  }
}
