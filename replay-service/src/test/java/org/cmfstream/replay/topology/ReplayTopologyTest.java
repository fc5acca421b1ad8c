// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cmfstream.replay.merge.Records.artifact;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.journal.serde.JournalSerde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-23T06:00:00Z");
  private static final String URI = "236d9502e0283d91f689d7038b8508a2";
  private static final CommitPacer.Pacing PACING = new CommitPacer.Pacing(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(2));

  private TopologyTestDriver driver;
  private TestInputTopic<String, JournalRecord> journal;
  private TestOutputTopic<String, EntityChange> entities;
  private TestOutputTopic<String, JournalRecord> deadLetters;

  @BeforeEach
  void start() {
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "replay-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9");
    driver = new TopologyTestDriver(ReplayTopology.build(6, PACING), props);
    journal = driver.createInputTopic(Topics.JOURNAL.name(), Serdes.String().serializer(), new JournalSerde().serializer());
    entities = driver.createOutputTopic(Topics.ENTITIES.name(), Serdes.String().deserializer(), new EntityChangeSerde().deserializer());
    deadLetters = driver.createOutputTopic(Topics.JOURNAL_DLQ.name(), Serdes.String().deserializer(), new JournalSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static JournalRecord record(final String upload, final long seq, final IndexedRecord body) {
    return JournalRecords.of("edge-1", seq, T0.plusSeconds(seq), upload, body);
  }

  @Test
  void shouldEmitANewEntityAndNothingForItsDuplicate() {
    // given
    final JournalRecord first = record("u1", 1, artifact(URI, "Dataset", "data.xml.gz", Map.of(), Map.of("k", 1L)));

    // when
    journal.pipeInput("edge-1", first, T0);
    journal.pipeInput("edge-1", first, T0.plusSeconds(1));

    // then
    final List<TestRecord<String, EntityChange>> out = entities.readRecordsToList();
    assertThat(out).extracting(TestRecord::key).containsExactly("artifact/" + URI);
    final KeyValueStore<String, EntityChange> store = driver.getKeyValueStore(ReplayTopology.ENTITIES_STORE);
    assertThat(store.get("artifact/" + URI).getFacts().get("type")).containsExactly("Dataset");
  }

  @Test
  void shouldPublishTheNewerStampOfTheSameFactLoggedAgainLaterSoTheStoresEndTheSameInEveryOrder() {
    // given: the same fact logged at seq 1 and, again, at seq 5 (a later event time)
    final JournalRecord early = record("u1", 1, artifact(URI, "Dataset", "d", Map.of(), Map.of("k", 1L)));
    final JournalRecord later = record("u1", 5, artifact(URI, "Dataset", "d", Map.of(), Map.of("k", 1L)));

    // when: in order, the later one is a duplicate whose stamp is newer
    journal.pipeInput("edge-1", early, T0);
    journal.pipeInput("edge-1", later, T0);

    // then: it is published, so the stores hold the state the merge holds
    final List<EntityChange> out = entities.readValuesToList().stream().filter(c -> c.getKind().equals("artifact")).toList();
    assertThat(out).hasSize(2);
    final KeyValueStore<String, EntityChange> store = driver.getKeyValueStore(ReplayTopology.ENTITIES_STORE);
    assertThat(out.get(1)).isEqualTo(store.get("artifact/" + URI));
    assertThat(out.get(1).getProperties().get("custom.k").getEventTime()).isEqualTo(T0.plusSeconds(5).toEpochMilli());
  }

  @Test
  void shouldKeepAConflictSideBySideAndPublishIt() {
    journal.pipeInput("edge-1", record("u1", 1, artifact(URI, "Dataset", "d", Map.of(), Map.of())), T0);
    journal.pipeInput("edge-1", record("u1", 2, artifact(URI, "Model", "d", Map.of(), Map.of())), T0);

    final List<EntityChange> states = entities.readValuesToList().stream().filter(c -> c.getKind().equals("artifact")).toList();
    assertThat(states).hasSize(2);
    assertThat(states.get(1).getFacts().get("type")).containsExactlyInAnyOrder("Dataset", "Model");
  }

  @Test
  void shouldSendInvalidRecordsToTheDeadLetterTopicWithTheReasonAndGoOn() {
    // given: a record whose content hash does not match its facts, one on the wrong key, then a good one
    final JournalRecord tampered = record("u1", 1, artifact(URI, "Dataset", "d", Map.of(), Map.of()));
    tampered.setContentHash("0".repeat(64));
    final JournalRecord good = record("u1", 2, artifact(URI, "Dataset", "d", Map.of(), Map.of()));

    // when
    journal.pipeInput("edge-1", tampered, T0);
    journal.pipeInput("edge-2", good, T0);
    journal.pipeInput("edge-1", good, T0);

    // then
    final List<TestRecord<String, JournalRecord>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(reason(dead.get(0))).contains("content hash");
    assertThat(reason(dead.get(1))).contains("is not its key");
    assertThat(dead.get(0).value()).isEqualTo(tampered);
    assertThat(entities.readValuesToList()).extracting(EntityChange::getKey).contains("artifact/" + URI);
  }

  @Test
  void shouldSendTextNoStoreCanHoldToTheDeadLetterTopicRatherThanStopASink() {
    // given: NUL in a property value, which PostgreSQL refuses; the key separator in an identity,
    // which would split it into another entity's parts; then a good record
    final JournalRecord nul = record("u1", 1, artifact(URI, "Dataset", "d", Map.of(), Map.of("note", "a\u0000b")));
    final JournalRecord separator = record("u1", 2, artifact("s3://bucket/a\u001fINPUT", "Dataset", "d", Map.of(), Map.of()));
    final JournalRecord good = record("u1", 3, artifact(URI, "Dataset", "d", Map.of(), Map.of()));

    // when
    journal.pipeInput("edge-1", nul, T0);
    journal.pipeInput("edge-1", separator, T0);
    journal.pipeInput("edge-1", good, T0);

    // then
    final List<TestRecord<String, JournalRecord>> dead = deadLetters.readRecordsToList();
    assertThat(dead).extracting(TestRecord::value).containsExactly(nul, separator);
    assertThat(reason(dead.get(0))).isEqualTo("fact.customProperties.note holds U+0000 (NUL), which PostgreSQL cannot store");
    assertThat(reason(dead.get(1))).startsWith("an identity holds U+001F");
    assertThat(entities.readValuesToList()).extracting(EntityChange::getKey).containsExactly("artifact/" + URI);
  }

  @Test
  void shouldSendARecordThatWouldOutgrowItsEntitysStateToTheDeadLettersAndKeepTheState() {
    // given: two facts of 600 KB each for one execution, whose types conflict, so the merge would
    // keep both side by side in one state of 1.2 MB; then an artifact
    final JournalRecord first = record("u1", 1, ExecutionFact.newBuilder().setUuid("e-1").setPipeline("p").setStage("p/s").setType("Train-" + "a".repeat(600_000)).build());
    final JournalRecord second = record("u1", 2, ExecutionFact.newBuilder().setUuid("e-1").setPipeline("p").setStage("p/s").setType("Test-" + "b".repeat(600_000)).build());
    final JournalRecord other = record("u1", 3, artifact("s3://bucket/other", "Dataset", "o", Map.of(), Map.of()));

    // when
    journal.pipeInput("edge-1", first, T0);
    journal.pipeInput("edge-1", second, T0);
    journal.pipeInput("edge-1", other, T0);

    // then: the second is a dead letter under its site's key, the state keeps the first, and the replay goes on
    final List<TestRecord<String, JournalRecord>> dead = deadLetters.readRecordsToList();
    assertThat(dead).singleElement().satisfies(letter -> {
      assertThat(letter.key()).isEqualTo("edge-1");
      assertThat(letter.value()).isEqualTo(second);
      assertThat(reason(letter)).startsWith("merging it would make the entity's state ").contains("over the limit of 900000 bytes");
    });
    final List<EntityChange> states = entities.readValuesToList();
    assertThat(states).extracting(EntityChange::getKey).containsExactly("execution/e-1", "artifact/s3://bucket/other");
    assertThat(states.get(0).getFacts().get("type")).hasSize(1);

    // and when: the upload's barrier passes
    journal.pipeInput("edge-1", JournalRecords.of("edge-1", null, T0, "u1", BatchBarrier.newBuilder().setRecords(3).build()), T0);
    // then: its marks count the refused record, so its receipt does not read as if nothing new came
    final List<EntityChange> marks = entities.readValuesToList().stream().filter(c -> c.getKind().equals("barrier")).toList();
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getRefused()).sum()).isEqualTo(1);
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getFresh()).sum()).isEqualTo(2);
  }

  @Test
  void shouldMarkTheBarrierWithWhatTheUploadsRecordsDid() {
    // given: an upload of three records, one a duplicate of an earlier upload, then its barrier
    final JournalRecord a = record("u0", 1, artifact(URI, "Dataset", "d", Map.of(), Map.of()));
    journal.pipeInput("edge-1", a, T0);
    journal.pipeInput("edge-1", record("u1", 2, artifact(URI, "Dataset", "d", Map.of(), Map.of())), T0);
    journal.pipeInput("edge-1", record("u1", 3, artifact("other", "Dataset", "o", Map.of(), Map.of())), T0);
    journal.pipeInput("edge-1", record("u1", 4, artifact(URI, "Model", "d", Map.of(), Map.of())), T0);

    // when
    journal.pipeInput("edge-1", JournalRecords.of("edge-1", null, T0, "u1", BatchBarrier.newBuilder().setRecords(3).build()), T0);

    // then: every partition marks it; all counts together make the whole upload
    final List<EntityChange> marks = entities.readValuesToList().stream().filter(c -> c.getKind().equals("barrier")).toList();
    assertThat(marks).isNotEmpty();
    assertThat(marks).allSatisfy(m -> assertThat(m.getBarrier().getUpload()).isEqualTo("u1"));
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getFresh()).sum()).isEqualTo(1);
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getDuplicates()).sum()).isEqualTo(1);
    assertThat(marks.stream().mapToLong(m -> m.getBarrier().getConflicts()).sum()).isEqualTo(1);
    assertThat(marks.get(0).getBarrier().getRecords()).isEqualTo(3);
  }

  @Test
  void shouldPutEachBarrierMarkInThePartitionItMarksAndEachChangeWhereItsEntityIs() {
    final ReplayTopology.ChangePartitioner changes = new ReplayTopology.ChangePartitioner();
    final ReplayTopology.EntityPartitioner entities = new ReplayTopology.EntityPartitioner();
    final EntityChange change = EntityChange.newBuilder().setKey("artifact/" + URI).setKind("artifact").setFacts(Map.of()).setProperties(Map.of())
        .setSets(Map.of()).setEarliest(Map.of()).setBarrier(null).build();
    final JournalRecord record = record("u1", 1, artifact(URI, "Dataset", "d", Map.of(), Map.of()));

    // then: a change goes where its entity's records went, so a mark follows every change it vouches for
    assertThat(changes.partitions("entities", change.getKey(), change, 6))
        .isEqualTo(entities.partitions("by-entity", change.getKey(), record, 6));
    // and: the marks of one upload, which share a key, each go to the partition they mark
    for (int partition = 0; partition < 6; partition++) {
      final EntityChange mark = EntityChange.newBuilder(change).setKey("barrier/u1").setKind("barrier")
          .setBarrier(org.cmfstream.avro.BarrierMark.newBuilder().setUpload("u1").setSite("edge-1").setPartition(partition).setPartitions(6)
              .setRecords(1).setFresh(1).setDuplicates(0).setConflicts(0).build()).build();
      assertThat(changes.partitions("entities", mark.getKey(), mark, 6)).contains(java.util.Set.of(partition));
    }
  }

  @Test
  void shouldTrackWhereEachSitesJournalIsCompleteAndPublishItOncePerUpload() {
    // given: an upload of seq 1, 2 and 4
    for (final long seq : new long[] {1, 2, 4}) {
      journal.pipeInput("edge-1", record("u1", seq, artifact("a" + seq, "Dataset", "d", Map.of(), Map.of())), T0);
    }
    assertThat(entities.readValuesToList()).noneMatch(c -> c.getKind().equals("site"));

    // when: its barrier arrives
    journal.pipeInput("edge-1", JournalRecords.of("edge-1", null, T0, "u1", BatchBarrier.newBuilder().setRecords(3).build()), T0);

    // then: one change says where the site's journal stands
    final List<EntityChange> sites = entities.readValuesToList().stream().filter(c -> c.getKind().equals("site")).toList();
    assertThat(sites).hasSize(1);
    assertThat(sites.get(0).getKey()).isEqualTo("site/edge-1");
    assertThat(sites.get(0).getProperties().get("completeThrough").getValue()).isEqualTo(2L);
    assertThat(sites.get(0).getSets().get("gaps")).containsExactly("3-3");
  }

  @Test
  void shouldNameEveryStoreAndInternalTopic() {
    final String description = ReplayTopology.build(6, PACING).describe().toString();

    assertThat(description).contains("by-entity-repartition", "entities", "upload-counts", "site-watermarks", "journal-source", "merge", "dead-letter");
    assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
  }

  private static String reason(final TestRecord<String, JournalRecord> record) {
    return new String(record.headers().lastHeader(ReplayTopology.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8);
  }
}
