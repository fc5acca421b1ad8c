// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
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

  /** Each thread's output buffer, reused from record to record. */
  private static final ThreadLocal<AvroOut> BUFFERS = ThreadLocal.withInitial(() -> new AvroOut(4096));

  private final String type;
  private final List<Schema> history;
  private final byte[] header;
  private final DirectWriter writer;
  private final DirectReader reader;
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
    writer = new DirectWriter(current);
    reader = new DirectReader(current, model);
    decoder = new BinaryMessageDecoder<>(model, current, store);
  }

  /**
   * The single-object encoding of {@code record}: the bytes Avro's {@code BinaryMessageEncoder}
   * writes ({@code SingleObjectCodecTest} holds the two equal), written by a {@link DirectWriter}
   * into a reused buffer, where Avro's goes through its datum writer's look-ups per value and
   * writes byte by byte into a synchronized stream.
   */
  public byte[] encode(final T record) {
    final AvroOut out = BUFFERS.get();
    out.reset();
    try {
      out.writeBytes(header, 0, header.length);
      writer.write(record, out);
      return out.toByteArray();
    } finally {
      if (out.capacity() > KEEP) {
        BUFFERS.remove();
      }
    }
  }

  /** What every record this codec encodes starts with: the marker and the current schema's fingerprint. */
  public byte[] header() {
    return header.clone();
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
   * Decodes a record written with the current or any released schema: the current one by a {@link
   * DirectReader}, any other through Avro's decoder, which resolves it to the current schema.
   *
   * @throws JournalDecodingException if the bytes are not such a record
   */
  @SuppressWarnings("unchecked")
  public T decode(final byte[] bytes) {
    try {
      if (Arrays.equals(bytes, 0, Math.min(header.length, bytes.length), header, 0, header.length)) {
        return (T) reader.read(bytes, header.length);
      }
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
}
