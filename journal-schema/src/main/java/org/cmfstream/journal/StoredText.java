// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.JournalRecord;

/**
 * The text a journal record may carry so that both stores can hold it. JSON lets a string escape
 * any character, but PostgreSQL stores no U+0000 (NUL) in {@code text} or {@code jsonb}, and an
 * identity holding {@link EntityKey#SEPARATOR} would be taken apart into other entities' names. A
 * record with either would be refused by a sink on every retry, so ingest answers it with a 400 and
 * the replay sends it to the dead-letter topic.
 */
public final class StoredText {

  private StoredText() {}

  /** Why {@code record}'s text cannot be stored, naming the field, or null if it can. */
  public static String problem(final JournalRecord record) {
    final String nul = nul(record.getBody(), "fact");
    if (nul != null) {
      return nul + " holds U+0000 (NUL), which PostgreSQL cannot store";
    }
    final EntityKey key = EntityKey.of(record).orElse(null);
    if (key != null && key.hasStraySeparator()) {
      return "an identity holds U+001F, which separates the parts of an entity key: " + key;
    }
    return null;
  }

  /** Where in {@code value} (at {@code path}) a string or map key holds NUL, or null. */
  private static String nul(final Object value, final String path) {
    if (value instanceof CharSequence text) {
      return text.toString().indexOf('\0') >= 0 ? path : null;
    }
    if (value instanceof IndexedRecord record) {
      for (final Schema.Field field : record.getSchema().getFields()) {
        final String found = nul(record.get(field.pos()), path + "." + field.name());
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (final Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getKey().toString().indexOf('\0') >= 0) {
          return "a key of " + path;
        }
        final String found = nul(e.getValue(), path + "." + e.getKey());
        if (found != null) {
          return found;
        }
      }
    } else if (value instanceof Collection<?> list) {
      for (final Object element : list) {
        final String found = nul(element, path + "[]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
