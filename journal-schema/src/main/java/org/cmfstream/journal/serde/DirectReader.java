// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoding of one schema, read straight from a byte array by a tree of readers built
 * once from the schema: the counterpart of {@link DirectWriter}. It makes the values Avro's
 * specific reader makes (the generated records and enums, a {@code String} where the schema says
 * {@code avro.java.string: String} and a {@link Utf8} elsewhere, a {@code HashMap} for a map, the
 * model's array for an array, an {@link Instant} for a {@code timestamp-millis} long), without its
 * resolver, its decoder's buffer and its look-ups per value. It runs for every journal record and
 * entity change the replay and its sinks read.
 *
 * <p>It reads only what was written with the very schema it was built from: {@link
 * SingleObjectCodec} sends bytes of any other schema version through Avro's resolving decoder.
 * Bytes that are not such a value (cut short, a bad union branch or enum ordinal, a negative
 * length) fail with {@link AvroRuntimeException}. {@code DirectReaderTest} holds its values equal,
 * class for class, to Avro's decoder's.
 */
final class DirectReader {

  /** Reads one value of one schema. */
  @FunctionalInterface
  private interface Node {
    Object read(In in);
  }

  private final Node root;

  /**
   * @param model the model of the generated classes, which makes their records, enums and arrays
   * @throws IllegalArgumentException for a schema holding a type it does not read
   */
  DirectReader(final Schema schema, final GenericData model) {
    this.root = node(schema, schema.getName(), model, new IdentityHashMap<>());
  }

  /** Reads one value from {@code bytes}, starting at {@code offset}; what follows it is not read. */
  Object read(final byte[] bytes, final int offset) {
    return root.read(new In(bytes, offset));
  }

  private static Node node(final Schema schema, final String path, final GenericData model, final Map<Schema, Node[]> records) {
    if (schema.getLogicalType() != null) {
      if (schema.getType() == Schema.Type.LONG && schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
        return in -> Instant.ofEpochMilli(in.readLong());
      }
      throw new IllegalArgumentException(path + ": no direct reader for the logical type " + schema.getLogicalType().getName());
    }
    return switch (schema.getType()) {
      case RECORD -> record(schema, path, model, records);
      case UNION -> {
        final List<Schema> types = schema.getTypes();
        final Node[] branches = new Node[types.size()];
        for (int i = 0; i < branches.length; i++) {
          branches[i] = node(types.get(i), path, model, records);
        }
        yield in -> {
          final int branch = in.readInt();
          if (branch < 0 || branch >= branches.length) {
            throw new AvroRuntimeException(path + ": no union branch " + branch);
          }
          return branches[branch].read(in);
        };
      }
      case MAP -> {
        final boolean stringKeys = javaString(schema);
        final Node values = node(schema.getValueType(), path + "{}", model, records);
        yield in -> {
          final Map<Object, Object> map = new HashMap<>();
          for (long n = in.readCount(); n > 0; n = in.readCount()) {
            for (long i = 0; i < n; i++) {
              final Object key = in.readString(stringKeys);
              map.put(key, values.read(in));
            }
          }
          return map;
        };
      }
      case ARRAY -> {
        final Node items = node(schema.getElementType(), path + "[]", model, records);
        yield in -> {
          long n = in.readCount();
          @SuppressWarnings("unchecked")
          final List<Object> list = (List<Object>) model.newArray(null, (int) Math.min(n, in.remaining()), schema);
          for (; n > 0; n = in.readCount()) {
            for (long i = 0; i < n; i++) {
              list.add(items.read(in));
            }
          }
          return list;
        };
      }
      case STRING -> {
        final boolean javaString = javaString(schema);
        yield in -> in.readString(javaString);
      }
      case LONG -> In::readLong;
      case INT -> In::readInt;
      case DOUBLE -> In::readDouble;
      case BOOLEAN -> in -> in.readByte() != 0;
      case NULL -> in -> null;
      case ENUM -> {
        final List<String> symbols = schema.getEnumSymbols();
        final Object[] constants = new Object[symbols.size()];
        for (int i = 0; i < constants.length; i++) {
          constants[i] = model.createEnum(symbols.get(i), schema);
        }
        yield in -> {
          final int ordinal = in.readInt();
          if (ordinal < 0 || ordinal >= constants.length) {
            throw new AvroRuntimeException(path + ": no symbol " + ordinal + " in " + schema.getFullName());
          }
          return constants[ordinal];
        };
      }
      default -> throw new IllegalArgumentException(path + ": no direct reader for " + schema.getType());
    };
  }

  private static Node record(final Schema schema, final String path, final GenericData model, final Map<Schema, Node[]> records) {
    final Node[] known = records.get(schema);
    if (known != null) {
      // A record inside itself: its fields are filled in once the outer build is done.
      return in -> readFields(known, (IndexedRecord) model.newRecord(null, schema), in);
    }
    final List<Schema.Field> fields = schema.getFields();
    final Node[] readers = new Node[fields.size()];
    records.put(schema, readers);
    for (final Schema.Field field : fields) {
      readers[field.pos()] = node(field.schema(), schema.getName() + "." + field.name(), model, records);
    }
    return in -> readFields(readers, (IndexedRecord) model.newRecord(null, schema), in);
  }

  private static IndexedRecord readFields(final Node[] readers, final IndexedRecord record, final In in) {
    for (int i = 0; i < readers.length; i++) {
      record.put(i, readers[i].read(in));
    }
    return record;
  }

  /** Whether Avro reads this string (or this map's keys) as a {@code java.lang.String}. */
  private static boolean javaString(final Schema schema) {
    return "String".equals(schema.getProp(GenericData.STRING_PROP));
  }

  /** A position in a byte array, with Avro's primitive decodings. Not thread-safe. */
  private static final class In {
    private final byte[] buf;
    private int pos;

    In(final byte[] buf, final int pos) {
      this.buf = buf;
      this.pos = pos;
    }

    int remaining() {
      return buf.length - pos;
    }

    int readByte() {
      if (pos >= buf.length) {
        throw cutShort();
      }
      return buf[pos++];
    }

    int readInt() {
      final long n = readLong();
      if (n != (int) n) {
        throw new AvroRuntimeException("an int out of range: " + n);
      }
      return (int) n;
    }

    /** A zig-zag varint: 7 bits per byte, low first. */
    long readLong() {
      long zigzag = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        final int b = readByte();
        zigzag |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (zigzag >>> 1) ^ -(zigzag & 1);
        }
      }
      throw new AvroRuntimeException("a varint longer than 10 bytes");
    }

    /** Little-endian IEEE 754 bits. */
    double readDouble() {
      if (remaining() < 8) {
        throw cutShort();
      }
      long bits = 0;
      for (int i = 0; i < 8; i++) {
        bits |= (buf[pos++] & 0xffL) << (8 * i);
      }
      return Double.longBitsToDouble(bits);
    }

    /**
     * The item count of a map's or an array's next block, 0 at the end; a negative count is
     * followed by the block's size in bytes, which is skipped, as Avro's decoder does.
     */
    long readCount() {
      final long n = readLong();
      if (n >= 0) {
        return n;
      }
      readLong();
      return -n;
    }

    Object readString(final boolean javaString) {
      final int length = readInt();
      if (length < 0) {
        throw new AvroRuntimeException("a string of negative length " + length);
      }
      if (length > remaining()) {
        throw cutShort();
      }
      final int start = pos;
      pos += length;
      if (javaString) {
        return new String(buf, start, length, StandardCharsets.UTF_8);
      }
      final byte[] bytes = new byte[length];
      System.arraycopy(buf, start, bytes, 0, length);
      return new Utf8(bytes);
    }

    private static AvroRuntimeException cutShort() {
      return new AvroRuntimeException("the value is cut short");
    }
  }
}
