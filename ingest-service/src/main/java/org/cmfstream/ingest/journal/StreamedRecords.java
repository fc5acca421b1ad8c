// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.Json;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.StoredText;

/**
 * The fast path of {@link NativeRecords#read}: one pass of a streaming parser over the body,
 * straight into the fact records, with no JSON tree and no text per line.
 *
 * <p>Its contract is narrow on purpose: it returns exactly the records the tree path ({@link
 * NativeRecords#readTree}) returns for the same body, or null, and then the tree path decides.
 * It returns null for anything it is not sure of: every error (so every 4xx is still made, word
 * for word, by the tree path), a repeated key (which the tree would resolve to its last value),
 * {@code fact} before {@code kind}, invalid UTF-8 or a NUL byte ({@link NativeRecords#read} refuses the former),
 * a record not alone on its line, more records than allowed. Accepting less is only slower;
 * {@code StreamedRecordsTest} holds the records it does accept equal to the tree path's.
 */
final class StreamedRecords {

  /** Steps aside for the tree path; carries no stack, as it is control flow. */
  private static final class StepAside extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepAside() {
      super(null, null, false, false);
    }
  }

  private static final StepAside STEP_ASIDE = new StepAside();

  private static final int SEQ = 1;
  private static final int TIME = 2;
  private static final int KIND = 4;
  private static final int FACT = 8;

  /** The fields of each fact schema, with their defaults and the branches of their unions, worked out once. */
  private static final Map<Schema, Fields> FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

  private StreamedRecords() {}

  /** The records of the upload as the tree path reads them, or null where it must decide. */
  static List<JournalRecord> read(
      final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    return wellFormedUtf8(body) ? readChecked(body, ndjson, site, upload, received, maxRecords) : null;
  }

  /**
   * {@link #read} of a body already known to be well-formed UTF-8 without NUL bytes ({@link
   * Utf8#WELL_FORMED}): {@link NativeRecords#read} checks that once for both paths, so the bytes
   * are not scanned twice.
   */
  static List<JournalRecord> readChecked(
      final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    if (!startsWith(body, ndjson ? '{' : '[')) {
      return null;
    }
    try (JsonParser p = Json.factory().createParser(body)) {
      final List<JournalRecord> records = ndjson ? lines(p, body, site, upload, received, maxRecords) : array(p, body, site, upload, received, maxRecords);
      return records.isEmpty() ? null : distinct(records);
    } catch (IOException | RuntimeException e) {
      // Every error, and whatever this path does not handle, is the tree path's to answer.
      return null;
    }
  }

  private static List<JournalRecord> lines(
      final JsonParser p, final byte[] body, final String site, final String upload, final Instant received, final int maxRecords) throws IOException {
    final List<JournalRecord> records = new ArrayList<>();
    // The tree path parses each line alone: a record must start on a line after the last one
    // ended, and end on the line it started on.
    int lastEnd = -1;
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      if (t != JsonToken.START_OBJECT || records.size() == maxRecords) {
        throw STEP_ASIDE;
      }
      final int start = (int) p.currentTokenLocation().getByteOffset();
      if (start < 0 || lastEnd >= 0 && !hasNewline(body, lastEnd + 1, start)) {
        throw STEP_ASIDE;
      }
      final JournalRecord record = record(p, site, upload, received);
      final int end = (int) p.currentTokenLocation().getByteOffset();
      if (hasNewline(body, start, end)) {
        throw STEP_ASIDE;
      }
      lastEnd = end;
      records.add(record);
    }
    return records;
  }

  private static List<JournalRecord> array(
      final JsonParser p, final byte[] body, final String site, final String upload, final Instant received, final int maxRecords) throws IOException {
    if (p.nextToken() != JsonToken.START_ARRAY) {
      throw STEP_ASIDE;
    }
    final List<JournalRecord> records = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT || records.size() == maxRecords) {
        throw STEP_ASIDE;
      }
      records.add(record(p, site, upload, received));
    }
    if (p.nextToken() != null) {
      throw STEP_ASIDE;
    }
    return records;
  }

  /** The records, a seq repeated with the same facts once; a seq repeated with other facts is the tree path's error. */
  private static List<JournalRecord> distinct(final List<JournalRecord> records) {
    if (increasing(records)) {
      // A site's journal in order, as clients send it: no seq can repeat.
      return records;
    }
    final Map<Long, String> hashBySeq = new HashMap<>();
    final List<JournalRecord> distinct = new ArrayList<>(records.size());
    for (final JournalRecord record : records) {
      final String earlier = hashBySeq.putIfAbsent(record.getSeq(), record.getContentHash());
      if (earlier == null) {
        distinct.add(record);
      } else if (!earlier.equals(record.getContentHash())) {
        return null;
      }
    }
    return distinct;
  }

  private static boolean increasing(final List<JournalRecord> records) {
    long last = -1;
    for (final JournalRecord record : records) {
      final long seq = record.getSeq();
      if (seq <= last) {
        return false;
      }
      last = seq;
    }
    return true;
  }

  /** One record, from its START_OBJECT to its END_OBJECT. */
  private static JournalRecord record(final JsonParser p, final String site, final String upload, final Instant received) throws IOException {
    int seen = 0;
    long seq = -1;
    Instant time = received;
    java.util.function.Supplier<SpecificRecordBase> kind = null;
    SpecificRecordBase fact = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      final String name = p.currentName();
      final int bit =
          switch (name) {
            case "seq" -> SEQ;
            case "time" -> TIME;
            case "kind" -> KIND;
            case "fact" -> FACT;
            default -> throw STEP_ASIDE;
          };
      if ((seen & bit) != 0) {
        throw STEP_ASIDE;
      }
      seen |= bit;
      final JsonToken t = p.nextToken();
      switch (bit) {
        case SEQ -> {
          seq = longValue(p, t);
          if (seq < 0) {
            throw STEP_ASIDE;
          }
        }
        case TIME -> time = time(p, t, received);
        case KIND -> {
          if (t != JsonToken.VALUE_STRING) {
            throw STEP_ASIDE;
          }
          kind = NativeRecords.KINDS.get(p.getText());
          if (kind == null) {
            throw STEP_ASIDE;
          }
        }
        default -> {
          if (kind == null || t != JsonToken.START_OBJECT) {
            throw STEP_ASIDE;
          }
          fact = fact(p, kind.get());
        }
      }
    }
    if ((seen & (SEQ | KIND | FACT)) != (SEQ | KIND | FACT)) {
      throw STEP_ASIDE;
    }
    final JournalRecord record = JournalRecords.of(site, seq, time, upload, fact);
    if (StoredText.problem(record) != null) {
      throw STEP_ASIDE;
    }
    return record;
  }

  private static Instant time(final JsonParser p, final JsonToken t, final Instant received) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return received;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      final long millis = longValue(p, t);
      if (millis < 0) {
        throw STEP_ASIDE;
      }
      return Instant.ofEpochMilli(millis);
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Instant.parse(p.getText());
      } catch (DateTimeParseException e) {
        throw STEP_ASIDE;
      }
    }
    throw STEP_ASIDE;
  }

  /** An integer within 64 bits, which is what the tree's {@code canConvertToLong} allows. */
  private static long longValue(final JsonParser p, final JsonToken t) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw STEP_ASIDE;
    }
    final JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      throw STEP_ASIDE;
    }
    return p.getLongValue();
  }

  /** A fact record from its START_OBJECT, field by field against its schema, as NativeRecords.fact does. */
  private static SpecificRecordBase fact(final JsonParser p, final SpecificRecordBase record) throws IOException {
    final Schema schema = record.getSchema();
    final Fields fields = FIELDS.computeIfAbsent(schema, Fields::new);
    long seen = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      final Schema.Field field = schema.getField(p.currentName());
      if (field == null || (seen & (1L << field.pos())) != 0) {
        throw STEP_ASIDE;
      }
      seen |= 1L << field.pos();
      record.put(field.pos(), value(p, p.nextToken(), field.schema(), fields.branches[field.pos()]));
    }
    for (final Schema.Field field : fields.all) {
      if ((seen & (1L << field.pos())) == 0) {
        if (!field.hasDefaultValue()) {
          throw STEP_ASIDE;
        }
        // A copy of the default, as the tree path puts: a map default must not be shared.
        record.put(field.pos(), SpecificData.get().deepCopy(field.schema(), fields.defaults[field.pos()]));
      }
    }
    return record;
  }

  /** A fact schema's fields, and their defaults as SpecificData gives them (it caches them too, behind a look-up). */
  private static final class Fields {
    final Schema.Field[] all;
    final Object[] defaults;
    final Branches[] branches;

    Fields(final Schema schema) {
      all = schema.getFields().toArray(Schema.Field[]::new);
      if (all.length > 64) {
        throw new IllegalStateException("a fact of more than 64 fields does not fit the mask of fields seen");
      }
      defaults = new Object[all.length];
      branches = new Branches[all.length];
      for (final Schema.Field field : all) {
        defaults[field.pos()] = field.hasDefaultValue() ? SpecificData.get().getDefaultValue(field) : null;
        final Schema type = field.schema();
        if (type.getType() == Schema.Type.UNION) {
          branches[field.pos()] = new Branches(type);
        } else if (type.getType() == Schema.Type.MAP && type.getValueType().getType() == Schema.Type.UNION) {
          branches[field.pos()] = new Branches(type.getValueType());
        }
      }
    }
  }

  /**
   * A value of {@code schema}, as NativeRecords.value makes it from the tree's node; {@code
   * branches} are those of the union the value is, or the union the map's values are.
   */
  private static Object value(final JsonParser p, final JsonToken t, final Schema schema, final Branches branches) throws IOException {
    switch (schema.getType()) {
      case STRING -> {
        if (t != JsonToken.VALUE_STRING) {
          throw STEP_ASIDE;
        }
        return p.getText();
      }
      case LONG -> {
        return longValue(p, t);
      }
      case DOUBLE -> {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
          return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
          // The tree holds integers as BigInteger (USE_BIG_INTEGER_FOR_INTS); asDouble rounds that.
          return p.getBigIntegerValue().doubleValue();
        }
        throw STEP_ASIDE;
      }
      case BOOLEAN -> {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw STEP_ASIDE;
        }
        return t == JsonToken.VALUE_TRUE;
      }
      case NULL -> {
        if (t != JsonToken.VALUE_NULL) {
          throw STEP_ASIDE;
        }
        return null;
      }
      case ENUM -> {
        if (t != JsonToken.VALUE_STRING) {
          throw STEP_ASIDE;
        }
        final Object symbol = NativeRecords.enumSymbol(schema, p.getText());
        if (symbol == null) {
          throw STEP_ASIDE;
        }
        return symbol;
      }
      case MAP -> {
        if (t != JsonToken.START_OBJECT) {
          throw STEP_ASIDE;
        }
        // The same map, filled in the same order, as the tree path makes: so the same iteration
        // order, and the same Avro bytes.
        final Map<String, Object> map = new HashMap<>();
        final Schema values = schema.getValueType();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          final String key = p.currentName();
          final int before = map.size();
          map.put(key, value(p, p.nextToken(), values, branches));
          if (map.size() == before) {
            throw STEP_ASIDE;
          }
        }
        return map;
      }
      case UNION -> {
        return union(p, t, branches);
      }
      default -> throw STEP_ASIDE;
    }
  }

  /** A union of scalars: the branch the JSON type selects, as NativeRecords.union picks it. */
  private static Object union(final JsonParser p, final JsonToken t, final Branches branches) throws IOException {
    if (branches == null) {
      // A union nested deeper than the schema has today.
      throw STEP_ASIDE;
    }
    switch (t) {
      case VALUE_NULL -> {
        if (branches.hasNull) {
          return null;
        }
      }
      case VALUE_STRING -> {
        if (branches.hasString) {
          return p.getText();
        }
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        if (branches.hasBoolean) {
          return t == JsonToken.VALUE_TRUE;
        }
      }
      case VALUE_NUMBER_INT -> {
        if (branches.hasLong) {
          return longValue(p, t);
        }
      }
      case VALUE_NUMBER_FLOAT -> {
        if (branches.hasDouble) {
          return p.getDoubleValue();
        }
      }
      default -> {
        // Objects and arrays are no property value.
      }
    }
    throw STEP_ASIDE;
  }

  /** Which scalar branches a union has. */
  private static final class Branches {
    final boolean hasNull;
    final boolean hasString;
    final boolean hasBoolean;
    final boolean hasLong;
    final boolean hasDouble;

    Branches(final Schema union) {
      final java.util.Set<Schema.Type> types = java.util.EnumSet.noneOf(Schema.Type.class);
      union.getTypes().forEach(s -> types.add(s.getType()));
      hasNull = types.contains(Schema.Type.NULL);
      hasString = types.contains(Schema.Type.STRING);
      hasBoolean = types.contains(Schema.Type.BOOLEAN);
      hasLong = types.contains(Schema.Type.LONG);
      hasDouble = types.contains(Schema.Type.DOUBLE);
    }
  }

  private static boolean hasNewline(final byte[] body, final int from, final int to) {
    for (int i = from; i < to; i++) {
      if (body[i] == '\n') {
        return true;
      }
    }
    return false;
  }

  /** Whether the body's first byte that is not JSON whitespace is {@code c}: no byte order mark. */
  private static boolean startsWith(final byte[] body, final char c) {
    for (final byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return b == c;
      }
    }
    return false;
  }

  /**
   * Whether the body is well-formed UTF-8 ({@link Utf8}) without NUL bytes, so the parser reads it
   * as UTF-8 and sees the same characters the JDK's decoder would. A NUL is never in valid JSON
   * text, and the parser would take a body with NULs for UTF-16.
   */
  static boolean wellFormedUtf8(final byte[] b) {
    return Utf8.scan(b) == Utf8.WELL_FORMED;
  }
}
