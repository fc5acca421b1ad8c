// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro's binary encoding of one schema, written straight into a byte array by a tree of writers
 * built once from the schema: what {@code SpecificDatumWriter} writes, without its look-ups per
 * value (the conversion of each field, the union branch by type name, the encoder's buffer
 * between). It runs once per journal record published and once per entity change emitted.
 *
 * <p>It knows the types the cmf-stream schemas use: records, maps, arrays, unions, strings,
 * longs, ints, doubles, booleans, null, enums, and {@code timestamp-millis} longs (written from an
 * {@link Instant}); it refuses any other schema when built. A union takes the branch Avro's own
 * resolution picks for the value's Java type; the classes Avro would write as their text in a
 * string branch (BigDecimal, URI, File and the like) are refused instead, as nothing here makes
 * them. {@code SingleObjectCodecTest} holds its bytes equal
 * to Avro's encoder's for every kind of record and value.
 */
final class DirectWriter {

  /** Writes one value of one schema. */
  @FunctionalInterface
  private interface Node {
    void write(Object value, AvroOut out);
  }

  private final Node root;

  /** Refuses, with {@link IllegalArgumentException}, a schema holding a type it does not write. */
  DirectWriter(final Schema schema) {
    this.root = node(schema, schema.getName(), new IdentityHashMap<>());
  }

  /** Appends the encoding of {@code value} to {@code out}. */
  void write(final Object value, final AvroOut out) {
    root.write(value, out);
  }

  private static Node node(final Schema schema, final String path, final Map<Schema, Node[]> records) {
    if (schema.getLogicalType() != null) {
      if (schema.getType() == Schema.Type.LONG && schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
        return (v, out) -> out.writeLong(v instanceof Instant i ? i.toEpochMilli() : (Long) nonNull(v, path));
      }
      throw new IllegalArgumentException(path + ": no direct writer for the logical type " + schema.getLogicalType().getName());
    }
    return switch (schema.getType()) {
      case RECORD -> record(schema, path, records);
      case UNION -> union(schema, path, records);
      case MAP -> {
        final Node values = node(schema.getValueType(), path + "{}", records);
        yield (v, out) -> {
          final Map<?, ?> map = (Map<?, ?>) nonNull(v, path);
          out.writeCount(map.size());
          int written = 0;
          for (final Map.Entry<?, ?> e : map.entrySet()) {
            // A key is written as its text, whatever its class, as Avro's writer does.
            out.writeString(nonNull(e.getKey(), path + " key").toString());
            values.write(e.getValue(), out);
            written++;
          }
          checkCount(map.size(), written, path);
          out.writeByte(0);
        };
      }
      case ARRAY -> {
        final Node items = node(schema.getElementType(), path + "[]", records);
        yield (v, out) -> {
          final Collection<?> list = (Collection<?>) nonNull(v, path);
          out.writeCount(list.size());
          int written = 0;
          for (final Object item : list) {
            items.write(item, out);
            written++;
          }
          checkCount(list.size(), written, path);
          out.writeByte(0);
        };
      }
      case STRING -> (v, out) -> out.writeString((CharSequence) nonNull(v, path));
      // Any Number, as Avro's writer takes it.
      case LONG -> (v, out) -> out.writeLong(((Number) nonNull(v, path)).longValue());
      case INT -> (v, out) -> out.writeInt(((Number) nonNull(v, path)).intValue());
      case DOUBLE -> (v, out) -> out.writeDouble(((Number) nonNull(v, path)).doubleValue());
      case BOOLEAN -> (v, out) -> out.writeByte((Boolean) nonNull(v, path) ? 1 : 0);
      case NULL -> (v, out) -> {
        if (v != null) {
          throw new AvroRuntimeException(path + ": not null: " + v);
        }
      };
      case ENUM -> (v, out) -> out.writeInt(ordinal(schema, nonNull(v, path), path));
      default -> throw new IllegalArgumentException(path + ": no direct writer for " + schema.getType());
    };
  }

  private static Node record(final Schema schema, final String path, final Map<Schema, Node[]> records) {
    final Node[] known = records.get(schema);
    if (known != null) {
      // A record inside itself: its fields are filled in once the outer build is done.
      return (v, out) -> writeFields(known, (IndexedRecord) nonNull(v, path), out);
    }
    final List<Schema.Field> fields = schema.getFields();
    final Node[] writers = new Node[fields.size()];
    records.put(schema, writers);
    for (final Schema.Field field : fields) {
      writers[field.pos()] = node(field.schema(), schema.getName() + "." + field.name(), records);
    }
    return (v, out) -> writeFields(writers, (IndexedRecord) nonNull(v, path), out);
  }

  private static void writeFields(final Node[] writers, final IndexedRecord record, final AvroOut out) {
    for (int i = 0; i < writers.length; i++) {
      writers[i].write(record.get(i), out);
    }
  }

  /**
   * A union: the branch of the value's type, as Avro's {@code GenericData.resolveUnion} names it:
   * null, a long, an int, a double, a string (any CharSequence), a boolean, a map, an array (any
   * Collection), a record or an enum by its full name.
   */
  private static Node union(final Schema schema, final String path, final Map<Schema, Node[]> records) {
    final List<Schema> types = schema.getTypes();
    final Node[] branches = new Node[types.size()];
    final Map<String, Integer> named = new HashMap<>();
    final int[] byKind = new int[Kind.values().length];
    Arrays.fill(byKind, -1);
    for (int i = 0; i < types.size(); i++) {
      final Schema branch = types.get(i);
      branches[i] = node(branch, path, records);
      switch (branch.getType()) {
        case NULL -> byKind[Kind.NULL.ordinal()] = i;
        case LONG -> byKind[Kind.LONG.ordinal()] = i;
        case INT -> byKind[Kind.INT.ordinal()] = i;
        case DOUBLE -> byKind[Kind.DOUBLE.ordinal()] = i;
        case STRING -> byKind[Kind.STRING.ordinal()] = i;
        case BOOLEAN -> byKind[Kind.BOOLEAN.ordinal()] = i;
        case MAP -> byKind[Kind.MAP.ordinal()] = i;
        case ARRAY -> byKind[Kind.ARRAY.ordinal()] = i;
        case RECORD, ENUM -> named.put(branch.getFullName(), i);
        default -> throw new IllegalArgumentException(path + ": no direct writer for a union with " + branch.getType());
      }
    }
    return (v, out) -> {
      final Kind kind = Kind.of(v);
      final int branch;
      if (kind == Kind.NAMED) {
        final String name = v instanceof IndexedRecord r ? r.getSchema().getFullName()
            : v instanceof GenericEnumSymbol<?> s ? s.getSchema().getFullName()
            : ((Enum<?>) v).getDeclaringClass().getName();
        branch = named.getOrDefault(name, -1);
      } else {
        branch = kind == null ? -1 : byKind[kind.ordinal()];
      }
      if (branch < 0) {
        throw new UnresolvedUnionException(schema, v);
      }
      out.writeInt(branch);
      branches[branch].write(v, out);
    };
  }

  /** The kinds of value a union tells apart. */
  private enum Kind {
    NULL, LONG, INT, DOUBLE, STRING, BOOLEAN, MAP, ARRAY, NAMED;

    /** The kind of {@code v}, or null where no branch can take it. */
    static Kind of(final Object v) {
      if (v == null) {
        return NULL;
      } else if (v instanceof CharSequence) {
        return STRING;
      } else if (v instanceof Long) {
        return LONG;
      } else if (v instanceof Double) {
        return DOUBLE;
      } else if (v instanceof Boolean) {
        return BOOLEAN;
      } else if (v instanceof Integer) {
        return INT;
      } else if (v instanceof Map<?, ?>) {
        return MAP;
      } else if (v instanceof Collection<?>) {
        return ARRAY;
      } else if (v instanceof IndexedRecord || v instanceof GenericEnumSymbol<?> || v instanceof Enum<?>) {
        return NAMED;
      }
      return null;
    }
  }

  private static int ordinal(final Schema schema, final Object symbol, final String path) {
    final String name = symbol instanceof Enum<?> e ? e.name() : symbol.toString();
    if (!schema.hasEnumSymbol(name)) {
      throw new AvroRuntimeException(path + ": not a symbol of " + schema.getFullName() + ": " + name);
    }
    return schema.getEnumOrdinal(name);
  }

  private static Object nonNull(final Object value, final String path) {
    if (value == null) {
      throw new NullPointerException("null value for the non-nullable " + path);
    }
    return value;
  }

  private static void checkCount(final int size, final int written, final String path) {
    if (size != written) {
      throw new java.util.ConcurrentModificationException(path + ": size " + size + " but " + written + " entries written");
    }
  }
}
