// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.cmfstream.avro.EntityChange;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.EntityChangeSerde;
import org.cmfstream.journal.serde.JournalCodec;
import org.cmfstream.replay.merge.Records;
import org.cmfstream.service.kafka.KafkaSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay's own configuration ({@link ReplayStreams#config}) meeting journal bytes it cannot decode. */
class JournalDecodingHandlerTest {

  @TempDir Path state;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> journal;
  private TestOutputTopic<String, EntityChange> entities;

  @BeforeEach
  void start() {
    final ReplaySettings settings = new ReplaySettings("decoding-test", 6, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(2), state, true);
    driver = new TopologyTestDriver(ReplayTopology.build(6, settings.pacing()), ReplayStreams.config(new KafkaSettings("unused:9", Duration.ofSeconds(3)), settings));
    journal = driver.createInputTopic(Topics.JOURNAL.name(), Serdes.String().serializer(), new ByteArraySerializer());
    entities = driver.createOutputTopic(Topics.ENTITIES.name(), Serdes.String().deserializer(), new EntityChangeSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void shouldSetAsideBytesThatAreNoJournalRecordAndGoOn() {
    // given
    final byte[] garbage = "not a journal record".getBytes(StandardCharsets.UTF_8);
    // when
    journal.pipeInput("edge-1", garbage);
    journal.pipeInput("edge-1", JournalCodec.instance().encode(artifact()));
    // then: the replay went on (the test driver does not produce dead letters; ReplayIT sees this
    // one on the dead-letter topic of the real broker)
    assertThat(entities.readKeyValuesToMap()).containsKey("artifact/s3://b/a");
  }

  /** Before, it went to the dead letters too: acknowledged to its site, then in neither store. */
  @Test
  void shouldStopAtARecordOfASchemaItDoesNotKnowAndSetNothingAside() {
    // given: a record whose header names another schema's fingerprint, as a newer ingest writes it
    final byte[] newer = JournalCodec.instance().encode(artifact());
    Arrays.fill(newer, 2, 10, (byte) 0x5a);
    // when
    final Throwable failure = catchThrowable(() -> journal.pipeInput("edge-1", newer));
    // then
    assertThat(JournalDecodingHandler.newerSchema(failure)).isPresent();
    assertThat(entities.isEmpty()).isTrue();
  }

  private static org.cmfstream.avro.JournalRecord artifact() {
    return JournalRecords.of("edge-1", 1L, Instant.parse("2026-11-23T06:00:00Z"), "u1",
        Records.artifact("s3://b/a", "Dataset", "a", Map.of(), Map.of()));
  }
}
