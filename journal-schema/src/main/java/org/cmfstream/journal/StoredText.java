// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.StageFact;

/**
 * The text a journal record may carry so that both stores can hold it. JSON lets a string escape
 * any character, but PostgreSQL stores no U+0000 (NUL) in {@code text} or {@code jsonb}, nor indexes
 * a text beyond a third of a page, and an identity holding {@link EntityKey#SEPARATOR} would be
 * taken apart into other entities' names. A record with any of these would be refused by a sink on
 * every retry, so ingest answers it with a 400 and the replay sends it to the dead-letter topic.
 */
public final class StoredText {

  /**
   * The most UTF-8 bytes of a text that PostgreSQL indexes: identities, an artifact's type and
   * name, an execution's pipeline and stage. A B-tree entry holds at most 2,704 bytes, and the
   * widest index holds three of these ({@code executions (pipeline, stage, first_seen, uuid)}).
   */
  public static final int MAX_INDEXED_BYTES = 800;

  private StoredText() {}

  /** Why {@code record}'s text cannot be stored, naming the field, or null if it can. */
  public static String problem(final JournalRecord record) {
    final EntityKey key = EntityKey.of(record).orElse(null);
    return problem(record, key, key == null ? List.of() : key.parts());
  }

  /**
   * {@link #problem(JournalRecord)} for a caller that has taken the record's key apart already.
   *
   * @param key the record's entity, or null for a barrier
   * @param parts {@code key}'s parts (none for a barrier)
   */
  public static String problem(final JournalRecord record, final EntityKey key, final List<String> parts) {
    // Searched without paths first: the replay checks every record, and almost none holds a NUL.
    if (holdsNul(record.getBody())) {
      return nul(record.getBody(), "fact") + " holds U+0000 (NUL), which PostgreSQL cannot store";
    }
    if (key != null && parts.size() != key.partCount()) {
      return "an identity holds U+001F, which separates the parts of an entity key: " + key;
    }
    for (final String part : parts) {
      if (utf8Length(part) > MAX_INDEXED_BYTES) {
        return tooLong("a part of the identity", part);
      }
    }
    final Object body = record.getBody();
    if (body instanceof ArtifactFact a) {
      return firstTooLong("fact.type", a.getType(), "fact.name", a.getName());
    } else if (body instanceof ExecutionFact e) {
      return firstTooLong("fact.pipeline", e.getPipeline(), "fact.stage", e.getStage());
    } else if (body instanceof StageFact s) {
      return utf8Length(s.getPipeline()) > MAX_INDEXED_BYTES ? tooLong("fact.pipeline", s.getPipeline()) : null;
    }
    return null;
  }

  private static String firstTooLong(final String one, final String first, final String other, final String second) {
    if (utf8Length(first) > MAX_INDEXED_BYTES) {
      return tooLong(one, first);
    }
    return utf8Length(second) > MAX_INDEXED_BYTES ? tooLong(other, second) : null;
  }

  private static String tooLong(final String what, final String text) {
    return what + " is " + utf8Length(text) + " bytes long; identities, names, types, pipelines and stages are at most "
        + MAX_INDEXED_BYTES + " bytes, as PostgreSQL indexes them";
  }

  /** The length of {@code text} in UTF-8 (a lone surrogate counted as the 3 bytes it is written as, '?' aside). */
  static int utf8Length(final String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      final char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Whether a string or map key anywhere in {@code value} holds NUL. */
  private static boolean holdsNul(final Object value) {
    if (value instanceof CharSequence text) {
      return text.toString().indexOf('\0') >= 0;
    }
    if (value instanceof IndexedRecord record) {
      for (int i = 0; i < record.getSchema().getFields().size(); i++) {
        if (holdsNul(record.get(i))) {
          return true;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (final Map.Entry<?, ?> e : map.entrySet()) {
        if (holdsNul(e.getKey()) || holdsNul(e.getValue())) {
          return true;
        }
      }
    } else if (value instanceof Collection<?> list) {
      for (final Object element : list) {
        if (holdsNul(element)) {
          return true;
        }
      }
    }
    return false;
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
