// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.merge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.StampedValue;
import org.cmfstream.journal.hash.CanonicalForm;

/** Converts between {@link EntityState} and its published form, {@link EntityChange}. */
public final class EntityChanges {

  private EntityChanges() {}

  public static EntityChange toChange(final EntityState state) {
    final Map<String, List<Object>> facts = new HashMap<>();
    state.facts().forEach((field, values) -> facts.put(field, new ArrayList<>(values.values())));
    final Map<String, StampedValue> properties = new HashMap<>();
    state.properties().forEach((name, s) ->
        properties.put(name, StampedValue.newBuilder().setValue(s.value()).setEventTime(s.stamp().eventTime()).setSite(s.stamp().site())
            .setSeq(s.stamp().seq()).setHash(s.stamp().hash()).build()));
    final Map<String, List<String>> sets = new HashMap<>();
    state.sets().forEach((name, members) -> sets.put(name, new ArrayList<>(members)));
    return EntityChange.newBuilder()
        .setKey(state.key())
        .setKind(state.kind())
        .setFacts(facts)
        .setProperties(properties)
        .setSets(sets)
        .setEarliest(new HashMap<>(state.earliest()))
        .setBarrier(null)
        .build();
  }

  public static EntityState toState(final EntityChange change) {
    final SortedMap<String, SortedMap<String, Object>> facts = new TreeMap<>();
    change.getFacts().forEach((field, values) -> {
      final SortedMap<String, Object> set = new TreeMap<>();
      values.forEach(v -> set.put(CanonicalForm.text(v), v));
      facts.put(field.toString(), set);
    });
    final SortedMap<String, EntityState.Stamped> properties = new TreeMap<>();
    change.getProperties().forEach((name, s) ->
        properties.put(name.toString(), new EntityState.Stamped(s.getValue(), new Stamp(s.getEventTime(), s.getSite(), s.getSeq(), s.getHash()))));
    final SortedMap<String, SortedSet<String>> sets = new TreeMap<>();
    change.getSets().forEach((name, members) -> sets.put(name.toString(), new TreeSet<>(members)));
    return new EntityState(change.getKey(), change.getKind(), facts, properties, sets, new TreeMap<>(change.getEarliest()));
  }
}
