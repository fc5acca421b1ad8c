// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Writes a workload to files:
 *
 * <pre>
 * java -cp workload.jar:journal-schema.jar:... org.cmfstream.workload.Generate --seed 1 --scale 10 --out DIR --format cmf|native
 * </pre>
 *
 * <p>{@code cmf}: one {@code <pipeline>.json} request body per pipeline, ready for {@code curl
 * -H 'Content-Type: application/json' --data-binary @<file> <url>/api/mlmd_push}. {@code native}:
 * {@code <site>/batch-<n>.ndjson} per batch, ready for {@code POST /api/v1/sites/<site>/journal}.
 * {@code --scale n} is {@link WorkloadSpec#scaled(int)} of the defaults.
 */
public final class Generate {

  private Generate() {}

  public static void main(final String[] args) throws IOException {
    long seed = 1;
    int scale = 1;
    Path out = Path.of("workload");
    String format = "native";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--scale" -> scale = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--format" -> format = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --seed, --scale, --out, --format cmf|native");
      }
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("every option takes a value: --seed N --scale N --out DIR --format cmf|native");
    }
    final Workload workload = Workload.of(WorkloadSpec.defaults().withSeed(seed).scaled(scale));
    Files.createDirectories(out);
    long files = 0;
    long records = 0;
    if (format.equals("cmf")) {
      for (final Iterator<CmfPush> pushes = workload.cmfPushes().iterator(); pushes.hasNext(); ) {
        final CmfPush push = pushes.next();
        Files.writeString(out.resolve(push.pipelineName() + ".json"), push.requestBody(), StandardCharsets.UTF_8);
        files++;
        records += push.records();
      }
    } else if (format.equals("native")) {
      for (int s = 0; s < workload.spec().sites(); s++) {
        final Path dir = Files.createDirectories(out.resolve(workload.site(s)));
        int n = 0;
        for (final Iterator<JournalBatch> batches = workload.batches(s).iterator(); batches.hasNext(); ) {
          final JournalBatch batch = batches.next();
          Files.writeString(dir.resolve(String.format(java.util.Locale.ROOT, "batch-%05d.ndjson", ++n)), batch.ndjson(), StandardCharsets.UTF_8);
          files++;
          records += batch.records();
        }
      }
    } else {
      throw new IllegalArgumentException("--format is cmf or native, not " + format);
    }
    System.out.printf("%d files, %d journal records under %s%n", files, records, out);
  }
}
