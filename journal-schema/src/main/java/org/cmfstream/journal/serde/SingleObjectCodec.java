// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro single-object encoding of one record type without a schema registry: {@code 0xC3 0x01},
 * the 8-byte little-endian CRC-64-AVRO fingerprint of the writer's schema, then the binary body.
 * Every released version of the schema ships in {@code schema-history/<Type>/v<N>.avsc}, so a
 * record written by any of them still decodes, resolved to the current schema. Thread-safe.
 *
 * @param <T> the generated record class
 */
public final class SingleObjectCodec<T extends SpecificRecord> {

  static {
    // Avro 1.12 refuses to instantiate classes it is not told to trust (CVE-2024-47561).
    final ClassSecurityValidator.ClassSecurityPredicate ours = c -> c.getName().startsWith("org.cmfstream.avro.");
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
  }

  /** Keeps a buffer that grew for one large record from being held for the next. */
  private static final int KEEP = 1024 * 1024;

  /** Each thread's output buffer and encoder, reused from record to record. */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private final String type;
  private final List<Schema> history;
  private final byte[] header;
  private final DatumWriter<T> writer;
  private final BinaryMessageDecoder<T> decoder;

  /**
   * @param type the record class
   * @param current its schema (the generated {@code getClassSchema()})
   * @param versions the released versions, oldest first, e.g. {@code List.of("v1")}
   */
  public SingleObjectCodec(final Class<T> type, final Schema current, final List<String> versions) {
    this.type = type.getSimpleName();
    this.history = load(type.getSimpleName(), versions);
    final SpecificData model = SpecificData.getForClass(type);
    final SchemaStore.Cache store = new SchemaStore.Cache();
    history.forEach(store::addSchema);
    header = header(current);
    writer = new ScalarUnionWriter<>(current, model);
    decoder = new BinaryMessageDecoder<>(model, current, store);
  }

  /**
   * The single-object encoding of {@code record}: the bytes Avro's {@code BinaryMessageEncoder}
   * writes ({@code SingleObjectCodecTest} holds the two equal), written through a buffered encoder
   * into a reused buffer, where Avro's writes byte by byte into a synchronized stream, and with
   * the scalar unions of property values resolved by their Java class.
   */
  public byte[] encode(final T record) {
    final Buffers buffers = BUFFERS.get();
    try {
      // Configuring flushes what a failed encode may have left in the encoder; reset drops it.
      buffers.encoder = EncoderFactory.get().binaryEncoder(buffers.out, buffers.encoder);
      buffers.out.reset();
      buffers.encoder.writeFixed(header);
      writer.write(record, buffers.encoder);
      buffers.encoder.flush();
      return buffers.out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + type, e);
    } finally {
      buffers.out.trim();
    }
  }

  /** {@code 0xC3 0x01} and the schema's CRC-64-AVRO fingerprint, as BinaryMessageEncoder writes them. */
  private static byte[] header(final Schema schema) {
    final byte[] fingerprint;
    try {
      fingerprint = SchemaNormalization.parsingFingerprint("CRC-64-AVRO", schema);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("Avro always has CRC-64-AVRO", e);
    }
    final byte[] header = new byte[2 + fingerprint.length];
    header[0] = (byte) 0xC3;
    header[1] = 0x01;
    System.arraycopy(fingerprint, 0, header, 2, fingerprint.length);
    return header;
  }

  /**
   * Decodes a record written with the current or any released schema.
   *
   * @throws JournalDecodingException if the bytes are not such a record
   */
  public T decode(final byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new JournalDecodingException("written with a schema this version does not know: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new JournalDecodingException("not a " + type + ": " + e.getMessage(), e);
    }
  }

  /** The released schemas, oldest first. */
  public List<Schema> history() {
    return history;
  }

  private static List<Schema> load(final String type, final List<String> versions) {
    final List<Schema> schemas = new ArrayList<>();
    for (final String version : versions) {
      final String resource = "/schema-history/" + type + "/" + version + ".avsc";
      try (InputStream in = SingleObjectCodec.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing schema history " + resource);
        }
        schemas.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(schemas);
  }

  /** An output stream over a growable array, unsynchronized: used by one thread at a time. */
  private static final class Out extends OutputStream {
    private byte[] buf = new byte[4096];
    private int len;

    @Override
    public void write(final int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    @Override
    public void write(final byte[] bytes, final int off, final int n) {
      ensure(n);
      System.arraycopy(bytes, off, buf, len, n);
      len += n;
    }

    void reset() {
      len = 0;
    }

    void trim() {
      if (buf.length > KEEP) {
        buf = new byte[4096];
        len = 0;
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }

    private void ensure(final int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }
  }

  private static final class Buffers {
    final Out out = new Out();
    BinaryEncoder encoder;
  }

  /**
   * A SpecificDatumWriter that picks the branch of a union of scalars (the property values,
   * {@code ["null", "long", "double", "string", "boolean"]}) by the value's class, the branch
   * Avro's own resolution finds, without its look-ups by name. Anything else, Avro resolves.
   */
  private static final class ScalarUnionWriter<T> extends SpecificDatumWriter<T> {

    private static final int NULL = 0;
    private static final int LONG = 1;
    private static final int DOUBLE = 2;
    private static final int STRING = 3;
    private static final int BOOLEAN = 4;

    /** By union schema (identity: the writer is handed the very schemas of its root): the branch of each scalar class. */
    private final Map<Schema, int[]> scalarUnions = new IdentityHashMap<>();

    ScalarUnionWriter(final Schema root, final SpecificData model) {
      super(root, model);
      collect(root, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void collect(final Schema schema, final Set<Schema> seen) {
      if (!seen.add(schema)) {
        return;
      }
      switch (schema.getType()) {
        case RECORD -> schema.getFields().forEach(f -> collect(f.schema(), seen));
        case MAP -> collect(schema.getValueType(), seen);
        case ARRAY -> collect(schema.getElementType(), seen);
        case UNION -> {
          schema.getTypes().forEach(t -> collect(t, seen));
          final int[] branches = scalarBranches(schema);
          if (branches != null) {
            scalarUnions.put(schema, branches);
          }
        }
        default -> {
          // A leaf: nothing inside to resolve.
        }
      }
    }

    /** The branch of each scalar class, -1 where the union has none; null if any branch has a logical type. */
    private static int[] scalarBranches(final Schema union) {
      final int[] branches = {-1, -1, -1, -1, -1};
      final List<Schema> types = union.getTypes();
      for (int i = 0; i < types.size(); i++) {
        final Schema t = types.get(i);
        if (t.getLogicalType() != null) {
          return null;
        }
        switch (t.getType()) {
          case NULL -> branches[NULL] = i;
          case LONG -> branches[LONG] = i;
          case DOUBLE -> branches[DOUBLE] = i;
          case STRING -> branches[STRING] = i;
          case BOOLEAN -> branches[BOOLEAN] = i;
          default -> {
            // Resolved by Avro when the value is of no scalar class above.
          }
        }
      }
      return branches;
    }

    @Override
    protected int resolveUnion(final Schema union, final Object datum) {
      final int[] branches = scalarUnions.get(union);
      if (branches != null) {
        final int branch =
            datum == null ? branches[NULL]
                : datum instanceof Long ? branches[LONG]
                : datum instanceof Double ? branches[DOUBLE]
                : datum instanceof String ? branches[STRING]
                : datum instanceof Boolean ? branches[BOOLEAN]
                : -1;
        if (branch >= 0) {
          return branch;
        }
      }
      return super.resolveUnion(union, datum);
    }
  }
}
