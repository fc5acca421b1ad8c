// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.PropertyChange;
import org.cmfstream.avro.StageFact;
import org.cmfstream.journal.EntityKey;

/**
 * Merges journal records into entity states. {@link #contribution} says what one record states
 * about its entity, as an {@link EntityState} of its own; {@link #merge} joins it into the current
 * state and says whether anything changed. Because the join is commutative, associative and
 * idempotent, replaying a journal in any order, with any duplicates, interleaved with any other
 * site's journal, ends in the same states.
 *
 * <p>Which facts are immutable, mutable or sets follows the real cmf-server's merge
 * (cmf-protocol.md, section 3): an artifact's type and an execution's pipeline, stage, type and
 * command never change; custom properties are overwritten (here: by the last writer); artifact
 * names, {@code url} lists and the comma-sets {@code labels}, {@code labels_uri} and {@code
 * dataset_uri} grow.
 */
public final class EntityMerge {

  /** Artifact properties and custom properties that the real server merges as comma-joined sets. */
  static final Set<String> COMMA_SETS = Set.of("url", "labels", "labels_uri", "dataset_uri");

  /** Execution properties that change after the execution was first logged. */
  static final Set<String> MUTABLE_EXECUTION_PROPERTIES = Set.of("Git_End_Commit");

  private EntityMerge() {}

  /** What merging a record did to its entity. */
  public enum Outcome {
    /** The entity changed, without a new conflict. */
    NEW,
    /** Nothing visible changed: the record said nothing the state did not hold (perhaps with a newer stamp). */
    DUPLICATE,
    /** The record contradicts an immutable fact: both values are kept and reported. */
    CONFLICT
  }

  /** The state after a merge, and what the merge did. */
  public record Result(EntityState state, Outcome outcome) {}

  /**
   * Joins {@code record} into {@code current} (null for an entity not seen yet).
   *
   * @throws IllegalArgumentException for a batch barrier, which is no entity's fact
   */
  public static Result merge(final EntityState current, final JournalRecord record) {
    final EntityState contribution = contribution(record);
    if (current == null) {
      return new Result(contribution, contribution.conflicts().isEmpty() ? Outcome.NEW : Outcome.CONFLICT);
    }
    // The joined state is always the one kept: it holds the newest stamps too, which later
    // last-writer decisions need to come out the same in every order.
    final EntityState joined = current.join(contribution);
    if (joined.sameValues(current)) {
      return new Result(joined, Outcome.DUPLICATE);
    }
    // Value sets only grow, so more conflicting values means this record added a conflict.
    return new Result(joined, conflictingValues(joined) > conflictingValues(current) ? Outcome.CONFLICT : Outcome.NEW);
  }

  private static int conflictingValues(final EntityState state) {
    return state.conflicts().values().stream().mapToInt(Map::size).sum();
  }

  /** What one record states about its entity. */
  public static EntityState contribution(final JournalRecord record) {
    final String key = EntityKey.of(record).orElseThrow(() -> new IllegalArgumentException("a batch barrier is no entity's fact")).value();
    final Stamp stamp = Stamp.of(record);
    final Builder b = new Builder(stamp);
    final Object body = record.getBody();
    final String kind;
    if (body instanceof PipelineFact p) {
      kind = "pipeline";
      b.properties("custom.", p.getCustomProperties());
    } else if (body instanceof StageFact s) {
      kind = "stage";
      b.fact("pipeline", s.getPipeline());
      b.properties("custom.", s.getCustomProperties());
      b.earliest("created", s.getCreateTime());
    } else if (body instanceof ExecutionFact e) {
      kind = "execution";
      b.fact("pipeline", e.getPipeline());
      b.fact("stage", e.getStage());
      b.fact("type", e.getType());
      b.fact("name", e.getName());
      e.getProperties().forEach((k, v) -> {
        if (k.equals("Execution_uuid")) {
          b.commaSet("uuids", v);
        } else if (MUTABLE_EXECUTION_PROPERTIES.contains(k)) {
          b.property("properties." + k, v);
        } else {
          b.fact("properties." + k, v);
        }
      });
      b.properties("custom.", e.getCustomProperties());
      b.earliest("created", e.getCreateTime());
    } else if (body instanceof ArtifactFact a) {
      kind = "artifact";
      b.fact("type", a.getType());
      b.set("names", a.getName());
      a.getProperties().forEach((k, v) -> b.propertyOrSet("properties.", k, v));
      a.getCustomProperties().forEach((k, v) -> b.propertyOrSet("custom.", k, v));
      b.earliest("created", a.getCreateTime());
    } else if (body instanceof EventFact) {
      kind = "event";
    } else if (body instanceof MetricPoint m) {
      kind = "metric";
      b.fact("value", m.getValue());
    } else if (body instanceof PropertyChange c) {
      kind = c.getEntity().name().toLowerCase(java.util.Locale.ROOT);
      b.property("custom." + c.getKey(), c.getValue());
    } else {
      throw new IllegalArgumentException("unknown journal body " + body);
    }
    // Every entity remembers when it was first seen: edges and points carry it to the stores.
    b.earliest("firstSeen", record.getEventTime().toEpochMilli());
    return new EntityState(key, kind, b.facts, b.properties, b.sets, b.earliest);
  }

  private static final class Builder {
    private final Stamp stamp;
    private final SortedMap<String, SortedMap<String, Object>> facts = new TreeMap<>();
    private final SortedMap<String, EntityState.Stamped> properties = new TreeMap<>();
    private final SortedMap<String, SortedSet<String>> sets = new TreeMap<>();
    private final SortedMap<String, Long> earliest = new TreeMap<>();

    Builder(final Stamp stamp) {
      this.stamp = stamp;
    }

    void fact(final String field, final Object value) {
      facts.put(field, EntityState.valueSet(value));
    }

    void property(final String name, final Object value) {
      properties.put(name, new EntityState.Stamped(value, stamp));
    }

    void properties(final String prefix, final Map<String, Object> values) {
      values.forEach((k, v) -> property(prefix + k, v));
    }

    void propertyOrSet(final String prefix, final String name, final Object value) {
      if (COMMA_SETS.contains(name)) {
        commaSet(prefix + name, value);
      } else {
        property(prefix + name, value);
      }
    }

    void set(final String name, final String member) {
      sets.computeIfAbsent(name, n -> new TreeSet<>()).add(member);
    }

    /** A comma-joined list, as cmf writes {@code url} and labels: each non-empty item a member. */
    void commaSet(final String name, final Object joined) {
      if (joined == null) {
        return;
      }
      Arrays.stream(joined.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(m -> set(name, m));
    }

    void earliest(final String name, final Long time) {
      if (time != null) {
        earliest.merge(name, time, Math::min);
      }
    }
  }
}
