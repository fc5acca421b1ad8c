// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.StampedValue;

/**
 * Tracks, per site, how much of its journal has arrived ({@link SiteWatermark}) and publishes it
 * as the entity {@code site/<site>} when it moves. Runs before the re-key: a site's journal is on
 * one partition, so one task owns each site. Records without a sequence number (cmf pushes) do not
 * move a watermark.
 */
final class SiteWatermarks implements Processor<String, JournalRecord, String, EntityChange> {

  private ProcessorContext<String, EntityChange> context;
  private KeyValueStore<String, String> store;

  @Override
  public void init(final ProcessorContext<String, EntityChange> context) {
    this.context = context;
    this.store = context.getStateStore(ReplayTopology.SITE_WATERMARKS_STORE);
  }

  @Override
  public void process(final Record<String, JournalRecord> record) {
    final Long seq = record.value().getSeq();
    if (seq == null) {
      return;
    }
    final String site = record.value().getSite();
    final SiteWatermark before = load(store.get(site));
    final SiteWatermark after = before.with(seq);
    if (after.equals(before)) {
      return;
    }
    store.put(site, after.completeThrough() + ";" + after.rangesText());
    final Map<String, StampedValue> properties = new HashMap<>();
    final long time = record.value().getEventTime().toEpochMilli();
    properties.put("completeThrough", stamped(after.completeThrough(), record.value(), time));
    properties.put("ranges", stamped(after.rangesText(), record.value(), time));
    final EntityChange change =
        EntityChange.newBuilder()
            .setKey("site/" + site)
            .setKind("site")
            .setFacts(Map.of())
            .setProperties(properties)
            .setSets(Map.of("gaps", after.gaps().stream().map(g -> g[0] + "-" + g[1]).toList()))
            .setEarliest(Map.of())
            .setBarrier(null)
            .build();
    context.forward(record.withKey("site/" + site).withValue(change));
  }

  private static StampedValue stamped(final Object value, final JournalRecord by, final long time) {
    return StampedValue.newBuilder().setValue(value).setEventTime(time).setSite(by.getSite()).setSeq(by.getSeq()).setHash(by.getContentHash()).build();
  }

  static SiteWatermark load(final String stored) {
    if (stored == null) {
      return SiteWatermark.EMPTY;
    }
    final int split = stored.indexOf(';');
    return SiteWatermark.parse(Long.parseLong(stored.substring(0, split)), stored.substring(split + 1));
  }

}
