// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import org.cmfstream.journal.hash.CanonicalForm;

/**
 * The merged state of one entity: everything every record about it has said, combined so that the
 * order, grouping and repetition of those records do not matter. Each part is a join-semilattice,
 * so {@link #join} is commutative, associative and idempotent, and so is the whole:
 *
 * <ul>
 *   <li>{@code facts}: immutable facts, as the set of distinct values each field was given. One
 *       value is the normal case; more than one is a <em>conflict</em>, kept side by side and
 *       reported, never silently overwritten.
 *   <li>{@code properties}: mutable values; the write with the greatest {@link Stamp} wins.
 *   <li>{@code sets}: grow-only sets (artifact names, {@code url} lists, labels, uuids): union.
 *   <li>{@code earliest}: times that keep their minimum (creation, first seen).
 * </ul>
 *
 * <p>Values are compared by their {@linkplain CanonicalForm canonical text}, so {@code 1} and
 * {@code 1.0} are one value and NaN equals NaN. Instances are immutable.
 *
 * @param key the entity's identity ({@code org.cmfstream.journal.EntityKey})
 * @param kind the entity kind: pipeline, stage, execution, artifact, event, metric
 */
public record EntityState(
    String key,
    String kind,
    SortedMap<String, SortedMap<String, Object>> facts,
    SortedMap<String, Stamped> properties,
    SortedMap<String, SortedSet<String>> sets,
    SortedMap<String, Long> earliest) {

  /** A value and the stamp of the write that gave it. */
  public record Stamped(Object value, Stamp stamp) {

    /**
     * The later of two writes. Equal stamps mean one write, or two whose values have one
     * canonical text ({@code 1} and {@code 1.0} hash alike, so two records differing only so have
     * the same stamp): of those the {@linkplain #representative representative} value is kept, so
     * the stores hold the same form whichever arrived first.
     */
    static Stamped later(final Stamped a, final Stamped b) {
      final int order = a.stamp.compareTo(b.stamp);
      if (order != 0) {
        return order > 0 ? a : b;
      }
      return representative(a.value, b.value) == a.value ? a : b;
    }

    @Override
    public boolean equals(final Object o) {
      return o instanceof Stamped s && s.stamp.equals(stamp) && CanonicalForm.text(s.value).equals(CanonicalForm.text(value));
    }

    @Override
    public int hashCode() {
      return stamp.hashCode();
    }
  }

  public EntityState {
    facts = Collections.unmodifiableSortedMap(new TreeMap<>(facts));
    properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties));
    sets = Collections.unmodifiableSortedMap(new TreeMap<>(sets));
    earliest = Collections.unmodifiableSortedMap(new TreeMap<>(earliest));
  }

  static EntityState empty(final String key, final String kind) {
    return new EntityState(key, kind, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
  }

  /** The least state that holds everything both states hold. */
  public EntityState join(final EntityState other) {
    if (!key.equals(other.key) || !kind.equals(other.kind)) {
      throw new IllegalArgumentException("cannot join " + kind + " " + key + " with " + other.kind + " " + other.key);
    }
    return new EntityState(
        key,
        kind,
        merge(facts, other.facts, EntityState::unionValues),
        merge(properties, other.properties, Stamped::later),
        merge(sets, other.sets, EntityState::union),
        merge(earliest, other.earliest, Math::min));
  }

  /**
   * Whether both states say the same things: equal facts, sets and times, and equal property
   * values whoever wrote them. Stamps are left out: the same value written again by another
   * upload changes nothing anyone can see.
   */
  public boolean sameValues(final EntityState other) {
    if (!factTexts(facts).equals(factTexts(other.facts)) || !sets.equals(other.sets) || !earliest.equals(other.earliest) || !properties.keySet().equals(other.properties.keySet())) {
      return false;
    }
    for (final Map.Entry<String, Stamped> e : properties.entrySet()) {
      if (!CanonicalForm.text(e.getValue().value()).equals(CanonicalForm.text(other.properties.get(e.getKey()).value()))) {
        return false;
      }
    }
    return true;
  }

  /** Facts by canonical text only: which object stands for a value is not itself a fact. */
  private static Map<String, java.util.Set<String>> factTexts(final SortedMap<String, SortedMap<String, Object>> facts) {
    final Map<String, java.util.Set<String>> texts = new TreeMap<>();
    facts.forEach((field, values) -> texts.put(field, values.keySet()));
    return texts;
  }

  /** The fields whose immutable facts disagree, with their distinct values. */
  public Map<String, SortedMap<String, Object>> conflicts() {
    final Map<String, SortedMap<String, Object>> conflicts = new TreeMap<>();
    facts.forEach((field, values) -> {
      if (values.size() > 1) {
        conflicts.put(field, values);
      }
    });
    return conflicts;
  }

  /** The single value of an immutable fact, or null if absent or in conflict. */
  public Object fact(final String field) {
    final SortedMap<String, Object> values = facts.get(field);
    return values == null || values.size() != 1 ? null : values.values().iterator().next();
  }

  private static <V> SortedMap<String, V> merge(final Map<String, V> a, final Map<String, V> b, final BinaryOperator<V> join) {
    final SortedMap<String, V> out = new TreeMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, join));
    return out;
  }

  private static SortedMap<String, Object> unionValues(final SortedMap<String, Object> a, final SortedMap<String, Object> b) {
    final SortedMap<String, Object> out = new TreeMap<>(a);
    b.forEach((text, value) -> out.merge(text, value, EntityState::representative));
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * Of two values with the same canonical text ({@code 1} and {@code 1.0}, {@code 0.0} and {@code
   * -0.0}), the one kept: the least by type name, then text, so the choice never depends on the
   * order of merges.
   */
  private static Object representative(final Object a, final Object b) {
    final String ka = (a == null ? "" : a.getClass().getName()) + ":" + a;
    final String kb = (b == null ? "" : b.getClass().getName()) + ":" + b;
    return ka.compareTo(kb) <= 0 ? a : b;
  }

  private static SortedSet<String> union(final SortedSet<String> a, final SortedSet<String> b) {
    final SortedSet<String> out = new TreeSet<>(a);
    out.addAll(b);
    return Collections.unmodifiableSortedSet(out);
  }

  /** The value set of one immutable fact: canonical text to value. */
  static SortedMap<String, Object> valueSet(final Object value) {
    final SortedMap<String, Object> one = new TreeMap<>();
    one.put(CanonicalForm.text(value), value);
    return Collections.unmodifiableSortedMap(one);
  }
}
