// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.query.web.TextJson;

/**
 * Reading the projection's column types (jsonb, text[], nullable bigint) into Java values. A
 * double JSON cannot hold (NaN, an infinity) is kept in jsonb as {@code {"$double": "NaN"}} by the
 * PostgreSQL sink (V004); it is read back here as the {@link Double} it stands for.
 */
final class Rows {

  /** The key of the tagged form of a non-finite double in jsonb. */
  static final String DOUBLE_TAG = "$double";

  private static final ObjectMapper JSON = TextJson.mapper().build();
  private static final TypeReference<TreeMap<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<TreeMap<String, List<String>>> SETS = new TypeReference<>() {};

  private Rows() {}

  static Map<String, Object> jsonMap(final ResultSet rs, final String column) throws SQLException {
    final String text = rs.getString(column);
    if (text == null) {
      return new LinkedHashMap<>();
    }
    try {
      final Map<String, Object> map = JSON.readValue(text, MAP);
      map.replaceAll((k, v) -> untagged(v));
      return map;
    } catch (JsonProcessingException e) {
      throw new SQLException("column " + column + " does not hold a JSON object: " + text, e);
    }
  }

  static Map<String, List<String>> jsonSets(final ResultSet rs, final String column) throws SQLException {
    final String text = rs.getString(column);
    if (text == null) {
      return new TreeMap<>();
    }
    try {
      return JSON.readValue(text, SETS);
    } catch (JsonProcessingException e) {
      throw new SQLException("column " + column + " does not hold a JSON object of lists: " + text, e);
    }
  }

  static List<Object> jsonList(final ResultSet rs, final String column) throws SQLException {
    final String text = rs.getString(column);
    try {
      return text == null ? List.of() : JSON.readValue(text, new TypeReference<List<Object>>() {}).stream().map(Rows::untagged).toList();
    } catch (JsonProcessingException e) {
      throw new SQLException("column " + column + " does not hold a JSON list: " + text, e);
    }
  }

  /** A value read from jsonb, with every tagged non-finite double turned back into a Double. */
  static Object untagged(final Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1 && map.get(DOUBLE_TAG) instanceof String name) {
      return switch (name) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> value;
      };
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Rows::untagged).toList();
    }
    return value;
  }

  static List<String> textArray(final ResultSet rs, final String column) throws SQLException {
    final Array array = rs.getArray(column);
    if (array == null) {
      return List.of();
    }
    return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }

  static Long nullableLong(final ResultSet rs, final String column) throws SQLException {
    final long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
