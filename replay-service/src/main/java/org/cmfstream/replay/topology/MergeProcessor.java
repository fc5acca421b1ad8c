// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cmfstream.avro.BarrierMark;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.replay.merge.EntityChanges;
import org.cmfstream.replay.merge.EntityMerge;
import org.cmfstream.replay.merge.EntityState;

/**
 * Merges each record into its entity's state and forwards the state when something visible
 * changed; a duplicate forwards nothing. It counts, per upload, what its records did on this
 * partition, and when the upload's barrier arrives (after all of the upload's records, on every
 * partition) forwards a barrier mark with those counts, which the sinks record with their writes.
 * It paces the merge's commits ({@link CommitPacer}).
 */
final class MergeProcessor implements Processor<String, JournalRecord, String, ReplayTopology.Merged> {

  /** Where a record the merge refused is counted, after the three {@link EntityMerge.Outcome}s. */
  private static final int REFUSED = EntityMerge.Outcome.values().length;

  private final int partitions;
  private final CommitPacer.Pacers pacers;
  private ProcessorContext<String, ReplayTopology.Merged> context;
  private CommitPacer pacer;
  private KeyValueStore<String, EntityChange> entities;
  private KeyValueStore<String, String> counts;

  MergeProcessor(final int partitions, final CommitPacer.Pacers pacers) {
    this.partitions = partitions;
    this.pacers = pacers;
  }

  @Override
  public void init(final ProcessorContext<String, ReplayTopology.Merged> context) {
    this.context = context;
    this.entities = context.getStateStore(ReplayTopology.ENTITIES_STORE);
    this.counts = context.getStateStore(ReplayTopology.UPLOAD_COUNTS_STORE);
    this.pacer = pacers.start(context);
  }

  @Override
  public void process(final Record<String, JournalRecord> record) {
    pacer.seen(record.timestamp());
    final JournalRecord journal = record.value();
    if (journal.getBody() instanceof BatchBarrier barrier) {
      markBarrier(record, journal, barrier);
      return;
    }
    final EntityChange stored = entities.get(record.key());
    final EntityMerge.Result result = EntityMerge.merge(stored == null ? null : EntityChanges.toState(stored), journal);
    final EntityChange change = EntityChanges.toChange(result.state());
    // Kept even for a duplicate: its newer stamp decides later writes the same way in every order.
    try {
      entities.put(record.key(), change);
    } catch (BoundedStateSerde.TooLarge e) {
      // Nothing was written: the state stays as it was, and the record goes to the dead letters,
      // under the site's key as the validation's do. Which record of an entity meets the limit
      // depends on their order: the one place where the merge is not the same in every order.
      context.forward(record.withKey(journal.getSite()).withValue(ReplayTopology.Merged.refused(journal, e.getMessage())));
      count(journal.getUpload(), REFUSED);
      return;
    }
    count(journal.getUpload(), result.outcome().ordinal());
    // A duplicate that only moved a stamp (the same fact logged again later) is still counted as a
    // duplicate, but forwarded: otherwise the stores would keep whichever stamp came first, and
    // their "last updated" would depend on the order of the journal. A record sent again as it was
    // changes nothing at all and forwards nothing.
    if (result.outcome() != EntityMerge.Outcome.DUPLICATE || !change.equals(stored)) {
      context.forward(record.withValue(ReplayTopology.Merged.changed(change)));
    }
  }

  private void markBarrier(final Record<String, JournalRecord> record, final JournalRecord journal, final BatchBarrier barrier) {
    final int partition = context.recordMetadata().map(m -> m.partition()).orElse(0);
    final long[] n = parse(counts.get(journal.getUpload()));
    counts.delete(journal.getUpload());
    final BarrierMark mark =
        BarrierMark.newBuilder()
            .setUpload(journal.getUpload())
            .setSite(journal.getSite())
            .setPartition(partition)
            .setPartitions(partitions)
            .setRecords(barrier.getRecords())
            .setFresh(n[0])
            .setDuplicates(n[1])
            .setConflicts(n[2])
            .setRefused(n[REFUSED])
            .build();
    final String key = "barrier/" + journal.getUpload() + "/" + partition;
    final EntityChange change =
        EntityChange.newBuilder().setKey(key).setKind("barrier").setFacts(Map.of()).setProperties(Map.of()).setSets(Map.of()).setEarliest(Map.of()).setBarrier(mark).build();
    context.forward(record.withKey(key).withValue(ReplayTopology.Merged.changed(change)));
  }

  /** Counts one record of {@code upload} under {@code outcome}: an {@link EntityMerge.Outcome}'s ordinal, or {@link #REFUSED}. */
  private void count(final String upload, final int outcome) {
    final long[] n = parse(counts.get(upload));
    n[outcome]++;
    counts.put(upload, n[0] + ":" + n[1] + ":" + n[2] + ":" + n[REFUSED]);
  }

  /**
   * fresh:duplicates:conflicts:refused, the first three in the order of {@link
   * EntityMerge.Outcome}; a count stored before refusals were counted has three.
   */
  private static long[] parse(final String stored) {
    final long[] n = new long[REFUSED + 1];
    if (stored != null) {
      final String[] parts = stored.split(":");
      for (int i = 0; i < parts.length; i++) {
        n[i] = Long.parseLong(parts[i]);
      }
    }
    return n;
  }
}
