// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.StampedValue;

/**
 * Tracks, per site, how much of its journal has arrived ({@link SiteWatermark}) and publishes it
 * as the entity {@code site/<site>} at the end of each upload. Runs before the re-key: a site's
 * journal is on one partition, so one task owns each site. Records without a sequence number (cmf
 * pushes) do not move a watermark.
 *
 * <p>The watermark moves with every record, but is published once per upload, when the upload's
 * barrier arrives: an upload's records and its barrier are committed in one Kafka transaction,
 * the barrier after all of its records on this partition, so the barrier sees every move the
 * upload made. Publishing on every record would
 * write one more change to {@code cmf.entities.v1}, and one more upsert to each store, per record.
 *
 * <p>It paces the commits of the validating sub-topology ({@link CommitPacer}).
 */
final class SiteWatermarks implements Processor<String, JournalRecord, String, EntityChange> {

  private final CommitPacer.Pacers pacers;
  private ProcessorContext<String, EntityChange> context;
  private KeyValueStore<String, String> store;
  private CommitPacer pacer;

  SiteWatermarks(final CommitPacer.Pacers pacers) {
    this.pacers = pacers;
  }

  @Override
  public void init(final ProcessorContext<String, EntityChange> context) {
    this.context = context;
    this.store = context.getStateStore(ReplayTopology.SITE_WATERMARKS_STORE);
    this.pacer = pacers.start(context);
  }

  @Override
  public void process(final Record<String, JournalRecord> record) {
    pacer.seen(record.timestamp());
    final JournalRecord journal = record.value();
    final String site = journal.getSite();
    if (journal.getBody() instanceof BatchBarrier) {
      publish(record, site);
      return;
    }
    final Long seq = journal.getSeq();
    if (seq == null) {
      return;
    }
    final SiteWatermark before = load(store.get(site));
    final SiteWatermark after = before.with(seq);
    if (!after.equals(before)) {
      store.put(site, after.completeThrough() + ";" + after.rangesText());
    }
  }

  /** Where the site's journal stands, as its entity; nothing for a site without numbered records. */
  private void publish(final Record<String, JournalRecord> barrier, final String site) {
    final String stored = store.get(site);
    if (stored == null) {
      return;
    }
    final SiteWatermark now = load(stored);
    final JournalRecord by = barrier.value();
    final long time = by.getEventTime().toEpochMilli();
    final Map<String, StampedValue> properties = new HashMap<>();
    properties.put("completeThrough", stamped(now.completeThrough(), by, now.completeThrough(), time));
    properties.put("ranges", stamped(now.rangesText(), by, now.completeThrough(), time));
    final EntityChange change =
        EntityChange.newBuilder()
            .setKey("site/" + site)
            .setKind("site")
            .setFacts(Map.of())
            .setProperties(properties)
            .setSets(Map.of("gaps", now.gaps().stream().map(g -> g[0] + "-" + g[1]).toList()))
            .setEarliest(Map.of())
            .setBarrier(null)
            .build();
    context.forward(barrier.withKey("site/" + site).withValue(change));
  }

  /** A barrier has no sequence number of its own: the value is stamped with where the journal is complete. */
  private static StampedValue stamped(final Object value, final JournalRecord by, final long seq, final long time) {
    return StampedValue.newBuilder().setValue(value).setEventTime(time).setSite(by.getSite()).setSeq(seq).setHash(by.getContentHash()).build();
  }

  static SiteWatermark load(final String stored) {
    if (stored == null) {
      return SiteWatermark.EMPTY;
    }
    final int split = stored.indexOf(';');
    return SiteWatermark.parse(Long.parseLong(stored.substring(0, split)), stored.substring(split + 1));
  }

}
