// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.serde.JournalCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spool of a push's records: buffered, so marks and rollbacks may fall inside or before the buffer. */
class SpoolSinkTest {

  /** Records of about 150 bytes: a few thousand fill the sink's buffer more than once. */
  private static final int MANY = 5_000;

  @TempDir Path dir;

  private static JournalRecord artifact(final int n, final String name) {
    return JournalRecords.of("site", null, Instant.EPOCH, "upload",
        ArtifactFact.newBuilder().setUri("s3://bucket/artifact-" + n).setType("Dataset").setName(name).setProperties(Map.of()).setCustomProperties(Map.of()).build());
  }

  private static List<JournalRecord> read(final SpoolSink sink) {
    final List<JournalRecord> out = new ArrayList<>();
    for (final byte[] bytes : sink) {
      out.add(JournalCodec.instance().decode(bytes));
    }
    return out;
  }

  @Test
  void shouldGiveBackEveryRecordInOrderAcrossTheBufferAndOneLargerThanIt() throws Exception {
    // given
    final List<JournalRecord> sent = new ArrayList<>();
    for (int n = 0; n < MANY; n++) {
      sent.add(artifact(n, n == MANY / 2 ? "x".repeat(600_000) : "artifact-" + n));
    }
    try (SpoolSink sink = new SpoolSink(Files.createTempFile(dir, "s", ".records"), MANY, Long.MAX_VALUE)) {
      // when
      sent.forEach(sink::accept);
      // then
      assertThat(sink.count()).isEqualTo(MANY);
      assertThat(sink.largest()).isGreaterThan(600_000);
      assertThat(read(sink)).isEqualTo(sent);
      assertThat(read(sink)).as("read a second time").isEqualTo(sent);
    }
  }

  /** Two records after the mark stay in the buffer; thousands flush it, and the mark, to the file. */
  @ParameterizedTest(name = "{0} records after the mark")
  @ValueSource(ints = {2, MANY - 10})
  void shouldRollBackToTheMarkWhetherStillInTheBufferOrWrittenToTheFile(final int after) throws Exception {
    try (SpoolSink sink = new SpoolSink(Files.createTempFile(dir, "s", ".records"), MANY, Long.MAX_VALUE)) {
      // given
      sink.accept(artifact(1, "kept"));
      final long mark = sink.mark();
      for (int n = 0; n < after; n++) {
        sink.accept(artifact(n, "dropped"));
      }
      // when
      sink.rollback(mark);
      sink.accept(artifact(2, "kept"));
      // then
      assertThat(sink.count()).isEqualTo(2);
      assertThat(read(sink)).containsExactly(artifact(1, "kept"), artifact(2, "kept"));
    }
  }

  @Test
  void shouldRefuseTheRecordBeyondTheLimitOfBytesWith413() throws Exception {
    final int size = JournalCodec.instance().encode(artifact(1, "a")).length + 4;
    try (SpoolSink sink = new SpoolSink(Files.createTempFile(dir, "s", ".records"), MANY, 3L * size)) {
      // given
      for (int n = 0; n < 3; n++) {
        sink.accept(artifact(n, "a"));
      }
      // when
      final BadInput refused = catchThrowableOfType(BadInput.class, () -> sink.accept(artifact(4, "a")));
      // then
      assertThat(refused).isNotNull();
      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.detail()).contains("more than " + 3L * size + " bytes");
      assertThat(read(sink)).hasSize(3);
    }
  }

  @Test
  void shouldRefuseTheRecordBeyondTheLimitWith413() throws Exception {
    try (SpoolSink sink = new SpoolSink(Files.createTempFile(dir, "s", ".records"), 3, Long.MAX_VALUE)) {
      // given
      for (int n = 0; n < 3; n++) {
        sink.accept(artifact(n, "a"));
      }
      // when
      final BadInput refused = catchThrowableOfType(BadInput.class, () -> sink.accept(artifact(4, "a")));
      // then
      assertThat(refused).isNotNull();
      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.detail()).contains("more than 3 journal records");
      assertThat(sink.count()).isEqualTo(3);
    }
  }
}
