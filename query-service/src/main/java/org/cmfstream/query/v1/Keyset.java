// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import org.cmfstream.query.web.InvalidParameter;

/**
 * Keyset paging by {@code (first_seen, <key>)}, newest or oldest first: the condition that starts
 * a page after the token's row, the order, and the token of the page after. Unlike an offset, a
 * page stays correct while rows are added, and costs the same however deep it is.
 *
 * @param alias the table alias
 * @param key the unique column that breaks ties of {@code first_seen}
 * @param descending newest first
 * @param query the fingerprint a token must carry (filters and sort)
 */
record Keyset(String alias, String key, boolean descending, String query) {

  /** Appends the start condition for {@code pageToken} (if any), the order and the limit. */
  void append(final String pageToken, final int size, final StringBuilder sql, final List<Object> params) {
    final String t = alias + ".first_seen";
    final String k = alias + "." + key;
    if (pageToken != null) {
      final JsonNode after = PageToken.decode(pageToken, query, "page_token");
      if (!after.path("t").canConvertToLong() || !after.path("k").isTextual()) {
        throw new InvalidParameter("page_token", "not a token this API issued");
      }
      // The first bound is implied by the condition after it, but only it can start the index
      // scan at the token's row: an OR is no index condition, so without it PostgreSQL read every
      // row before the page, and the pages got slower the deeper they went.
      sql.append(" AND ").append(t).append(descending ? " <= ?" : " >= ?");
      sql.append(" AND (").append(t).append(descending ? " < ?" : " > ?").append(" OR (").append(t).append(" = ? AND ").append(k).append(" > ?))");
      params.add(after.get("t").asLong());
      params.add(after.get("t").asLong());
      params.add(after.get("t").asLong());
      params.add(after.get("k").asText());
    }
    sql.append(" ORDER BY ").append(t).append(descending ? " DESC" : " ASC").append(", ").append(k).append(" LIMIT ?");
    // One row more than the page: whether it exists says whether there is a next page.
    params.add(size + 1);
  }

  /** The token of the page after {@code rows} (fetched with {@link #append}), or null on the last page. */
  <T> String next(final List<T> rows, final int size, final Function<T, Long> firstSeen, final Function<T, String> keyOf) {
    if (rows.size() <= size) {
      return null;
    }
    final T last = rows.get(size - 1);
    return PageToken.encode(query, PageToken.position().put("t", firstSeen.apply(last)).put("k", keyOf.apply(last)));
  }
}
