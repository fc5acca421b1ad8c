// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal;

import java.util.List;
import java.util.Optional;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.avro.StageFact;

/**
 * The identity of the entity a journal record states facts about (DESIGN.md, "Identity and the
 * content hash"): the Kafka key after re-keying, so that all facts of one entity meet in one task.
 * Parts are joined with a character that no identity may contain, so keys never collide.
 *
 * @param value {@code <kind>/<identity>}, e.g. {@code artifact/236d9502e0283d91f689d7038b8508a2}
 */
public record EntityKey(String value) {

  /** Separates the parts of composite identities; a control character no name or hash contains. */
  public static final char SEPARATOR = '\u001f';

  /** The entity of {@code record}, or empty for a batch barrier, which concerns every entity. */
  public static Optional<EntityKey> of(final JournalRecord record) {
    final Object body = record.getBody();
    if (body instanceof PipelineFact p) {
      return key("pipeline", p.getName());
    } else if (body instanceof StageFact s) {
      return key("stage", s.getName());
    } else if (body instanceof ExecutionFact e) {
      return key("execution", e.getUuid());
    } else if (body instanceof ArtifactFact a) {
      return key("artifact", a.getUri());
    } else if (body instanceof EventFact e) {
      return key("event", e.getExecutionUuid(), e.getArtifactUri(), e.getDirection().name());
    } else if (body instanceof MetricPoint m) {
      return key("metric", m.getExecutionUuid(), m.getName(), Long.toString(m.getStep()));
    } else if (body instanceof PropertyChange c) {
      return key(c.getEntity().name().toLowerCase(java.util.Locale.ROOT), c.getId());
    } else if (body instanceof BatchBarrier) {
      return Optional.empty();
    }
    throw new IllegalArgumentException("unknown journal body " + body);
  }

  /** The identity in {@code key}: all after {@code <kind>/}. */
  public static String identity(final String key) {
    return key.substring(key.indexOf('/') + 1);
  }

  /**
   * The parts of the identity in {@code key}, in the order {@link #of} joined them: one for most
   * kinds; execution, artifact and direction for an event; execution, name and step for a metric.
   */
  public static List<String> parts(final String key) {
    return List.of(identity(key).split(String.valueOf(SEPARATOR), -1));
  }

  /** The parts of this key's identity ({@link #parts(String)}). */
  public List<String> parts() {
    return parts(value);
  }

  /**
   * How many parts an identity of this key's kind has: three for an event or a metric, else one.
   * A key that splits into more ({@link #parts()}) had {@link #SEPARATOR} inside a part: taken
   * apart, it would name other entities, and two different identities could make the same key.
   */
  public int partCount() {
    final String kind = kind();
    return "event".equals(kind) || "metric".equals(kind) ? 3 : 1;
  }

  /** The kind of entity: all before {@code /}, such as {@code execution} or {@code event}. */
  public String kind() {
    return value.substring(0, value.indexOf('/'));
  }

  private static Optional<EntityKey> key(final String kind, final String... parts) {
    return Optional.of(new EntityKey(kind + "/" + String.join(String.valueOf(SEPARATOR), parts)));
  }

  @Override
  public String toString() {
    return value.replace(SEPARATOR, '|');
  }
}
