// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.EntityKey;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.journal.serde.JournalSerde;

/**
 * The replay (DESIGN.md, "Data flow"), as a pure function that tests share with the service:
 *
 * <pre>
 * cmf.journal.v1 (key: site)
 *   -> validate ----------------------------------------------------> cmf.journal.dlq.v1 (reason in a header)
 *   -> site-watermarks (per site, where its journal is complete) ---> cmf.entities.v1 (key site/&lt;site&gt;)
 *   -> key-by-entity -> by-entity (repartition; barriers to every partition)
 *   -> merge (entities, upload-counts) -----------------------------> cmf.entities.v1 (changed states, barrier marks)
 *                                      `---------------------------> cmf.journal.dlq.v1 (a record that would outgrow its state)
 * </pre>
 *
 * <p>Every processor, store and internal topic is named, so a change to the topology never
 * silently renames state. The merge is a join ({@link org.cmfstream.replay.merge.EntityMerge}), so
 * with {@code exactly_once_v2} the entity states are the same whatever the order, duplication or
 * crashes the journal meets.
 */
public final class ReplayTopology {

  public static final String ENTITIES_STORE = "entities";
  public static final String UPLOAD_COUNTS_STORE = "upload-counts";
  public static final String SITE_WATERMARKS_STORE = "site-watermarks";
  public static final String BY_ENTITY = "by-entity";

  /**
   * The largest entity state the merge keeps, serialized. The store's changelog and {@code
   * cmf.entities.v1} carry the state whole, and Kafka refuses a record over its producer's {@code
   * max.request.size} and the broker's {@code message.max.bytes} (1 MiB by default): a state beyond
   * it would fail its task's transaction on every retry. Ingest caps a journal record at 1,000,000
   * bytes, but a state can grow past that from many records (conflicting facts kept side by side,
   * many property keys); the record that would take it over goes to the dead letters instead.
   */
  static final int MAX_STATE_BYTES = 900_000;

  /** The header of a dead letter that says why it was rejected. */
  public static final String DLQ_REASON_HEADER = "cmf.dlq.reason";

  private ReplayTopology() {}

  /**
   * @param entityPartitions partitions of the re-keyed stream: the most replay copies that can
   *     merge in parallel
   * @param pacing how often the processors ask for commits while the replay keeps up
   */
  public static Topology build(final int entityPartitions, final CommitPacer.Pacing pacing) {
    final StreamsBuilder builder = new StreamsBuilder();
    final Serde<JournalRecord> journal = new JournalSerde();
    final Serde<EntityChange> changes = new EntityChangeSerde();
    final CommitPacer.Pacers pacers = new CommitPacer.Pacers(pacing);
    // Cached: a key written many times between two commits (an upload's counts, a site's watermark,
    // an entity and its properties) reaches RocksDB and its changelog once per commit, not once per
    // record. Reads see the cache, and exactly_once_v2 flushes it with every commit.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTITIES_STORE), Serdes.String(), new BoundedStateSerde<>(changes, MAX_STATE_BYTES))
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(UPLOAD_COUNTS_STORE), Serdes.String(), Serdes.String()).withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SITE_WATERMARKS_STORE), Serdes.String(), Serdes.String()).withCachingEnabled());

    final KStream<String, JournalRecord> source =
        builder.stream(Topics.JOURNAL.name(), Consumed.with(Serdes.String(), journal).withName("journal-source"));

    // Checked once; the verdict rides along until the stream splits.
    final KStream<String, Checked> checked = source.mapValues((key, record) -> new Checked(record, Validation.problem(key, record)), Named.as("validate"));
    checked
        .filter((key, c) -> c.problem() != null, Named.as("rejected"))
        .processValues(DeadLetters::new, Named.as("dead-letter"))
        .to(Topics.JOURNAL_DLQ.name(), Produced.with(Serdes.String(), journal).withName("dlq-sink"));
    final KStream<String, JournalRecord> valid =
        checked.filter((key, c) -> c.problem() == null, Named.as("accepted")).mapValues(Checked::record, Named.as("unwrap"));

    valid
        .process(() -> new SiteWatermarks(pacers), Named.as("site-watermarks"), SITE_WATERMARKS_STORE)
        .to(Topics.ENTITIES.name(), Produced.with(Serdes.String(), changes).withName("site-watermarks-sink"));

    valid
        .selectKey((site, record) -> mergeKey(record), Named.as("key-by-entity"))
        .repartition(
            Repartitioned.<String, JournalRecord>with(Serdes.String(), journal)
                .withName(BY_ENTITY)
                .withNumberOfPartitions(entityPartitions)
                .withStreamPartitioner(new EntityPartitioner()))
        .process(() -> new MergeProcessor(entityPartitions, pacers), Named.as("merge"), ENTITIES_STORE, UPLOAD_COUNTS_STORE)
        .split(Named.as("merged-"))
        .branch((key, merged) -> merged.rejected() != null, Branched.withConsumer(rejected -> rejected
            .mapValues(Merged::rejected, Named.as("unwrap-rejected"))
            .processValues(DeadLetters::new, Named.as("merge-dead-letter"))
            .to(Topics.JOURNAL_DLQ.name(), Produced.with(Serdes.String(), journal).withName("merge-dlq-sink")), "rejected"))
        .defaultBranch(Branched.withConsumer(changed -> changed
            .mapValues(Merged::change, Named.as("unwrap-change"))
            .to(Topics.ENTITIES.name(), Produced.with(Serdes.String(), changes).withName("entities-sink").withStreamPartitioner(new ChangePartitioner())),
            "changed"));
    return builder.build();
  }

  /**
   * What the merge forwards: an entity's changed state (or a barrier mark), or a record it refused
   * (its state would outgrow {@link #MAX_STATE_BYTES}), bound for the dead letters.
   */
  record Merged(EntityChange change, Checked rejected) {

    static Merged changed(final EntityChange change) {
      return new Merged(change, null);
    }

    static Merged refused(final JournalRecord record, final String problem) {
      return new Merged(null, new Checked(record, problem));
    }
  }

  /** An entity's key; a barrier's is its upload, and the partitioner sends it everywhere. */
  static String mergeKey(final JournalRecord record) {
    return EntityKey.of(record).map(EntityKey::value).orElseGet(() -> "barrier/" + record.getUpload());
  }

  /**
   * Entity changes to the partition of their key, as on the by-entity stream; a barrier mark to the
   * partition it marks. All of an upload's marks share one key, so the default partitioner would put
   * them in one partition, where a sink could apply a mark before the changes it vouches for.
   */
  static final class ChangePartitioner implements StreamPartitioner<String, EntityChange> {

    @Override
    public Optional<Set<Integer>> partitions(final String topic, final String key, final EntityChange value, final int partitions) {
      if (value.getBarrier() != null) {
        return Optional.of(Set.of(value.getBarrier().getPartition() % partitions));
      }
      return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions));
    }
  }

  /** A record and why it cannot be merged (null if it can). */
  record Checked(JournalRecord record, String problem) {}

  /**
   * Entities by the hash of their key, as Kafka's default partitioner does; a batch barrier to
   * every partition, after the batch's records (the one upstream task writes both in order).
   */
  static final class EntityPartitioner implements StreamPartitioner<String, JournalRecord> {

    @Override
    public Optional<Set<Integer>> partitions(final String topic, final String key, final JournalRecord value, final int partitions) {
      if (value.getBody() instanceof BatchBarrier) {
        return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
      }
      return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions));
    }
  }
}
