// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cmfstream.replay.merge.Records.artifact;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.replay.topology.ReplayStreams;
import org.cmfstream.testing.ServiceProperties;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The replay's commits paced on the real broker: with Kafka Streams' own commit interval set to
 * five minutes, a fresh upload still leaves the replay at the short interval the processors ask
 * for, through both sub-topologies and their exactly-once transactions.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayCommitPacingIT implements TestPropertyProvider {

  @Inject ReplayStreams streams;

  @Override
  public Map<String, String> getProperties() {
    final Map<String, String> p = new HashMap<>(ServiceProperties.ofSharedStack());
    p.put("cmfstream.replay.application-id", UniqueNames.of("replay-pacing-it"));
    p.put("cmfstream.replay.state-dir", "target/replay-pacing-it-state");
    p.put("cmfstream.replay.commit-interval", "50ms");
    p.put("cmfstream.replay.catch-up-commit-interval", "5m");
    return p;
  }

  @Test
  void shouldCommitAFreshUploadLongBeforeKafkaStreamsWouldOnItsOwn() throws Exception {
    // given: the replay running, and an upload of one artifact and its barrier, appended now
    await("the replay running").atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    final String site = UniqueNames.of("edge");
    final String upload = UniqueNames.of("upload");
    final String uri = UniqueNames.identifier("uri");

    // when
    try (KafkaProducer<String, byte[]> producer = StackClients.producer()) {
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site,
          JournalCodec.instance().encode(JournalRecords.of(site, 1L, Instant.now(), upload, artifact(uri, "Dataset", "data.csv", Map.of(), Map.of()))))).get();
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site,
          JournalCodec.instance().encode(JournalRecords.of(site, null, Instant.now(), upload, BatchBarrier.newBuilder().setRecords(1).build())))).get();
    }

    // then: the merged artifact and the upload's barrier marks are committed long before Kafka
    // Streams would commit on its own (five minutes after the replay started)
    final Map<String, EntityChange> seen = new HashMap<>();
    try (KafkaConsumer<String, EntityChange> consumer = consumer()) {
      consumer.subscribe(List.of(Topics.ENTITIES.name()));
      await("the upload committed by the merge").atMost(Duration.ofSeconds(90)).until(() -> {
        for (final ConsumerRecord<String, EntityChange> r : consumer.poll(Duration.ofMillis(200))) {
          seen.put(r.key(), r.value());
        }
        return seen.containsKey("artifact/" + uri)
            && seen.values().stream().filter(c -> c.getBarrier() != null && c.getBarrier().getUpload().equals(upload)).count() == 6;
      });
    }
    assertThat(seen.get("artifact/" + uri).getFacts().get("type")).containsExactly("Dataset");
  }

  private static KafkaConsumer<String, EntityChange> consumer() {
    return new KafkaConsumer<>(StackClients.readCommitted(), new StringDeserializer(), new EntityChangeSerde().deserializer());
  }
}
