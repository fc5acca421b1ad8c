// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.ingest.journal.EncodedUpload;
import org.cmfstream.ingest.journal.NativeRecords;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.serde.JournalCodec;
import org.junit.jupiter.api.Test;

/**
 * The CPU cost per record of ingest's own work on a native upload, one thread, no I/O: reading
 * (parse, validate, hash) and encoding the batches of {@link IngestBenchmark}, and the hash and the
 * encoding alone, the encoding beside Avro's own encoder in the same run (and, for the replay,
 * the decoding beside Avro's decoder). It tells where the time
 * of {@code IngestBenchmark}'s "client and ingest" goes that is not HTTP or Kafka. Not part of {@code verify}: run it with
 *
 * <pre>
 * ./mvnw verify -pl ingest-service -am -Dit.test=NativeReadBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
class NativeReadBenchmark {

  private static final int BATCHES = 20;
  private static final int ROUNDS = 15;

  @Test
  void measureReadHashAndEncode() {
    final List<byte[]> bodies = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      bodies.add(IngestBenchmark.batch(b).getBytes(StandardCharsets.UTF_8));
    }
    final List<JournalRecord> sample = read(bodies.get(0));
    final long records = (long) BATCHES * IngestBenchmark.BATCH_SIZE;
    final double readUs = median(() -> bodies.forEach(NativeReadBenchmark::read), records);
    final double hashUs = median(everyBatch(sample, r -> JournalRecords.hashOf((IndexedRecord) r.getBody())), records);
    final double encodeUs = median(everyBatch(sample, JournalCodec.instance()::encode), records);
    final BinaryMessageEncoder<JournalRecord> avro = new BinaryMessageEncoder<>(SpecificData.getForClass(JournalRecord.class), JournalRecord.getClassSchema());
    final double avroUs = median(everyBatch(sample, r -> encodeWithAvro(avro, r)), records);
    // Decoding is the replay's, not ingest's: measured here beside Avro's decoder as encoding is.
    final List<byte[]> encoded = sample.stream().map(JournalCodec.instance()::encode).toList();
    final double decodeUs = median(everyBatch(encoded, JournalCodec.instance()::decode), records);
    final BinaryMessageDecoder<JournalRecord> avroDecoder = new BinaryMessageDecoder<>(SpecificData.getForClass(JournalRecord.class), JournalRecord.getClassSchema());
    final double avroDecodeUs = median(everyBatch(encoded, bytes -> decodeWithAvro(avroDecoder, bytes)), records);
    // What ingest does with an upload today, one pass from JSON to Avro bytes and hash, beside
    // the path it took before (and still takes for what the one pass leaves to it).
    final double onePassUs = median(() -> bodies.forEach(NativeReadBenchmark::readEncoded), records);
    final double throughRecordsUs = median(() -> bodies.forEach(body -> read(body).forEach(JournalCodec.instance()::encode)), records);
    System.out.printf(Locale.ROOT, "native read and encode, one thread, median of %d rounds of %d records: one pass (EncodedRecords) %.2f us per record;"
        + " through records (read, then encode each) %.2f us, %.1fx%n", ROUNDS, records, onePassUs, throughRecordsUs, throughRecordsUs / onePassUs);
    assertThat(readEncoded(bodies.get(0)).records()).hasSize(IngestBenchmark.BATCH_SIZE);
    System.out.printf(Locale.ROOT, "native read, one thread, median of %d rounds of %d records: read (parse, validate, hash) %.2f us, of which hash %.2f us;"
        + " encode %.2f us per record (Avro's own BinaryMessageEncoder: %.2f us, %.1fx); decode %.2f us (Avro's BinaryMessageDecoder: %.2f us, %.1fx)%n",
        ROUNDS, records, readUs, hashUs, encodeUs, avroUs, avroUs / encodeUs, decodeUs, avroDecodeUs, avroDecodeUs / decodeUs);
    assertThat(sample).hasSize(IngestBenchmark.BATCH_SIZE);
  }

  /** {@code action} on every item of {@code sample}, once for each of the {@link #BATCHES}. */
  private static <T> Runnable everyBatch(final List<T> sample, final Consumer<T> action) {
    return () -> {
      for (int b = 0; b < BATCHES; b++) {
        sample.forEach(action);
      }
    };
  }

  private static void encodeWithAvro(final BinaryMessageEncoder<JournalRecord> avro, final JournalRecord record) {
    try {
      avro.encode(record);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void decodeWithAvro(final BinaryMessageDecoder<JournalRecord> avro, final byte[] bytes) {
    try {
      avro.decode(bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static EncodedUpload readEncoded(final byte[] body) {
    return NativeRecords.readEncoded(body, true, "bench-0", "bench", Instant.EPOCH, IngestBenchmark.BATCH_SIZE);
  }

  private static List<JournalRecord> read(final byte[] body) {
    return NativeRecords.read(body, true, "bench-0", "bench", Instant.EPOCH, IngestBenchmark.BATCH_SIZE);
  }

  /** Microseconds per record: the median of the rounds after as many again for the JIT. */
  private static double median(final Runnable work, final long records) {
    final double[] us = new double[ROUNDS];
    for (int round = -ROUNDS; round < ROUNDS; round++) {
      final long start = System.nanoTime();
      work.run();
      if (round >= 0) {
        us[round] = (System.nanoTime() - start) / 1e3 / records;
      }
    }
    Arrays.sort(us);
    return us[ROUNDS / 2];
  }
}
