// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.cmfstream.avro.JournalRecord;

/**
 * Encodes and decodes {@link JournalRecord}s without a schema registry, in Avro's single-object
 * encoding: {@code 0xC3 0x01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer's
 * schema, then the binary body.
 *
 * <p>Every schema version ever released ships with the code ({@code
 * schema-history/JournalRecord/v<N>.avsc}), so a record written by any earlier version still
 * decodes, resolved to the current schema. {@code JournalSchemaHistoryTest} checks that each new
 * version can read all earlier ones. Thread-safe.
 */
public final class JournalCodec {

  /** The released schema versions, oldest first; the last one is the current schema. */
  static final List<String> HISTORY = List.of("v1");

  private static final JournalCodec INSTANCE = new JournalCodec();

  static {
    // Avro 1.12 refuses to instantiate classes it is not told to trust (CVE-2024-47561).
    final ClassSecurityValidator.ClassSecurityPredicate ours = c -> c.getName().startsWith("org.cmfstream.avro.");
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
  }

  private final BinaryMessageEncoder<JournalRecord> encoder;
  private final BinaryMessageDecoder<JournalRecord> decoder;

  private JournalCodec() {
    final SpecificData model = SpecificData.getForClass(JournalRecord.class);
    final SchemaStore.Cache store = new SchemaStore.Cache();
    for (final Schema old : historicSchemas()) {
      store.addSchema(old);
    }
    encoder = new BinaryMessageEncoder<>(model, JournalRecord.getClassSchema());
    decoder = new BinaryMessageDecoder<>(model, JournalRecord.getClassSchema(), store);
  }

  public static JournalCodec instance() {
    return INSTANCE;
  }

  /** The single-object encoding of {@code record}. */
  public byte[] encode(final JournalRecord record) {
    try {
      final ByteBuffer buffer = encoder.encode(record);
      final byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a journal record", e);
    }
  }

  /**
   * Decodes a single-object-encoded record written with the current or any earlier schema.
   *
   * @throws JournalDecodingException if the bytes are not a journal record of a known schema
   */
  public JournalRecord decode(final byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new JournalDecodingException("written with a schema this version does not know: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new JournalDecodingException("not a journal record: " + e.getMessage(), e);
    }
  }

  /** Every released version of the journal schema, oldest first. */
  public static List<Schema> historicSchemas() {
    final List<Schema> schemas = new ArrayList<>();
    for (final String version : HISTORY) {
      final String resource = "/schema-history/JournalRecord/" + version + ".avsc";
      try (InputStream in = JournalCodec.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing schema history " + resource);
        }
        schemas.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return schemas;
  }
}
