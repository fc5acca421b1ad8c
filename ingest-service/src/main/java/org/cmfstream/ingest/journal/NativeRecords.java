// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EntityKind;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.avro.StageFact;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Json;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.StoredText;

/**
 * Reads a native journal upload: a JSON array, or NDJSON (one record per line), of
 *
 * <pre>{@code
 * {"seq": 17, "time": "2026-11-23T06:00:00Z" | 1795414078432, "kind": "artifact",
 *  "fact": {"uri": "236d95...", "type": "Dataset", "name": "data.xml.gz:236d95..."}}
 * }</pre>
 *
 * <p>{@code kind} is one of {@code pipeline, stage, execution, artifact, event, property, metric};
 * {@code fact} has the fields of the matching journal schema record, checked against the schema:
 * required fields present, types right, no unknown field. {@code time} is optional (the upload's
 * arrival time then). Every record is checked before any is accepted.
 */
public final class NativeRecords {

  /** Site names: what a hostname-like label allows, so they are safe in URLs, keys and logs. */
  public static final Pattern SITE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /**
   * The fact record of each kind, made by its constructor: no reflective class loading, which
   * Avro 1.12 would check against its list of trusted classes.
   */
  static final Map<String, Supplier<SpecificRecordBase>> KINDS =
      Map.of(
          "pipeline", PipelineFact::new,
          "stage", StageFact::new,
          "execution", ExecutionFact::new,
          "artifact", ArtifactFact::new,
          "event", EventFact::new,
          "property", PropertyChange::new,
          "metric", MetricPoint::new);

  /** The enums of the schema, by schema full name. */
  private static final Map<String, Class<? extends Enum<?>>> ENUMS =
      Map.of(Direction.getClassSchema().getFullName(), Direction.class, EntityKind.getClassSchema().getFullName(), EntityKind.class);

  private static final Set<String> ENVELOPE = Set.of("seq", "time", "kind", "fact");

  private NativeRecords() {}

  /** Fails with 400 unless {@code site} is a legal site name. */
  public static void checkSite(final String site) {
    if (site == null || !SITE.matcher(site).matches()) {
      throw BadInput.badRequest("invalid-site", "site name '" + site + "' must match " + SITE.pattern());
    }
  }

  /**
   * Parses and validates an upload.
   *
   * @param body the (decompressed) body
   * @param ndjson whether the body is NDJSON rather than a JSON array
   */
  public static List<JournalRecord> read(
      final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    // Strictly UTF-8, checked once for both paths before either parses: the tree path's NDJSON
    // decoding would replace bad bytes with U+FFFD, and the JSON parser reads some (an overlong
    // '/', a sequence above U+10FFFF) as other characters; either would commit what was not sent.
    final int utf8 = Utf8.scan(body);
    if (utf8 >= 0) {
      throw notUtf8(body, utf8, ndjson);
    }
    // Most uploads are valid: read them in one streaming pass. The tree below stays the
    // definition, and answers every upload the streaming pass is not sure of, errors included.
    final List<JournalRecord> streamed =
        utf8 == Utf8.WELL_FORMED ? StreamedRecords.readChecked(body, ndjson, site, upload, received, maxRecords) : null;
    return streamed != null ? streamed : readTreeChecked(body, ndjson, site, upload, received, maxRecords);
  }

  /**
   * The upload's records already encoded, when the one-pass reader ({@link EncodedRecords}) takes
   * the body: the common case of a valid upload in plain JSON. Else null, and {@link #read}
   * answers, with the records or the error.
   */
  public static EncodedUpload readEncoded(
      final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    return Utf8.scan(body) == Utf8.WELL_FORMED ? EncodedRecords.read(body, ndjson, site, upload, received, maxRecords) : null;
  }

  /** The 400 of a body that is not UTF-8, as {@code malformed-json} like any other unreadable body, naming where. */
  private static BadInput notUtf8(final byte[] body, final int offset, final boolean ndjson) {
    final String at = "byte " + offset + " (0x" + String.format(java.util.Locale.ROOT, "%02X", body[offset] & 0xff) + ")";
    if (!ndjson) {
      return BadInput.badRequest("malformed-json", "the body is not valid UTF-8 at " + at);
    }
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (body[i] == '\n') {
        line++;
      }
    }
    return BadInput.badRequest("malformed-json", "line " + line + " is not valid UTF-8 at " + at + " of the body");
  }

  /** {@link #read} through a JSON tree: slower, and what decides every answer but the records. */
  static List<JournalRecord> readTree(
      final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    final int utf8 = Utf8.scan(body);
    if (utf8 >= 0) {
      throw notUtf8(body, utf8, ndjson);
    }
    return readTreeChecked(body, ndjson, site, upload, received, maxRecords);
  }

  /**
   * {@link #readTree} of a body {@link Utf8#scan} found well-formed, in two passes that hold no
   * tree of the whole body: the first checks the JSON and counts the records, the second reads
   * them one at a time. So a large upload is refused (too many records, broken JSON at its end, a
   * body of empty objects) in bounded memory rather than as a tree many times its size, and the
   * errors come in the order they always did: broken JSON, then too many records, then the first
   * bad record.
   */
  private static List<JournalRecord> readTreeChecked(
      final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    final Supplier<BadInput> notArray =
        () -> BadInput.badRequest("not-an-array", "a JSON upload must be an array of records; send NDJSON as application/x-ndjson");
    if (ndjson) {
      final int[] count = {0};
      eachLine(body, node -> count[0]++, () -> {
        if (count[0] == maxRecords) {
          throw new BadInput(413, "too-many-records", "the upload holds more than " + maxRecords + " records");
        }
      });
    } else {
      final int count = Json.countElements(body, "the body", notArray);
      if (count > maxRecords) {
        throw new BadInput(413, "too-many-records", "the upload holds " + count + " records; the limit is " + maxRecords);
      }
    }
    final TreeRecords records = new TreeRecords(site, upload, received);
    if (ndjson) {
      eachLine(body, records::add, () -> {});
    } else {
      Json.eachElement(body, "the body", records::add, notArray);
    }
    return records.all();
  }

  /**
   * Parses each non-blank line of an NDJSON body on its own; only the line being read is held.
   *
   * @param beforeEach runs before each line is parsed: it may refuse one record too many
   */
  private static void eachLine(final byte[] body, final Consumer<JsonNode> each, final Runnable beforeEach) {
    int line = 0;
    for (int start = 0; start <= body.length; ) {
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      line++;
      final String text = new String(body, start, end - start, StandardCharsets.UTF_8).strip();
      start = end + 1;
      if (text.isEmpty()) {
        continue;
      }
      beforeEach.run();
      final JsonNode node;
      try {
        node = Json.parse(text, 400, "line " + line);
      } catch (BadInput e) {
        throw BadInput.badRequest("malformed-json", e.detail());
      }
      each.accept(node);
    }
  }

  /** The records of the tree path as they are read, each checked, repeats of a {@code seq} dropped. */
  private static final class TreeRecords {
    private final String site;
    private final String upload;
    private final Instant received;
    private final List<JournalRecord> records = new ArrayList<>();
    private final Map<Long, String> hashBySeq = new HashMap<>();
    private int read;

    TreeRecords(final String site, final String upload, final Instant received) {
      this.site = site;
      this.upload = upload;
      this.received = received;
    }

    void add(final JsonNode node) {
      read++;
      final JournalRecord record = record(node, "record " + read, site, upload, received);
      final String earlier = hashBySeq.putIfAbsent(record.getSeq(), record.getContentHash());
      if (earlier != null && !earlier.equals(record.getContentHash())) {
        throw BadInput.badRequest("conflicting-seq", "record " + read + ": seq " + record.getSeq() + " appears twice with different facts");
      }
      if (earlier == null) {
        records.add(record);
      }
    }

    List<JournalRecord> all() {
      if (read == 0) {
        throw BadInput.badRequest("empty-upload", "the upload holds no records");
      }
      return records;
    }
  }

  private static JournalRecord record(final JsonNode node, final String where, final String site, final String upload, final Instant received) {
    if (!node.isObject()) {
      throw BadInput.badRequest("invalid-record", where + " must be an object");
    }
    for (final Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      final String name = names.next();
      if (!ENVELOPE.contains(name)) {
        throw BadInput.badRequest("unknown-field", where + " has an unknown field '" + name + "'; a record has " + ENVELOPE);
      }
    }
    final JsonNode seq = node.get("seq");
    if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
      throw BadInput.badRequest("invalid-seq", where + " needs 'seq', a non-negative integer, got " + seq);
    }
    final JsonNode kind = node.get("kind");
    if (kind == null || !kind.isTextual() || !KINDS.containsKey(kind.asText())) {
      throw BadInput.badRequest("invalid-kind", where + " needs 'kind', one of " + new java.util.TreeSet<>(KINDS.keySet()) + ", got " + kind);
    }
    final JsonNode fact = node.get("fact");
    if (fact == null || !fact.isObject()) {
      throw BadInput.badRequest("invalid-fact", where + " needs 'fact', an object");
    }
    final String at = where + " (seq " + seq.asLong() + ")";
    final SpecificRecordBase body = fact(fact, KINDS.get(kind.asText()).get(), at + " fact");
    final JournalRecord record = JournalRecords.of(site, seq.asLong(), time(node.get("time"), received, at), upload, body);
    final String text = StoredText.problem(record);
    if (text != null) {
      throw BadInput.badRequest("unstorable-text", at + ": " + text);
    }
    return record;
  }

  private static Instant time(final JsonNode time, final Instant received, final String where) {
    if (time == null || time.isNull()) {
      return received;
    }
    if (time.isIntegralNumber() && time.canConvertToLong() && time.asLong() >= 0) {
      return Instant.ofEpochMilli(time.asLong());
    }
    if (time.isTextual()) {
      try {
        return Instant.parse(time.asText());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw BadInput.badRequest("invalid-time", where + ": 'time' must be epoch milliseconds or an ISO-8601 instant, got " + time);
  }

  /** Builds a fact record from JSON, field by field, against its schema. */
  private static SpecificRecordBase fact(final JsonNode json, final SpecificRecordBase record, final String where) {
    final Schema schema = record.getSchema();
    for (final Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      final String name = names.next();
      if (schema.getField(name) == null) {
        throw BadInput.badRequest("unknown-field", where + " has an unknown field '" + name + "' for a " + schema.getName());
      }
    }
    for (final Schema.Field field : schema.getFields()) {
      final JsonNode value = json.get(field.name());
      if (value == null) {
        if (!field.hasDefaultValue()) {
          throw BadInput.badRequest("missing-field", where + " lacks the required field '" + field.name() + "'");
        }
        record.put(field.pos(), SpecificData.get().deepCopy(field.schema(), SpecificData.get().getDefaultValue(field)));
      } else {
        record.put(field.pos(), value(value, field.schema(), where + "." + field.name()));
      }
    }
    return record;
  }

  private static Object value(final JsonNode v, final Schema schema, final String where) {
    switch (schema.getType()) {
      case STRING -> {
        if (!v.isTextual()) {
          throw wrongType(where, "a string", v);
        }
        return v.asText();
      }
      case LONG -> {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
          throw wrongType(where, "a 64-bit integer", v);
        }
        return v.asLong();
      }
      case DOUBLE -> {
        if (!v.isNumber()) {
          throw wrongType(where, "a number", v);
        }
        return v.asDouble();
      }
      case BOOLEAN -> {
        if (!v.isBoolean()) {
          throw wrongType(where, "a boolean", v);
        }
        return v.asBoolean();
      }
      case NULL -> {
        if (!v.isNull()) {
          throw wrongType(where, "null", v);
        }
        return null;
      }
      case ENUM -> {
        final Object symbol = v.isTextual() ? enumSymbol(schema, v.asText()) : null;
        if (symbol == null) {
          throw wrongType(where, "one of " + schema.getEnumSymbols(), v);
        }
        return symbol;
      }
      case MAP -> {
        if (!v.isObject()) {
          throw wrongType(where, "an object", v);
        }
        final Map<String, Object> map = new HashMap<>();
        for (final Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          final Map.Entry<String, JsonNode> e = it.next();
          map.put(e.getKey(), value(e.getValue(), schema.getValueType(), where + "." + e.getKey()));
        }
        return map;
      }
      case UNION -> {
        return union(v, schema, where);
      }
      default -> throw new IllegalStateException("the journal schema has no " + schema.getType() + " fields");
    }
  }

  /** The enum constant of {@code symbol} in the enum {@code schema}, or null if it has no such symbol. */
  static Object enumSymbol(final Schema schema, final String symbol) {
    return schema.hasEnumSymbol(symbol) ? enumValue(ENUMS.get(schema.getFullName()), symbol) : null;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(final Class<? extends Enum<?>> type, final String symbol) {
    return Enum.valueOf((Class) type, symbol);
  }

  /** A union of scalars (property values): the branch the JSON type selects. */
  private static Object union(final JsonNode v, final Schema union, final String where) {
    final Set<Schema.Type> branches = union.getTypes().stream().map(Schema::getType).collect(java.util.stream.Collectors.toSet());
    if (v.isNull() && branches.contains(Schema.Type.NULL)) {
      return null;
    }
    if (v.isTextual() && branches.contains(Schema.Type.STRING)) {
      return v.asText();
    }
    if (v.isBoolean() && branches.contains(Schema.Type.BOOLEAN)) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && branches.contains(Schema.Type.LONG)) {
      return v.asLong();
    }
    if (v.isNumber() && !v.isIntegralNumber() && branches.contains(Schema.Type.DOUBLE)) {
      return v.asDouble();
    }
    throw wrongType(where, "one of " + branches.stream().map(t -> t.getName()).sorted().toList(), v);
  }

  private static BadInput wrongType(final String where, final String expected, final JsonNode got) {
    final String shown = got.toString();
    return BadInput.badRequest(
        "wrong-type", where + " must be " + expected + ", got " + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
            + " " + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown));
  }
}
