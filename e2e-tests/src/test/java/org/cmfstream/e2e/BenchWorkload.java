// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.BatchBarrier;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.StageFact;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.Topics;
import org.cmfstream.journal.serde.JournalCodec;

/**
 * The generated central state the benchmarks load: pipelines of four stages (prepare, featurize,
 * train, evaluate) on six sites, each run four executions and four artifacts in chains with
 * fan-in (featurize also reads the previous run's prepared data; every prepare reads the
 * pipeline's raw data set and the site's environment). Written straight to {@code cmf.journal.v1},
 * one upload per pipeline closed by its barrier, so the receipts say when the replay has applied it.
 */
final class BenchWorkload {

  static final int SITES = 6;
  static final String[] STAGES = {"prepare", "featurize", "train", "evaluate"};

  final int runs;
  final int pipelines;
  /** The index of the first pipeline: workloads with pipelines of their own share no entity but the sites' environments. */
  final int firstPipeline;

  BenchWorkload(final int runs, final int pipelines) {
    this(runs, pipelines, 0);
  }

  BenchWorkload(final int runs, final int pipelines, final int firstPipeline) {
    this.runs = runs;
    this.pipelines = pipelines;
    this.firstPipeline = firstPipeline;
  }


  static String pipeline(final int p) {
    return "bench-pipeline-" + p;
  }

  /** A pipeline's upload id, which is its receipt id: a UUID, as ingest issues them. */
  static String upload(final int p) {
    return java.util.UUID.nameUUIDFromBytes(("bench-upload-" + p).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  static String site(final int p) {
    return "bench-site-" + (p % SITES);
  }

  static String uuid(final int p, final int run, final int stage) {
    return String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", p, run * 4L + stage);
  }

  /** The artifact written by {@code stage} in {@code run} of {@code p}: a 32-hex content hash. */
  static String uri(final int p, final int run, final int stage) {
    return String.format(Locale.ROOT, "%08x%08x%016x", p, stage, run);
  }

  long load(final String bootstrap) throws Exception {
    final Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    long sent = 0;
    final var codec = JournalCodec.journal();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      final int perPipeline = runs / pipelines;
      final long base = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
      final List<Future<RecordMetadata>> barriers = new ArrayList<>();
      for (int p = firstPipeline; p < firstPipeline + pipelines; p++) {
        final String site = site(p);
        final String upload = upload(p);
        final List<IndexedRecord> bodies = new ArrayList<>();
        final String name = pipeline(p);
        bodies.add(PipelineFact.newBuilder().setName(name).build());
        for (final String stage : STAGES) {
          bodies.add(StageFact.newBuilder().setPipeline(name).setName(name + "/" + stage).setCreateTime(base).build());
        }
        final String env = String.format(Locale.ROOT, "e%031x", p % SITES);
        final String raw = String.format(Locale.ROOT, "d%031x", p);
        bodies.add(artifactFact(env, "Environment", "cmf_artifacts/python_env_" + env + ".txt:" + env, base));
        bodies.add(artifactFact(raw, "Dataset", "artifacts/raw_data/data.xml.gz:" + raw, base));
        long count = 0;
        for (int run = 0; run < perPipeline; run++) {
          final long t = base + (long) run * 10_000;
          for (int s = 0; s < STAGES.length; s++) {
            final String execution = uuid(p, run, s);
            bodies.add(ExecutionFact.newBuilder().setUuid(execution).setPipeline(name).setStage(name + "/" + STAGES[s]).setType(STAGES[s])
                .setProperties(Map.of("Execution", "['src/" + STAGES[s] + ".py']", "Git_Repo", "https://example.invalid/repo.git"))
                .setCustomProperties(Map.of("seed", (long) ((run + s) % 100), "lr", 0.001 * (run % 10)))
                .setCreateTime(t + s).build());
            final String out = uri(p, run, s);
            final String type = s == 2 ? "Model" : s == 3 ? "Metrics" : "Dataset";
            bodies.add(artifactFact(out, type, "artifacts/" + STAGES[s] + "/out-" + run + ":" + out, t + s));
            bodies.add(event(execution, out, Direction.OUTPUT));
            switch (s) {
              case 0 -> {
                bodies.add(event(execution, raw, Direction.INPUT));
                bodies.add(event(execution, env, Direction.INPUT));
              }
              case 1 -> {
                bodies.add(event(execution, uri(p, run, 0), Direction.INPUT));
                if (run > 0) {
                  bodies.add(event(execution, uri(p, run - 1, 0), Direction.INPUT));
                }
              }
              case 2 -> bodies.add(event(execution, uri(p, run, 1), Direction.INPUT));
              default -> {
                bodies.add(event(execution, uri(p, run, 2), Direction.INPUT));
                bodies.add(event(execution, uri(p, run, 1), Direction.INPUT));
              }
            }
          }
          count += send(producer, codec, site, upload, bodies, t);
          bodies.clear();
        }
        count += send(producer, codec, site, upload, bodies, base);
        final JournalRecord barrier = JournalRecords.of(site, null, Instant.ofEpochMilli(base), upload, BatchBarrier.newBuilder().setRecords(count).build());
        barriers.add(producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, codec.encode(barrier))));
        sent += count + 1;
      }
      for (final Future<RecordMetadata> f : barriers) {
        f.get();
      }
    }
    return sent;
  }

  private static ArtifactFact artifactFact(final String uri, final String type, final String name, final long created) {
    return ArtifactFact.newBuilder().setUri(uri).setType(type).setName(name)
        .setProperties(Map.of("Commit", uri, "url", "bench:/remote/files/md5/" + uri.substring(0, 2) + "/" + uri.substring(2))).setCreateTime(created).build();
  }

  private static EventFact event(final String execution, final String artifact, final Direction direction) {
    return EventFact.newBuilder().setExecutionUuid(execution).setArtifactUri(artifact).setDirection(direction).build();
  }

  private static long send(final KafkaProducer<String, byte[]> producer, final org.cmfstream.journal.serde.SingleObjectCodec<JournalRecord> codec,
      final String site, final String upload, final List<IndexedRecord> bodies, final long time) {
    for (final IndexedRecord body : bodies) {
      producer.send(new ProducerRecord<>(Topics.JOURNAL.name(), site, codec.encode(JournalRecords.of(site, null, Instant.ofEpochMilli(time), upload, body))));
    }
    return bodies.size();
  }

  boolean allApplied(final RunningCmfStream cmf) throws IOException, InterruptedException {
    for (int p = firstPipeline + pipelines - 1; p >= firstPipeline; p--) {
      if (!cmf.get("/api/v1/receipts/" + upload(p)).body().contains("\"status\":\"APPLIED\"")) {
        return false;
      }
    }
    return true;
  }

  static Properties ports(final Path dataDir) throws IOException {
    try (var files = Files.walk(dataDir)) {
      final Path file = files.filter(f -> f.getFileName().toString().equals("ports.properties")).findFirst()
          .orElseThrow(() -> new IOException("no ports.properties under " + dataDir));
      final Properties ports = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        ports.load(in);
      }
      return ports;
    }
  }

}
