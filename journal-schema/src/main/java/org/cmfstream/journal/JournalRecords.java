// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.util.Utf8;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.hash.ContentHash;

/**
 * Builds journal records and computes what identifies them: the facts of a body (its hashed
 * content) and its {@link ContentHash}.
 */
public final class JournalRecords {

  private JournalRecords() {}

  /**
   * A record of {@code body} with its content hash computed.
   *
   * @param site the uploading site
   * @param seq the site's sequence number, or null where the upload carries none (cmf pushes)
   * @param eventTime when the fact happened
   * @param upload the upload's id
   * @param body one of the fact records of the schema
   */
  public static JournalRecord of(final String site, final Long seq, final Instant eventTime, final String upload, final IndexedRecord body) {
    // hashOf(body).hex(), without checking again the digits just written: once per record ingested.
    return JournalRecord.newBuilder()
        .setSite(site)
        .setSeq(seq)
        .setEventTime(eventTime)
        .setUpload(upload)
        .setContentHash(ContentHash.hexOfRecord(body.getSchema().getName(), body))
        .setBody(body)
        .build();
  }

  /** The hash of a body: its kind and its facts, independent of site, sequence and time. */
  public static ContentHash hashOf(final IndexedRecord body) {
    // The same text as ContentHash.of(facts(body)), written without the intermediate maps.
    return ContentHash.ofRecord(body.getSchema().getName(), body);
  }

  /**
   * The facts of a body as plain maps, lists and scalars: {@code {"kind": "<record name>",
   * <field>: <value>, ...}}. Maps are left unordered: the canonical form sorts their keys, so the
   * hash never depends on the order entries were put in.
   */
  public static Map<String, Object> facts(final IndexedRecord body) {
    final Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("kind", body.getSchema().getName());
    facts.putAll(fieldsOf(body));
    return facts;
  }

  private static Map<String, Object> fieldsOf(final IndexedRecord record) {
    // Unordered on purpose: the canonical form sorts keys itself.
    final Map<String, Object> fields = new HashMap<>();
    for (final Schema.Field field : record.getSchema().getFields()) {
      fields.put(field.name(), plain(record.get(field.pos())));
    }
    return fields;
  }

  private static Object plain(final Object value) {
    if (value instanceof IndexedRecord r) {
      return fieldsOf(r);
    } else if (value instanceof Map<?, ?> m) {
      final Map<String, Object> copy = new HashMap<>(m.size() * 2);
      m.forEach((k, v) -> copy.put(k.toString(), plain(v)));
      return copy;
    } else if (value instanceof List<?> l) {
      return l.stream().map(JournalRecords::plain).toList();
    } else if (value instanceof Utf8 || value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>) {
      return value.toString();
    } else if (value instanceof Instant i) {
      return i.toEpochMilli();
    }
    return value;
  }
}
