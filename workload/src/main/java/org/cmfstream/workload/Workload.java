// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.cmfstream.workload.GeneratedPipeline.Artifact;
import org.cmfstream.workload.GeneratedPipeline.Event;
import org.cmfstream.workload.GeneratedPipeline.Execution;
import org.cmfstream.workload.GeneratedPipeline.Stage;

/**
 * Generates realistic CMF metadata for a {@link WorkloadSpec}, deterministically: the same spec
 * gives the same output byte for byte, on any machine, in any order of asking.
 *
 * <p>What it holds, as the cmf client logs it:
 *
 * <ul>
 *   <li>sites ({@code w<seed>-edge-NNN}), each running its own pipelines; every execution of a
 *       site reads the site's one {@code Environment} artifact;
 *   <li>pipelines of several stages ({@link #STAGE_NAMES}); each run executes every stage once, each
 *       stage reading the output of the one before (a chain) and, now and then, more (fan-in: a
 *       second data set, the stage two back, the previous run's output);
 *   <li>a pool of raw data sets that pipelines of every site read, so artifacts are shared across
 *       pipelines and sites (with {@code url} lists that differ per pipeline, as cmf writes them);
 *   <li>labels: a {@code Label} artifact per pipeline with its {@code dataset_uri}, and the data
 *       set's {@code labels} and {@code labels_uri} comma-sets;
 *   <li>a model per run (stage 3 of 4 or more), {@code Metrics} at the last stage, some values NaN;
 *   <li>reused executions: runs whose second stage reuses the previous run's execution, which then
 *       carries the comma-joined uuids of all of them and the events of all of them.
 * </ul>
 *
 * <p>Everything is generated a pipeline at a time from a random source of its own, so memory is
 * bounded by one pipeline, and any pipeline can be generated alone. The native journal of a site
 * holds exactly the facts its cmf pushes translate into (cmf-protocol.md section 3, and ingest's
 * {@code CmfPushTranslator}); only the site, the sequence numbers and the uploads differ.
 */
public final class Workload {

  /** Stage names, in pipeline order; a pipeline of {@code n} stages uses the first {@code n}. */
  public static final List<String> STAGE_NAMES = List.of("prepare", "featurize", "train", "evaluate", "validate", "package", "deploy", "monitor");

  /** Where generated time starts: every timestamp is this plus a generated offset. */
  static final long BASE = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private static final String GIT_REPO = "https://example.invalid/ml/experiments.git";
  private static final long MINUTE = 60_000L;

  private final WorkloadSpec spec;
  private final String prefix;

  private Workload(final WorkloadSpec spec) {
    this.spec = spec;
    this.prefix = "w" + Long.toUnsignedString(spec.seed(), 36);
  }

  /** The workload of a spec. */
  public static Workload of(final WorkloadSpec spec) {
    return new Workload(spec);
  }

  public WorkloadSpec spec() {
    return spec;
  }

  /** The name of site {@code s} (0-based): {@code w<seed>-edge-NNN}, a legal site name. */
  public String site(final int s) {
    return String.format(Locale.ROOT, "%s-edge-%03d", prefix, s);
  }

  /** Every site's name, in order. */
  public List<String> sites() {
    return IntStream.range(0, spec.sites()).mapToObj(this::site).toList();
  }

  /** The name of pipeline {@code p} of site {@code s}. */
  public String pipelineName(final int s, final int p) {
    return String.format(Locale.ROOT, "%s-pipeline-%03d-%02d", prefix, s, p);
  }

  /** Every pipeline, site by site, generated as the stream is consumed. */
  public Stream<GeneratedPipeline> pipelines() {
    return IntStream.range(0, spec.sites()).boxed().flatMap(this::pipelines);
  }

  /** The pipelines of site {@code s}, generated as the stream is consumed. */
  public Stream<GeneratedPipeline> pipelines(final int s) {
    return IntStream.range(0, spec.pipelinesPerSite()).mapToObj(p -> pipeline(s, p));
  }

  /** The cmf push of every pipeline, site by site. */
  public Stream<CmfPush> cmfPushes() {
    return pipelines().map(Workload::push);
  }

  /** The cmf push of one pipeline. */
  public static CmfPush push(final GeneratedPipeline pipeline) {
    return new CmfPush(pipeline.site(), pipeline.name(), JsonText.python(CmfDump.of(pipeline)), pipeline.executionCount(), lines(pipeline, 1).size());
  }

  /** Site {@code s}'s native journal, numbered from 1. */
  public Stream<JournalLine> journal(final int s) {
    final long[] next = {1};
    return pipelines(s).flatMap(pipeline -> {
      final List<JournalLine> lines = lines(pipeline, next[0]);
      next[0] += lines.size();
      return lines.stream();
    });
  }

  /**
   * One pipeline's native journal lines, numbered from 1: the facts its cmf push translates into,
   * for a journal of one pipeline, or to compare the two forms.
   */
  public static List<JournalLine> journal(final GeneratedPipeline pipeline) {
    return lines(pipeline, 1);
  }

  /** How many records site {@code s}'s journal holds (generates it to count). */
  public long journalRecords(final int s) {
    return pipelines(s).mapToLong(p -> lines(p, 1).size()).sum();
  }

  /** Site {@code s}'s journal in batches of {@link WorkloadSpec#batchRecords()}. */
  public Stream<JournalBatch> batches(final int s) {
    return batches(s, 1);
  }

  /**
   * Site {@code s}'s journal from {@code fromSeq} on, in batches of {@link
   * WorkloadSpec#batchRecords()}: what a site sends after its watermark says {@code fromSeq - 1}.
   */
  public Stream<JournalBatch> batches(final int s, final long fromSeq) {
    final String site = site(s);
    final Iterator<JournalLine> lines = journal(s).filter(l -> l.seq() >= fromSeq).iterator();
    final Iterator<JournalBatch> batches =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return lines.hasNext();
          }

          @Override
          public JournalBatch next() {
            if (!lines.hasNext()) {
              throw new NoSuchElementException();
            }
            final StringBuilder ndjson = new StringBuilder(spec.batchRecords() * 256);
            long first = -1;
            long last = -1;
            for (int i = 0; i < spec.batchRecords() && lines.hasNext(); i++) {
              final JournalLine line = lines.next();
              first = first < 0 ? line.seq() : first;
              last = line.seq();
              ndjson.append(line.json()).append('\n');
            }
            return new JournalBatch(site, first, last, ndjson.toString());
          }
        };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(batches, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /** Generates pipeline {@code p} of site {@code s}; the same arguments give the same pipeline. */
  public GeneratedPipeline pipeline(final int s, final int p) {
    if (s < 0 || s >= spec.sites() || p < 0 || p >= spec.pipelinesPerSite()) {
      throw new IllegalArgumentException("no pipeline " + p + " of site " + s + " in " + spec);
    }
    return new PipelineGenerator(s, p).generate();
  }

  /** The journal lines of one pipeline: the facts its cmf push translates into, numbered from {@code firstSeq}. */
  static List<JournalLine> lines(final GeneratedPipeline pipeline, final long firstSeq) {
    final List<JournalLine> lines = new ArrayList<>();
    final long[] seq = {firstSeq};
    final Set<Artifact> emitted = new LinkedHashSet<>();
    final LineWriter out = (kind, time, fact) -> {
      final Map<String, Object> line = new LinkedHashMap<>();
      line.put("seq", seq[0]);
      line.put("kind", kind);
      line.put("time", time);
      line.put("fact", fact);
      lines.add(new JournalLine(seq[0]++, kind, JsonText.compact(line)));
    };
    out.write("pipeline", pipeline.created(), map("name", pipeline.name(), "customProperties", Map.of()));
    for (final Stage stage : pipeline.stages()) {
      out.write("stage", stage.created(), map("pipeline", pipeline.name(), "name", stage.name(), "customProperties", stage.customProperties(), "createTime", stage.created()));
    }
    for (final Stage stage : pipeline.stages()) {
      for (final Execution execution : stage.executions()) {
        // The translator drops the client store's ids; so does the native journal.
        final Map<String, Object> properties = new LinkedHashMap<>(execution.properties());
        properties.remove("Context_ID");
        properties.remove("Pipeline_id");
        for (final String uuid : execution.uuids()) {
          out.write("execution", execution.created(), map("uuid", uuid, "pipeline", pipeline.name(), "stage", stage.name(), "type", execution.type(),
              "name", execution.name(), "properties", properties, "customProperties", execution.customProperties(), "createTime", execution.created()));
          for (final Event event : execution.events()) {
            final Artifact a = event.artifact();
            if (emitted.add(a)) {
              out.write("artifact", a.created(), map("uri", a.uri(), "type", a.type(), "name", a.name(), "properties", a.properties(),
                  "customProperties", a.customProperties(), "createTime", a.created()));
            }
            out.write("event", execution.created(), map("executionUuid", uuid, "artifactUri", a.uri(), "direction", event.direction()));
            if ("Metrics".equals(a.type())) {
              for (final Map.Entry<String, Object> metric : a.customProperties().entrySet()) {
                if (metric.getValue() instanceof Number n) {
                  out.write("metric", execution.created(), map("executionUuid", uuid, "name", metric.getKey(), "step", 0L, "value", n.doubleValue()));
                }
              }
            }
          }
        }
      }
    }
    return lines;
  }

  @FunctionalInterface
  private interface LineWriter {
    void write(String kind, long time, Map<String, Object> fact);
  }

  /** An insertion-ordered map of alternating keys and values. */
  static Map<String, Object> map(final Object... keysAndValues) {
    final Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** A 64-bit mix of the seed and a path of numbers: independent random sources per part. */
  static long mix(final long seed, final long... path) {
    long h = seed ^ 0x243F6A8885A308D3L;
    for (final long part : path) {
      h ^= part + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }

  static String md5(final SplittableRandom random) {
    return String.format(Locale.ROOT, "%016x%016x", random.nextLong(), random.nextLong());
  }

  /** A version-1 uuid, as cmf makes execution uuids and Metrics uris. */
  static String uuid1(final SplittableRandom random) {
    return String.format(Locale.ROOT, "%08x-%04x-1%03x-%04x-%012x",
        random.nextInt(), random.nextInt(0x10000), random.nextInt(0x1000), 0x8000 | random.nextInt(0x4000), random.nextLong() & 0xFFFF_FFFF_FFFFL);
  }

  static String url(final String pipeline, final String md5) {
    final String hash = md5.endsWith(".dir") ? md5.substring(0, md5.length() - 4) : md5;
    return pipeline + ":/srv/dvc-remote/files/md5/" + hash.substring(0, 2) + "/" + hash.substring(2) + (md5.endsWith(".dir") ? ".dir" : "");
  }

  /** Generates one pipeline from its own random source. */
  private final class PipelineGenerator {
    private final int s;
    private final int p;
    private final String name;
    private final SplittableRandom random;
    private final long created;

    PipelineGenerator(final int s, final int p) {
      this.s = s;
      this.p = p;
      this.name = pipelineName(s, p);
      this.random = new SplittableRandom(mix(spec.seed(), 1, s, p));
      this.created = BASE + s * 7 * MINUTE + p * MINUTE;
    }

    GeneratedPipeline generate() {
      final int stages = spec.stages();
      final int runs = spec.runsPerPipeline();
      final Artifact env = environment();
      final Artifact primary = dataset(random.nextInt(spec.sharedDatasets()));
      final Artifact secondary = dataset(random.nextInt(spec.sharedDatasets()));
      final Artifact label = label(primary);
      final Artifact labelled = labelled(primary, label);
      // Which runs reuse the previous run's execution of the second stage.
      final boolean[] reuses = new boolean[runs];
      for (int r = 1; r < runs; r++) {
        reuses[r] = random.nextInt(100) < spec.reusePercent();
      }
      final List<List<Execution>> byStage = new ArrayList<>();
      for (int i = 0; i < stages; i++) {
        byStage.add(new ArrayList<>());
      }
      final Artifact[][] outputs = new Artifact[runs][stages];
      int executionId = 0;
      int groupStart = 0;
      for (int r = 0; r < runs; r++) {
        final long runStart = created + (r + 1) * 10 * MINUTE;
        for (int i = 0; i < stages; i++) {
          final long t = runStart + i * 1_000L;
          final String stage = STAGE_NAMES.get(i);
          final List<Event> events = new ArrayList<>();
          events.add(new Event(3, env));
          if (i == 0) {
            final boolean withLabel = random.nextInt(100) < spec.labelPercent();
            events.add(new Event(3, withLabel ? labelled : primary));
            if (withLabel) {
              events.add(new Event(3, label));
            }
            if (secondary.uri().equals(primary.uri()) ? false : random.nextInt(100) < 30) {
              events.add(new Event(3, secondary));
            }
          } else {
            events.add(new Event(3, outputs[r][i - 1]));
            if (i >= 2 && random.nextInt(100) < 40) {
              events.add(new Event(3, outputs[r][i - 2]));
            }
            if (r > 0 && random.nextInt(100) < 25) {
              events.add(new Event(3, outputs[r - 1][i - 1]));
            }
          }
          executionId++;
          final Artifact output = output(i, r, t + 500, executionId);
          outputs[r][i] = output;
          events.add(new Event(4, output));
          final String uuid = uuid1(random);
          final List<Execution> stageExecutions = byStage.get(i);
          if (i == 1 && reuses[r]) {
            // cmf's create_execution(..., create_new_execution=False): the one execution of the
            // first run, named, carrying every reusing run's uuid and events.
            final Execution previous = stageExecutions.remove(stageExecutions.size() - 1);
            final List<String> uuids = new ArrayList<>(previous.uuids());
            uuids.add(uuid);
            final List<Event> all = new ArrayList<>(previous.events());
            events.stream().filter(e -> !all.contains(e)).forEach(all::add);
            final String reuseName = stage + "-reusable-" + groupStart;
            stageExecutions.add(execution(i, uuids, reuseName, previous.created(), all, groupStart));
          } else {
            if (i == 1) {
              groupStart = r;
            }
            stageExecutions.add(execution(i, List.of(uuid), "", t, events, r));
          }
        }
      }
      final List<Stage> stageList = new ArrayList<>();
      for (int i = 0; i < stages; i++) {
        final Map<String, Object> custom = map("owner", "team-" + (s % 5), "stage_index", (long) i);
        stageList.add(new Stage(name + "/" + STAGE_NAMES.get(i), created + i, custom, List.copyOf(byStage.get(i))));
      }
      return new GeneratedPipeline(site(s), name, created, List.copyOf(stageList));
    }

    private Execution execution(final int i, final List<String> uuids, final String executionName, final long t, final List<Event> events, final int run) {
      final String stage = name + "/" + STAGE_NAMES.get(i);
      final String script = STAGE_NAMES.get(i);
      final Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("Context_ID", (long) (2 + i));
      properties.put("Context_Type", stage);
      properties.put("Execution", "['src/" + script + ".py', 'artifacts/" + script + "-in', 'artifacts/" + script + "-out']");
      properties.put("Execution_type_name", stage);
      properties.put("Execution_uuid", String.join(",", uuids));
      properties.put("Git_End_Commit", "");
      properties.put("Git_Repo", GIT_REPO);
      final SplittableRandom commit = new SplittableRandom(mix(spec.seed(), 2, s, p, run));
      properties.put("Git_Start_Commit", String.format(Locale.ROOT, "%016x%016x%08x", commit.nextLong(), commit.nextLong(), commit.nextInt()));
      properties.put("Pipeline_Type", name);
      properties.put("Pipeline_id", 1L);
      // As cmf's update_execution stores them: ints stay ints, everything else becomes a string.
      final Map<String, Object> custom = new LinkedHashMap<>();
      custom.put("seed", (long) (20170428 + run));
      custom.put("split", "0.2");
      custom.put("learning_rate", "0.00" + (1 + run % 9));
      custom.put("Python_Env", "cmf_artifacts/python_env_" + envFreeze() + ".txt");
      final String type = Character.toUpperCase(script.charAt(0)) + script.substring(1);
      return new Execution(List.copyOf(uuids), type, executionName, t, properties, custom, List.copyOf(events));
    }

    /** The site's one Python environment, the same in each of its pipelines but for the url. */
    private Artifact environment() {
      final SplittableRandom r = new SplittableRandom(mix(spec.seed(), 3, s));
      final String uri = md5(r);
      return new Artifact(uri, "Environment", "cmf_artifacts/python_env_" + envFreeze() + ".txt:" + uri, BASE - 60 * MINUTE + s,
          map("Commit", uri, "git_repo", GIT_REPO, "url", url(name, uri)), Map.of());
    }

    private String envFreeze() {
      return md5(new SplittableRandom(mix(spec.seed(), 4, s)));
    }

    /** Data set {@code d} of the shared pool: the same in every pipeline that reads it but for the url. */
    private Artifact dataset(final int d) {
      final String uri = md5(new SplittableRandom(mix(spec.seed(), 5, d)));
      return new Artifact(uri, "Dataset", "artifacts/raw/data-" + d + ".xml.gz:" + uri, BASE - 30 * MINUTE + d,
          map("Commit", uri, "git_repo", GIT_REPO, "url", url(name, uri)), map("source", "shared-pool", "rows", 10_000L + d));
    }

    /** The pipeline's label file of its data set. */
    private Artifact label(final Artifact dataset) {
      final String uri = md5(new SplittableRandom(mix(spec.seed(), 6, s, p)));
      final String path = "artifacts/labels-" + p + ".csv";
      return new Artifact(uri, "Label", path + ":" + uri, created + 1, map("Commit", uri, "git_repo", GIT_REPO, "url", path + ":" + uri),
          map("dataset_uri", dataset.uri(), "annotator", "labeler-" + (s % 3)));
    }

    /** The data set as it reads after labelling: its {@code labels} and {@code labels_uri} comma-sets. */
    private Artifact labelled(final Artifact dataset, final Artifact label) {
      final Map<String, Object> custom = new LinkedHashMap<>(dataset.customProperties());
      custom.put("labels", label.name().split(":")[0]);
      custom.put("labels_uri", label.uri());
      return new Artifact(dataset.uri(), dataset.type(), dataset.name(), dataset.created(), dataset.properties(), custom);
    }

    private Artifact output(final int i, final int run, final long t, final int executionId) {
      final int stages = spec.stages();
      final String stage = STAGE_NAMES.get(i);
      if (i == stages - 1) {
        final String uri = uuid1(random);
        final Map<String, Object> values = new LinkedHashMap<>();
        values.put("accuracy", metric(0.5, 0.5));
        values.put("roc_auc", metric(0.5, 0.5));
        values.put("loss", metric(0.0, 2.0));
        final String metricsName = "metrics-" + stage;
        return new Artifact(uri, "Metrics", metricsName + ":" + uri + ":" + executionId, t, map("metrics_name", metricsName + ":" + uri + ":" + executionId), values);
      }
      final String md5 = md5(random);
      if (i == 2 && stages > 3) {
        return new Artifact(md5, "Model", "artifacts/model/model-" + run + ".pkl:" + md5 + ":" + executionId, t,
            map("model_framework", "SKlearn", "model_type", "RandomForestClassifier", "model_name", "RandomForestClassifier:default", "Commit", md5,
                "url", url(name, md5)),
            map("n_estimators", 100L + run, "max_depth", (long) (5 + i)));
      }
      // Every other stage writes a folder, as DVC tracks directories: a ".dir" hash.
      final String uri = i == 1 ? md5 + ".dir" : md5;
      return new Artifact(uri, "Dataset", "artifacts/" + stage + "/run-" + run + ":" + uri, t,
          map("Commit", uri, "git_repo", GIT_REPO, "url", url(name, uri)), map("split", "0.2"));
    }

    private double metric(final double low, final double width) {
      if (random.nextInt(100) < spec.nanPercent()) {
        return Double.NaN;
      }
      return Math.round((low + random.nextDouble() * width) * 10_000) / 10_000.0;
    }
  }
}
