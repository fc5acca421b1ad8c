// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the real server's UI routes print property values and name lists (cmf-protocol.md, section 1.2). */
final class CmfValues {

  private CmfValues() {}

  /**
   * A value as PostgreSQL's {@code COALESCE(string_value, bool::text, double::text, int::text)}
   * prints it: every value a string, a whole double without a fraction.
   */
  static String text(final Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Double d) {
      if (!d.isNaN() && !d.isInfinite() && d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString(d.longValue());
      }
      return d.toString();
    }
    return value.toString();
  }

  /** {@code [{"name": k, "value": "v"}, ...]}: properties first, then custom properties. */
  static List<Map<String, Object>> nameValueList(final Map<String, Object> properties, final Map<String, Object> custom) {
    final List<Map<String, Object>> out = new ArrayList<>();
    properties.forEach((k, v) -> out.add(pair(k, v)));
    custom.forEach((k, v) -> out.add(pair(k, v)));
    return out;
  }

  private static Map<String, Object> pair(final String name, final Object value) {
    final Map<String, Object> pair = new LinkedHashMap<>();
    pair.put("name", name);
    pair.put("value", text(value));
    return pair;
  }

  /** A page parameter of the UI routes: an integer above zero, or its default when absent. */
  static int positive(final String value, final int fallback, final String name) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      final int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new CmfParameterError(name, "Input should be an integer greater than 0, got '" + value + "'");
  }

  /** ILIKE's pattern for "contains this text", with its wildcards taken literally. */
  static String containsPattern(final String text) {
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  /** A query parameter of a cmf route that is missing or malformed: FastAPI answers 422. */
  static final class CmfParameterError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    CmfParameterError(final String parameter, final String message) {
      super(message);
      this.parameter = parameter;
    }

    String parameter() {
      return parameter;
    }
  }
}
