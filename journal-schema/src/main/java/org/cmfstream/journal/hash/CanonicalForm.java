// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * The canonical text of a value, the input of {@link ContentHash}: equal facts give equal text
 * whatever the order of map entries or set members, and different facts give different text.
 *
 * <p>The form is JSON-like and unambiguous:
 *
 * <ul>
 *   <li>maps: {@code {"k":v,...}} with keys sorted by their UTF-8 bytes; keys are strings;
 *   <li>sets ({@link Set}): {@code <a,b,...>} with members sorted by their canonical text, so the
 *       encoding of a set never depends on its iteration order;
 *   <li>lists and arrays: {@code [a,b,...]} in order;
 *   <li>strings: {@code "..."} as UTF-8, escaping only {@code "}, {@code \} and control
 *       characters, so no unicode text has two encodings (no normalisation is applied: different
 *       code points are different facts);
 *   <li>numbers: one form per mathematical value, whatever its Java type: integers exactly
 *       ({@code 1}, {@code -9223372036854775808}, any {@link BigInteger}), other doubles as the
 *       exact decimal expansion of their binary value ({@code 0.5}), so {@code 1}, {@code 1L} and
 *       {@code 1.0} agree and no JDK's {@code Double.toString} is relied on; {@code -0.0} is
 *       {@code 0}; NaN and the infinities are the tokens {@code NaN}, {@code Infinity} and {@code
 *       -Infinity};
 *   <li>booleans: {@code true}, {@code false}; null: {@code null};
 *   <li>Avro records: the map of their fields; Avro strings and enum symbols: strings; instants:
 *       epoch milliseconds.
 * </ul>
 *
 * <p>This text is the definition. {@link ContentHash} hashes the same bytes written directly by
 * {@code CanonicalBytes}, which {@code CanonicalBytesTest} holds equal to {@link #bytes}.
 */
public final class CanonicalForm {

  private CanonicalForm() {}

  /** The canonical UTF-8 bytes of {@code value}. */
  public static byte[] bytes(final Object value) {
    return text(value).getBytes(StandardCharsets.UTF_8);
  }

  /** The canonical text of {@code value}. */
  public static String text(final Object value) {
    final StringBuilder out = new StringBuilder(64);
    write(value, out);
    return out.toString();
  }

  private static void write(final Object value, final StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof CharSequence s) {
      writeString(s.toString(), out);
    } else if (value instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (value instanceof Number n) {
      writeNumber(n, out);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(map, out);
    } else if (value instanceof Set<?> set) {
      writeSet(set, out);
    } else if (value instanceof Collection<?> list) {
      writeList(list, out);
    } else if (value instanceof Object[] array) {
      writeList(Arrays.asList(array), out);
    } else if (value instanceof Enum<?> e) {
      writeString(e.name(), out);
    } else if (value instanceof IndexedRecord r) {
      writeRecord(null, r, out);
    } else if (value instanceof Utf8 || value instanceof GenericEnumSymbol<?>) {
      writeString(value.toString(), out);
    } else if (value instanceof Instant i) {
      out.append(i.toEpochMilli());
    } else {
      throw new IllegalArgumentException("no canonical form for " + value.getClass().getName());
    }
  }

  private static void writeMap(final Map<?, ?> map, final StringBuilder out) {
    final List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
    for (final Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof CharSequence key)) {
        throw new IllegalArgumentException("map keys must be strings, got " + e.getKey());
      }
      entries.add(Map.entry(key.toString(), e.getValue() == null ? NULL : e.getValue()));
    }
    writeEntries(entries, out);
  }

  private static void writeEntries(final List<Map.Entry<String, Object>> entries, final StringBuilder out) {
    entries.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
    out.append('{');
    for (int i = 0; i < entries.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      writeString(entries.get(i).getKey(), out);
      out.append(':');
      final Object value = entries.get(i).getValue();
      write(value == NULL ? null : value, out);
    }
    out.append('}');
  }

  /**
   * The canonical text of an Avro record: the map of its fields, plus {@code "kind": kind} when
   * a kind is given. Equal to the text of the same fields put in a {@link Map}, without building
   * one.
   */
  public static String record(final String kind, final IndexedRecord record) {
    final StringBuilder out = new StringBuilder(256);
    writeRecord(kind, record, out);
    return out.toString();
  }

  private static void writeRecord(final String kind, final IndexedRecord record, final StringBuilder out) {
    final List<Schema.Field> fields = record.getSchema().getFields();
    final List<Map.Entry<String, Object>> entries = new ArrayList<>(fields.size() + 1);
    if (kind != null) {
      entries.add(Map.entry("kind", kind));
    }
    for (final Schema.Field field : fields) {
      final Object value = record.get(field.pos());
      entries.add(Map.entry(field.name(), value == null ? NULL : value));
    }
    writeEntries(entries, out);
  }

  /** Stands for a null map value, which {@link Map#entry} does not allow. */
  private static final Object NULL = new Object();

  /**
   * Orders strings by code point, which is the order of their UTF-8 bytes (unlike {@link
   * String#compareTo}, which orders supplementary characters by their UTF-16 surrogates), without
   * encoding them.
   */
  static int compareCodePoints(final String a, final String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      final int ca = a.codePointAt(i);
      final int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static void writeSet(final Set<?> set, final StringBuilder out) {
    final List<byte[]> members = new ArrayList<>(set.size());
    for (final Object member : set) {
      members.add(bytes(member));
    }
    members.sort(Arrays::compareUnsigned);
    out.append('<');
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(new String(members.get(i), StandardCharsets.UTF_8));
    }
    out.append('>');
  }

  private static void writeList(final Collection<?> list, final StringBuilder out) {
    out.append('[');
    boolean first = true;
    for (final Object item : list) {
      if (!first) {
        out.append(',');
      }
      first = false;
      write(item, out);
    }
    out.append(']');
  }

  private static void writeNumber(final Number n, final StringBuilder out) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      out.append(n.longValue());
    } else if (n instanceof BigInteger b) {
      out.append(b);
    } else if (n instanceof Double || n instanceof Float) {
      final double d = n.doubleValue();
      if (Double.isNaN(d)) {
        out.append("NaN");
      } else if (Double.isInfinite(d)) {
        out.append(d > 0 ? "Infinity" : "-Infinity");
      } else {
        // new BigDecimal(double) is the exact binary value; -0.0 compares equal to 0.
        out.append(d == 0 ? "0" : plain(new BigDecimal(d)));
      }
    } else if (n instanceof BigDecimal b) {
      out.append(b.signum() == 0 ? "0" : plain(b));
    } else {
      throw new IllegalArgumentException("no canonical form for number type " + n.getClass().getName());
    }
  }

  private static String plain(final BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  private static void writeString(final String s, final StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      final char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
