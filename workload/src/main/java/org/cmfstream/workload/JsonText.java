// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for maps, lists and scalars in their iteration order. Written by hand, not
 * with Jackson, for two things the cmf client does that Jackson would not by default: Python's
 * {@code json.dumps} separators ({@code ", "} and {@code ": "}) and the bare {@code NaN} and
 * {@code Infinity} tokens for non-finite doubles.
 */
final class JsonText {

  private JsonText() {}

  /** Python's {@code json.dumps(value)}: {@code ", "} and {@code ": "}, ASCII only. */
  static String python(final Object value) {
    final StringBuilder out = new StringBuilder(256);
    write(out, value, ", ", ": ");
    return out.toString();
  }

  /** Compact JSON, for NDJSON lines. */
  static String compact(final Object value) {
    final StringBuilder out = new StringBuilder(128);
    write(out, value, ",", ":");
    return out.toString();
  }

  static void write(final StringBuilder out, final Object value, final String comma, final String colon) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Double d) {
      out.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : Double.toString(d));
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      final Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      while (entries.hasNext()) {
        final Map.Entry<?, ?> e = entries.next();
        string(out, (String) e.getKey());
        out.append(colon);
        write(out, e.getValue(), comma, colon);
        if (entries.hasNext()) {
          out.append(comma);
        }
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(comma);
        }
        write(out, list.get(i), comma, colon);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static void string(final StringBuilder out, final String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      final char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
