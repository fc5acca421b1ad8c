// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.Json;
import org.cmfstream.journal.StoredText;
import org.cmfstream.journal.hash.CanonicalBytes;
import org.cmfstream.journal.hash.ContentHash;
import org.cmfstream.journal.serde.AvroOut;
import org.cmfstream.journal.serde.JournalCodec;

/**
 * The fastest path of {@link NativeRecords}: from an upload's bytes straight to each record's
 * single-object Avro bytes (what {@link JournalCodec} writes) and its content hash, in one pass,
 * with no parser, no fact objects and no strings in between: a string's bytes go as they are into
 * the record's Avro body and into the canonical text its hash is taken of.
 *
 * <p>Its contract is that of {@link StreamedRecords}, narrower still: it returns records that
 * decode to exactly what the tree path ({@link NativeRecords#readTree}) reads from the same body
 * (every field, the content hash; only the order of map entries in the bytes may differ, which
 * decodes to equal maps), or null, and then the other paths decide. It returns null for anything
 * it is not sure of: any error, an escape in a string, a repeated key, {@code fact} before {@code
 * kind}, sequence numbers not rising, a number form beyond plain JSON (it takes {@code NaN} and
 * {@code (-)Infinity}, as the parser does), more records than allowed. {@code EncodedRecordsTest} holds what it accepts equal
 * to the tree path's records.
 *
 * <p>Expects a body {@link Utf8#scan} found well-formed without NUL bytes: then the bytes between
 * two quotes with no backslash are exactly the UTF-8 of the string the parser would read.
 */
final class EncodedRecords {

  /** Steps aside for the other paths; carries no stack, as it is control flow. */
  private static final class StepAside extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StepAside() {
      super(null, null, false, false);
    }
  }

  private static final StepAside STEP_ASIDE = new StepAside();

  private static final byte[] SEQ = ascii("seq");
  private static final byte[] TIME = ascii("time");
  private static final byte[] KIND = ascii("kind");
  private static final byte[] FACT = ascii("fact");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] NULL = ascii("null");
  private static final byte[] NAN = ascii("NaN");
  private static final byte[] INFINITY = ascii("Infinity");

  /** The journal record's fields, in the order this class writes them. */
  private static final List<String> ENVELOPE = List.of("site", "seq", "eventTime", "contentHash", "upload", "body");

  /** The layout of each kind's fact, by the kind's name. */
  private static final Layout[] LAYOUTS;

  private static final byte[] HEADER = JournalCodec.journal().header();

  /** The branch of {@code seq}'s union that holds a long. */
  private static final int SEQ_LONG;

  static {
    final Schema journal = JournalRecord.getClassSchema();
    final List<String> names = journal.getFields().stream().map(Schema.Field::name).toList();
    if (!names.equals(ENVELOPE)) {
      throw new IllegalStateException("the journal record's fields are " + names + ", this reader writes " + ENVELOPE);
    }
    SEQ_LONG = journal.getField("seq").schema().getIndexNamed("long");
    final Schema body = journal.getField("body").schema();
    LAYOUTS = NativeRecords.KINDS.entrySet().stream()
        .map(e -> Layout.of(e.getKey(), e.getValue().get().getSchema(), body))
        .toArray(Layout[]::new);
  }

  /** A reader per thread: its buffers and canonical writer are reused, upload after upload. */
  private static final ThreadLocal<Reader> READERS = ThreadLocal.withInitial(Reader::new);

  private EncodedRecords() {}

  /**
   * The upload's records encoded, or null where the other paths must decide.
   *
   * @param body an upload {@link Utf8#scan} found {@link Utf8#WELL_FORMED}
   */
  static EncodedUpload read(final byte[] body, final boolean ndjson, final String site, final String upload, final Instant received, final int maxRecords) {
    final Reader reader = READERS.get();
    try {
      return reader.read(body, ndjson, site, upload, received.toEpochMilli(), maxRecords);
    } catch (StepAside e) {
      return null;
    } finally {
      reader.release();
    }
  }

  /** The types of value a fact's field or a map's value can take, as this reader handles them. */
  private enum Type {
    STRING,
    LONG,
    DOUBLE,
    ENUM,
    MAP,
    UNION
  }

  /** What a scalar in the JSON was. */
  private static final int T_NULL = 0;
  private static final int T_TRUE = 1;
  private static final int T_FALSE = 2;
  private static final int T_STRING = 3;
  private static final int T_LONG = 4;
  private static final int T_BIG_INTEGER = 5;
  private static final int T_DOUBLE = 6;

  /** Which branch of a union of scalars each JSON scalar goes to, or -1; as StreamedRecords.union picks. */
  private static final class Branches {
    final int[] byTag = new int[7];

    Branches(final Schema union) {
      Arrays.fill(byTag, -1);
      final Schema.Type[] types = union.getTypes().stream().map(Schema::getType).toArray(Schema.Type[]::new);
      for (int i = 0; i < types.length; i++) {
        switch (types[i]) {
          case NULL -> byTag[T_NULL] = i;
          case STRING -> byTag[T_STRING] = i;
          case BOOLEAN -> {
            byTag[T_TRUE] = i;
            byTag[T_FALSE] = i;
          }
          case LONG -> byTag[T_LONG] = i;
          case DOUBLE -> byTag[T_DOUBLE] = i;
          default -> throw new IllegalStateException("a union branch this reader does not write: " + types[i]);
        }
      }
    }
  }

  /** A fact schema as this reader writes it: fields, defaults, canonical order. */
  private static final class Layout {
    final byte[] kind;
    /** The fact's branch in the journal record's body union. */
    final int branch;
    final byte[][] names;
    final Type[] types;
    /** The union of a UNION field, or of a MAP field's values. */
    final Branches[] branches;
    /** An ENUM field's symbols. */
    final byte[][][] symbols;
    /** A field's default as Avro writes it, or null where it has none. */
    final byte[][] avroDefaults;
    /** A field's default as the canonical form writes it. */
    final byte[][] canonicalDefaults;
    /** The fields in the canonical form's order, -1 for the kind. */
    final int[] canonicalOrder;
    /** {@code "name":} of each entry of canonicalOrder. */
    final byte[][] canonicalKeys;
    /** {@code "<record name>"}, the canonical value of the kind. */
    final byte[] canonicalKind;

    private Layout(final String kind, final Schema schema, final int branch) {
      this.kind = ascii(kind);
      this.branch = branch;
      final List<Schema.Field> fields = schema.getFields();
      final int n = fields.size();
      if (n > 64) {
        throw new IllegalStateException(schema.getName() + " has more fields than the mask of fields seen holds");
      }
      names = new byte[n][];
      types = new Type[n];
      branches = new Branches[n];
      symbols = new byte[n][][];
      avroDefaults = new byte[n][];
      canonicalDefaults = new byte[n][];
      final Integer[] order = new Integer[n + 1];
      final byte[][] keys = new byte[n + 1][];
      for (final Schema.Field field : fields) {
        final int f = field.pos();
        names[f] = field.name().getBytes(StandardCharsets.UTF_8);
        final Schema type = field.schema();
        types[f] = switch (type.getType()) {
          case STRING -> Type.STRING;
          case LONG -> Type.LONG;
          case DOUBLE -> Type.DOUBLE;
          case ENUM -> Type.ENUM;
          case MAP -> Type.MAP;
          case UNION -> Type.UNION;
          default -> throw new IllegalStateException(schema.getName() + "." + field.name() + ": a type this reader does not write: " + type);
        };
        if (type.getLogicalType() != null) {
          throw new IllegalStateException(schema.getName() + "." + field.name() + ": a logical type this reader does not write");
        }
        if (types[f] == Type.UNION) {
          branches[f] = new Branches(type);
        } else if (types[f] == Type.MAP) {
          if (type.getValueType().getType() != Schema.Type.UNION) {
            throw new IllegalStateException(schema.getName() + "." + field.name() + ": maps of unions only");
          }
          branches[f] = new Branches(type.getValueType());
        } else if (types[f] == Type.ENUM) {
          symbols[f] = type.getEnumSymbols().stream().map(EncodedRecords::ascii).toArray(byte[][]::new);
        }
        if (field.hasDefaultValue()) {
          final Object value = SpecificData.get().getDefaultValue(field);
          avroDefaults[f] = avro(type, value);
          final CanonicalBytes canonical = new CanonicalBytes();
          canonical.write(value);
          canonicalDefaults[f] = canonical.toByteArray();
        }
        order[f] = f;
        keys[f] = key(field.name());
      }
      // The kind goes first before the stable sort, as CanonicalForm puts it.
      System.arraycopy(order, 0, order, 1, n);
      System.arraycopy(keys, 0, keys, 1, n);
      order[0] = -1;
      keys[0] = key("kind");
      final Integer[] sorted = new Integer[n + 1];
      for (int i = 0; i <= n; i++) {
        sorted[i] = i;
      }
      // UTF-8's unsigned byte order is code point order, the order CanonicalForm sorts keys in.
      Arrays.sort(sorted, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
      canonicalOrder = new int[n + 1];
      canonicalKeys = new byte[n + 1][];
      for (int i = 0; i <= n; i++) {
        canonicalOrder[i] = order[sorted[i]];
        canonicalKeys[i] = keys[sorted[i]];
      }
      final CanonicalBytes name = new CanonicalBytes();
      name.write(schema.getName());
      canonicalKind = name.toByteArray();
    }

    static Layout of(final String kind, final Schema schema, final Schema body) {
      return new Layout(kind, schema, body.getIndexNamed(schema.getFullName()));
    }

    /** The field named by {@code b[from, from + length)}, or -1. */
    int field(final byte[] b, final int from, final int length) {
      for (int f = 0; f < names.length; f++) {
        if (names[f].length == length && Arrays.equals(names[f], 0, length, b, from, from + length)) {
          return f;
        }
      }
      return -1;
    }

    private static byte[] key(final String name) {
      final CanonicalBytes out = new CanonicalBytes();
      out.write(name);
      out.put((byte) ':');
      return out.toByteArray();
    }

    private static byte[] avro(final Schema schema, final Object value) {
      final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
      try {
        new GenericDatumWriter<>(schema, SpecificData.get()).write(value, encoder);
        encoder.flush();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("writing to memory", e);
      }
      return bytes.toByteArray();
    }
  }

  /** The state of one upload's reading; reused by its thread for the next upload. */
  private static final class Reader {
    /** Buffers grown beyond this for one large upload are not kept for the next. */
    private static final int KEEP = 64 * 1024;

    /** Longer numbers are the tree's to read: a limit far below the parser's own. */
    private static final int MAX_NUMBER_LENGTH = 100;

    /**
     * Larger maps are the tree's to read: a map's keys are sorted here by insertion, whose cost
     * grows with the square of their number; the tree sorts a large map in n log n.
     */
    private static final int MAX_MAP_ENTRIES = 64;

    /**
     * Longer map keys are the tree's to refuse: the parser's limit on a name, which it counts in
     * UTF-8 bytes or in chars depending on what it parses; a key within it in bytes is within it
     * in chars too.
     */
    private static final int MAX_KEY_BYTES = Json.factory().streamReadConstraints().getMaxNameLength();

    private final CanonicalBytes canonical = new CanonicalBytes();
    private final byte[] hex = new byte[64];
    private AvroOut fact = new AvroOut(1024);
    private AvroOut record = new AvroOut(1024);

    private byte[] b;
    private int i;
    private int n;
    private boolean ndjson;
    /** The seq of the record just read; -1 before the first. */
    private long currentSeq;

    // The fields of the fact being read, by position: what was seen and its value.
    private long seen;
    private final int[] tag = new int[64];
    private final long[] longs = new long[64];
    private final double[] doubles = new double[64];
    private final int[] from = new int[64];
    private final int[] length = new int[64];

    // A scalar just read.
    private long scalarLong;
    private double scalarDouble;
    private int scalarFrom;
    private int scalarLength;
    /**
     * Whether a string of this record holds DEL, the one byte both a JSON string may hold and the
     * canonical form escapes. Without it every string's bytes go into the canonical text as they
     * are: {@link #string} has looked at each byte already.
     */
    private boolean deleteSeen;

    // Map entries of the fact being read; a MAP field's are entries [from, from + length).
    private int entries;
    private int[] keyFrom = new int[16];
    private int[] keyLength = new int[16];
    private int[] entryTag = new int[16];
    private long[] entryLong = new long[16];
    private double[] entryDouble = new double[16];
    private int[] entryFrom = new int[16];
    private int[] entryLength = new int[16];
    private int[] sorted = new int[16];

    void release() {
      b = null;
      if (fact.capacity() > KEEP) {
        fact = new AvroOut(1024);
      }
      if (record.capacity() > KEEP) {
        record = new AvroOut(1024);
      }
      if (keyFrom.length > 1024) {
        growEntries(16);
      }
      canonical.reset();
    }

    EncodedUpload read(final byte[] body, final boolean ndjson, final String site, final String upload, final long received, final int maxRecords) {
      this.b = body;
      this.i = 0;
      this.n = body.length;
      this.ndjson = ndjson;
      final AvroOut prefix = new AvroOut(128);
      prefix.writeBytes(HEADER, 0, HEADER.length);
      prefix.writeString(site);
      final byte[] head = prefix.toByteArray();
      prefix.reset();
      prefix.writeString(upload);
      final byte[] uploadBytes = prefix.toByteArray();
      final List<byte[]> records = new ArrayList<>();
      currentSeq = -1;
      if (ndjson) {
        boolean newline = true;
        while (true) {
          newline |= skipWhitespace();
          if (i == n) {
            break;
          }
          if (!newline) {
            throw STEP_ASIDE;
          }
          next(records, maxRecords, head, uploadBytes, received);
          newline = false;
        }
      } else {
        skipWhitespace();
        expect('[');
        while (true) {
          skipWhitespace();
          next(records, maxRecords, head, uploadBytes, received);
          skipWhitespace();
          if (i < n && b[i] == ',') {
            i++;
          } else {
            expect(']');
            break;
          }
        }
        skipWhitespace();
        if (i != n) {
          throw STEP_ASIDE;
        }
      }
      if (records.isEmpty()) {
        throw STEP_ASIDE;
      }
      int largest = 0;
      for (final byte[] record : records) {
        largest = Math.max(largest, record.length);
      }
      return new EncodedUpload(records, largest);
    }

    /** The next record, from its '{', if there is room for it and its seq rises; a repeated or falling seq is for the other paths. */
    private void next(final List<byte[]> records, final int maxRecords, final byte[] head, final byte[] uploadBytes, final long received) {
      if (i == n || b[i] != '{' || records.size() == maxRecords) {
        throw STEP_ASIDE;
      }
      final long lastSeq = currentSeq;
      records.add(record(head, uploadBytes, received));
      if (currentSeq <= lastSeq) {
        throw STEP_ASIDE;
      }
    }

    /** One record from its '{': returns its single-object bytes. */
    private byte[] record(final byte[] head, final byte[] uploadBytes, final long received) {
      i++;
      deleteSeen = false;
      long seq = -1;
      long time = received;
      boolean timeSeen = false;
      Layout layout = null;
      boolean factSeen = false;
      while (true) {
        whitespace();
        final int keyFrom = string();
        final int keyLength = scalarLength;
        whitespace();
        expect(':');
        whitespace();
        if (is(keyFrom, keyLength, SEQ)) {
          if (seq >= 0) {
            throw STEP_ASIDE;
          }
          seq = nonNegativeLong();
        } else if (is(keyFrom, keyLength, TIME)) {
          if (timeSeen) {
            throw STEP_ASIDE;
          }
          timeSeen = true;
          time = time(received);
        } else if (is(keyFrom, keyLength, KIND)) {
          if (layout != null) {
            throw STEP_ASIDE;
          }
          final int kindFrom = string();
          layout = layout(kindFrom, scalarLength);
        } else if (is(keyFrom, keyLength, FACT)) {
          if (layout == null || factSeen || i == n || b[i] != '{') {
            throw STEP_ASIDE;
          }
          factSeen = true;
          fact(layout);
        } else {
          throw STEP_ASIDE;
        }
        whitespace();
        if (i < n && b[i] == ',') {
          i++;
        } else {
          expect('}');
          break;
        }
      }
      if (seq < 0 || !factSeen) {
        throw STEP_ASIDE;
      }
      currentSeq = seq;
      return encode(layout, head, uploadBytes, seq, time);
    }

    private Layout layout(final int kindFrom, final int kindLength) {
      for (final Layout layout : LAYOUTS) {
        if (is(kindFrom, kindLength, layout.kind)) {
          return layout;
        }
      }
      throw STEP_ASIDE;
    }

    /** {@code time}: null for the arrival time, milliseconds since the epoch, or ISO-8601 text. */
    private long time(final long received) {
      if (i < n && b[i] == 'n') {
        literal(NULL);
        return received;
      }
      if (i < n && b[i] == '"') {
        final int textFrom = string();
        try {
          return Instant.parse(new String(b, textFrom, scalarLength, StandardCharsets.UTF_8)).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
          throw STEP_ASIDE;
        }
      }
      return nonNegativeLong();
    }

    private long nonNegativeLong() {
      if (i < n && b[i] == '-' || scalar() != T_LONG) {
        throw STEP_ASIDE;
      }
      return scalarLong;
    }

    /** A fact from its '{', field by field against its layout, into the fields' slots. */
    private void fact(final Layout layout) {
      i++;
      seen = 0;
      entries = 0;
      whitespace();
      if (i < n && b[i] == '}') {
        i++;
      } else {
        while (true) {
          whitespace();
          final int nameFrom = string();
          final int f = layout.field(b, nameFrom, scalarLength);
          if (f < 0 || (seen & (1L << f)) != 0) {
            throw STEP_ASIDE;
          }
          seen |= 1L << f;
          whitespace();
          expect(':');
          whitespace();
          field(layout, f);
          whitespace();
          if (i < n && b[i] == ',') {
            i++;
          } else {
            expect('}');
            break;
          }
        }
      }
      for (int f = 0; f < layout.types.length; f++) {
        if ((seen & (1L << f)) == 0 && layout.avroDefaults[f] == null) {
          throw STEP_ASIDE;
        }
      }
    }

    private void field(final Layout layout, final int f) {
      switch (layout.types[f]) {
        case STRING -> {
          from[f] = string();
          length[f] = scalarLength;
          if (scalarLength > StoredText.MAX_INDEXED_BYTES) {
            // Perhaps longer than PostgreSQL indexes: the other readers know which fields it does.
            throw STEP_ASIDE;
          }
        }
        case LONG -> {
          if (scalar() != T_LONG) {
            throw STEP_ASIDE;
          }
          longs[f] = scalarLong;
        }
        case DOUBLE -> doubles[f] = asDouble(scalar());
        case ENUM -> {
          final int symbolFrom = string();
          longs[f] = symbol(layout.symbols[f], symbolFrom, scalarLength);
        }
        case MAP -> map(layout.branches[f], f);
        case UNION -> {
          final int t = scalar();
          tag[f] = branch(layout.branches[f], t);
          longs[f] = scalarLong;
          doubles[f] = scalarDouble;
          from[f] = scalarFrom;
          length[f] = scalarLength;
        }
        default -> throw STEP_ASIDE;
      }
    }

    /** A map of scalars from its '{'; its entries go to the entry slots. */
    private void map(final Branches branches, final int f) {
      if (i == n || b[i] != '{') {
        throw STEP_ASIDE;
      }
      i++;
      from[f] = entries;
      whitespace();
      if (i < n && b[i] == '}') {
        i++;
      } else {
        while (true) {
          whitespace();
          if (entries - from[f] == MAX_MAP_ENTRIES) {
            throw STEP_ASIDE;
          }
          if (entries == keyFrom.length) {
            growEntries(entries * 2);
          }
          final int e = entries++;
          keyFrom[e] = string();
          keyLength[e] = scalarLength;
          if (scalarLength > MAX_KEY_BYTES) {
            throw STEP_ASIDE;
          }
          whitespace();
          expect(':');
          whitespace();
          entryTag[e] = branch(branches, scalar());
          entryLong[e] = scalarLong;
          entryDouble[e] = scalarDouble;
          entryFrom[e] = scalarFrom;
          entryLength[e] = scalarLength;
          whitespace();
          if (i < n && b[i] == ',') {
            i++;
          } else {
            expect('}');
            break;
          }
        }
      }
      length[f] = entries - from[f];
    }

    /** The scalar's JSON type, if the union has a branch for it; as StreamedRecords.union decides. */
    private static int branch(final Branches branches, final int t) {
      if (t == T_BIG_INTEGER || branches.byTag[t] < 0) {
        throw STEP_ASIDE;
      }
      return t;
    }

    /** A DOUBLE field's value: the tree rounds an integer through BigInteger, a long to double rounds the same. */
    private double asDouble(final int t) {
      return switch (t) {
        case T_DOUBLE -> scalarDouble;
        case T_LONG -> (double) scalarLong;
        case T_BIG_INTEGER -> new BigInteger(new String(b, scalarFrom, scalarLength, StandardCharsets.US_ASCII)).doubleValue();
        default -> throw STEP_ASIDE;
      };
    }

    private int symbol(final byte[][] symbols, final int symbolFrom, final int symbolLength) {
      for (int s = 0; s < symbols.length; s++) {
        if (is(symbolFrom, symbolLength, symbols[s])) {
          return s;
        }
      }
      throw STEP_ASIDE;
    }

    /**
     * One scalar: its type, and its value in scalarLong, scalarDouble or (a string's, or a big
     * integer's digits) scalarFrom and scalarLength.
     */
    private int scalar() {
      if (i == n) {
        throw STEP_ASIDE;
      }
      switch (b[i]) {
        case '"' -> {
          scalarFrom = string();
          return T_STRING;
        }
        case 't' -> {
          literal(TRUE);
          return T_TRUE;
        }
        case 'f' -> {
          literal(FALSE);
          return T_FALSE;
        }
        case 'n' -> {
          literal(NULL);
          return T_NULL;
        }
        case 'N' -> {
          literal(NAN);
          scalarDouble = Double.NaN;
          return T_DOUBLE;
        }
        case 'I' -> {
          literal(INFINITY);
          scalarDouble = Double.POSITIVE_INFINITY;
          return T_DOUBLE;
        }
        default -> {
          return number();
        }
      }
    }

    /** A number as JSON writes it, or {@code -Infinity}. */
    private int number() {
      final int start = i;
      final boolean negative = b[i] == '-';
      if (negative) {
        i++;
        if (i < n && b[i] == 'I') {
          literal(INFINITY);
          scalarDouble = Double.NEGATIVE_INFINITY;
          return T_DOUBLE;
        }
      }
      if (i == n || b[i] < '0' || b[i] > '9') {
        throw STEP_ASIDE;
      }
      // Accumulated negative, so Long.MIN_VALUE fits; overflow makes a big integer.
      long value = 0;
      boolean big = false;
      if (b[i] == '0') {
        i++;
      } else {
        while (i < n && b[i] >= '0' && b[i] <= '9') {
          final int digit = b[i] - '0';
          if (!big) {
            if (value < (Long.MIN_VALUE + digit) / 10) {
              big = true;
            } else {
              value = value * 10 - digit;
            }
          }
          i++;
        }
      }
      boolean fraction = false;
      if (i < n && b[i] == '.') {
        fraction = true;
        i++;
        digits();
      }
      if (i < n && (b[i] == 'e' || b[i] == 'E')) {
        fraction = true;
        i++;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
          i++;
        }
        digits();
      }
      scalarFrom = start;
      scalarLength = i - start;
      if (scalarLength > MAX_NUMBER_LENGTH) {
        // The parser refuses numbers beyond a length (StreamReadConstraints): the tree answers.
        throw STEP_ASIDE;
      }
      if (fraction) {
        scalarDouble = Double.parseDouble(new String(b, start, i - start, StandardCharsets.US_ASCII));
        return T_DOUBLE;
      }
      if (!negative) {
        if (value == Long.MIN_VALUE) {
          big = true;
        }
        value = -value;
      }
      if (big) {
        return T_BIG_INTEGER;
      }
      scalarLong = value;
      return T_LONG;
    }

    /** One or more digits. */
    private void digits() {
      if (i == n || b[i] < '0' || b[i] > '9') {
        throw STEP_ASIDE;
      }
      while (i < n && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
    }

    /**
     * A string from its opening quote: returns where its bytes start, and leaves their count in
     * scalarLength. An escape, or a control character the parser would refuse, steps aside.
     */
    private int string() {
      if (i == n || b[i] != '"') {
        throw STEP_ASIDE;
      }
      final int start = ++i;
      while (true) {
        // The bytes the canonical form escapes are those that end a JSON string or must not be
        // in one, and DEL: found eight at a time.
        final int at = CanonicalBytes.firstEscaped(b, i, n);
        if (at == n || b[at] != '"' && b[at] != 0x7f) {
          throw STEP_ASIDE;
        }
        i = at + 1;
        if (b[at] == '"') {
          scalarLength = at - start;
          return start;
        }
        deleteSeen = true;
      }
    }

    private void literal(final byte[] word) {
      if (n - i < word.length || !Arrays.equals(b, i, i + word.length, word, 0, word.length)) {
        throw STEP_ASIDE;
      }
      i += word.length;
      // A literal runs into nothing: "nullx" or "NaNa" is an error the parser reports.
      if (i < n && (Character.isLetterOrDigit(b[i]) || b[i] == '_' || b[i] < 0)) {
        throw STEP_ASIDE;
      }
    }

    private void expect(final char c) {
      if (i == n || b[i] != c) {
        throw STEP_ASIDE;
      }
      i++;
    }

    /** Whitespace inside a record: in NDJSON a record is on one line, so a line feed steps aside. */
    private void whitespace() {
      while (i < n) {
        final byte c = b[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' && !ndjson) {
          i++;
        } else if (c == '\n') {
          throw STEP_ASIDE;
        } else {
          return;
        }
      }
    }

    /** Whitespace between records: returns whether a line feed was among it. */
    private boolean skipWhitespace() {
      boolean newline = false;
      while (i < n) {
        final byte c = b[i];
        if (c == ' ' || c == '\t' || c == '\r') {
          i++;
        } else if (c == '\n') {
          newline = true;
          i++;
        } else {
          break;
        }
      }
      return newline;
    }

    private boolean is(final int at, final int count, final byte[] word) {
      return count == word.length && Arrays.equals(b, at, at + count, word, 0, count);
    }

    /** The record's single-object bytes: the fact's Avro body and canonical form, its hash, the envelope. */
    private byte[] encode(final Layout layout, final byte[] head, final byte[] uploadBytes, final long seq, final long time) {
      fact.reset();
      canonical.reset();
      final int fields = layout.types.length;
      for (int f = 0; f < fields; f++) {
        if ((seen & (1L << f)) == 0) {
          fact.writeBytes(layout.avroDefaults[f], 0, layout.avroDefaults[f].length);
        } else {
          writeAvro(layout, f);
        }
      }
      canonical.put((byte) '{');
      final int[] order = layout.canonicalOrder;
      for (int k = 0; k < order.length; k++) {
        if (k > 0) {
          canonical.put((byte) ',');
        }
        canonical.put(layout.canonicalKeys[k]);
        final int f = order[k];
        if (f < 0) {
          canonical.put(layout.canonicalKind);
        } else if ((seen & (1L << f)) == 0) {
          canonical.put(layout.canonicalDefaults[f]);
        } else {
          writeCanonical(layout, f);
        }
      }
      canonical.put((byte) '}');
      ContentHash.hexInto(canonical, hex);
      record.reset();
      record.writeBytes(head, 0, head.length);
      record.writeInt(SEQ_LONG);
      record.writeLong(seq);
      record.writeLong(time);
      record.writeUtf8(hex, 0, hex.length);
      record.writeBytes(uploadBytes, 0, uploadBytes.length);
      record.writeInt(layout.branch);
      record.writeOut(fact);
      return record.toByteArray();
    }

    private void writeAvro(final Layout layout, final int f) {
      switch (layout.types[f]) {
        case STRING -> fact.writeUtf8(b, from[f], length[f]);
        case LONG, ENUM -> fact.writeLong(longs[f]);
        case DOUBLE -> fact.writeDouble(doubles[f]);
        case MAP -> {
          final Branches branches = layout.branches[f];
          final int count = length[f];
          fact.writeCount(count);
          for (int e = from[f]; e < from[f] + count; e++) {
            fact.writeUtf8(b, keyFrom[e], keyLength[e]);
            writeAvroScalar(branches, entryTag[e], entryLong[e], entryDouble[e], entryFrom[e], entryLength[e]);
          }
          fact.writeByte(0);
        }
        case UNION -> writeAvroScalar(layout.branches[f], tag[f], longs[f], doubles[f], from[f], length[f]);
        default -> throw new IllegalStateException("unknown type " + layout.types[f]);
      }
    }

    private void writeAvroScalar(final Branches branches, final int t, final long l, final double d, final int at, final int count) {
      fact.writeInt(branches.byTag[t]);
      switch (t) {
        case T_NULL -> {
          // nothing more
        }
        case T_TRUE -> fact.writeByte(1);
        case T_FALSE -> fact.writeByte(0);
        case T_STRING -> fact.writeUtf8(b, at, count);
        case T_LONG -> fact.writeLong(l);
        case T_DOUBLE -> fact.writeDouble(d);
        default -> throw new IllegalStateException("no branch for " + t);
      }
    }

    private void writeCanonical(final Layout layout, final int f) {
      switch (layout.types[f]) {
        case STRING -> canonicalString(from[f], length[f]);
        case LONG -> canonical.writeLong(longs[f]);
        case DOUBLE -> canonical.writeDouble(doubles[f]);
        // An Avro symbol is letters, digits and underscores.
        case ENUM -> canonical.writeQuoted(layout.symbols[f][(int) longs[f]], 0, layout.symbols[f][(int) longs[f]].length);
        case MAP -> writeCanonicalMap(from[f], length[f]);
        case UNION -> writeCanonicalScalar(tag[f], longs[f], doubles[f], from[f], length[f]);
        default -> throw new IllegalStateException("unknown type " + layout.types[f]);
      }
    }

    private void writeCanonicalScalar(final int t, final long l, final double d, final int at, final int count) {
      switch (t) {
        case T_NULL -> canonical.put(NULL);
        case T_TRUE -> canonical.put(TRUE);
        case T_FALSE -> canonical.put(FALSE);
        case T_STRING -> canonicalString(at, count);
        case T_LONG -> canonical.writeLong(l);
        case T_DOUBLE -> canonical.writeDouble(d);
        default -> throw new IllegalStateException("no canonical form for " + t);
      }
    }

    /** The string in {@code b[at, at + count)}, quoted and escaped as the canonical form has it. */
    private void canonicalString(final int at, final int count) {
      if (deleteSeen) {
        canonical.writeUtf8(b, at, count);
      } else {
        canonical.writeQuoted(b, at, count);
      }
    }

    /** A map's entries sorted by key, as the canonical form has them; a repeated key steps aside. */
    private void writeCanonicalMap(final int first, final int count) {
      for (int k = 0; k < count; k++) {
        int j = k - 1;
        final int e = first + k;
        while (j >= 0 && compareKeys(sorted[j], e) > 0) {
          sorted[j + 1] = sorted[j];
          j--;
        }
        if (j >= 0 && compareKeys(sorted[j], e) == 0) {
          // The tree keeps the last value of a repeated key.
          throw STEP_ASIDE;
        }
        sorted[j + 1] = e;
      }
      canonical.put((byte) '{');
      for (int k = 0; k < count; k++) {
        final int e = sorted[k];
        if (k > 0) {
          canonical.put((byte) ',');
        }
        canonicalString(keyFrom[e], keyLength[e]);
        canonical.put((byte) ':');
        writeCanonicalScalar(entryTag[e], entryLong[e], entryDouble[e], entryFrom[e], entryLength[e]);
      }
      canonical.put((byte) '}');
    }

    private int compareKeys(final int x, final int y) {
      return Arrays.compareUnsigned(b, keyFrom[x], keyFrom[x] + keyLength[x], b, keyFrom[y], keyFrom[y] + keyLength[y]);
    }

    private void growEntries(final int size) {
      keyFrom = Arrays.copyOf(keyFrom, size);
      keyLength = Arrays.copyOf(keyLength, size);
      entryTag = Arrays.copyOf(entryTag, size);
      entryLong = Arrays.copyOf(entryLong, size);
      entryDouble = Arrays.copyOf(entryDouble, size);
      entryFrom = Arrays.copyOf(entryFrom, size);
      entryLength = Arrays.copyOf(entryLength, size);
      sorted = Arrays.copyOf(sorted, size);
    }
  }

  private static byte[] ascii(final String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
