// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.cmfstream.query.web.InvalidParameter;
import org.cmfstream.query.web.TextJson;

/**
 * The v1 API's property filters: {@code property=<name>:<value>}, repeatable, all must hold. A
 * value matches the stored string, and also the number or boolean it spells (cmf stores
 * {@code seed} as an integer but {@code split} as the string {@code "0.2"}).
 */
final class Filters {

  private static final ObjectMapper JSON = TextJson.mapper().build();

  private Filters() {}

  /**
   * Appends one condition per filter to {@code sql}, and its parameters to {@code params}.
   *
   * @param alias the table alias; its {@code properties} and {@code custom_properties} are searched
   */
  static void properties(final List<String> filters, final String alias, final StringBuilder sql, final List<Object> params) {
    for (final String filter : filters) {
      final int colon = filter.indexOf(':');
      if (colon <= 0) {
        throw new InvalidParameter("property", "expected <name>:<value>, got '" + filter + "'");
      }
      final String name = filter.substring(0, colon);
      final String value = filter.substring(colon + 1);
      final List<String> candidates = new ArrayList<>();
      candidates.add(object(name, JSON.getNodeFactory().textNode(value)));
      try {
        final var parsed = JSON.readTree(value);
        if (parsed != null && (parsed.isNumber() || parsed.isBoolean())) {
          candidates.add(object(name, parsed));
        }
      } catch (java.io.IOException e) {
        // not a number: only the string form can match
      }
      sql.append(" AND (");
      for (int i = 0; i < candidates.size(); i++) {
        if (i > 0) {
          sql.append(" OR ");
        }
        sql.append(alias).append(".custom_properties @> ?::jsonb OR ").append(alias).append(".properties @> ?::jsonb");
        params.add(candidates.get(i));
        params.add(candidates.get(i));
      }
      sql.append(')');
    }
  }

  private static String object(final String name, final com.fasterxml.jackson.databind.JsonNode value) {
    final ObjectNode node = JSON.createObjectNode();
    node.set(name, value);
    return node.toString();
  }

  static int pageSize(final Integer requested, final QuerySettings settings) {
    if (requested == null) {
      return settings.getDefaultPageSize();
    }
    if (requested < 1 || requested > settings.getMaxPageSize()) {
      throw new InvalidParameter("page_size", "must be between 1 and " + settings.getMaxPageSize() + ", got " + requested);
    }
    return requested;
  }
}
