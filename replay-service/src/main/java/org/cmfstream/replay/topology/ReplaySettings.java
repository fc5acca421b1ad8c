// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the replay runs: {@code cmfstream.replay.*}.
 *
 * @param applicationId the Kafka Streams application id; every copy of the replay shares it, and
 *     Kafka spreads the partitions over them
 * @param entityPartitions partitions of the re-keyed stream, the most copies that merge in parallel;
 *     must equal the partition count of {@code cmf.entities.v1}, since the merge sends each barrier
 *     mark to the partition of that topic numbered as the one it marks: the replay refuses to start
 *     otherwise ({@link EntityPartitionsCheck})
 * @param commitInterval how often state and output are committed while the replay keeps up with
 *     the journal: the floor of push-to-queryable latency, paid twice (a record leaves the
 *     validating sub-topology at one commit and the merge at the next). 50 ms against 100:
 *     push-to-queryable p50 244 ms against 419 (ReplayBenchmark, docs/PERFORMANCE.md)
 * @param catchUpCommitInterval how often they are committed while the replay works through a
 *     backlog, in larger batches and fewer transactions ({@link CommitPacer})
 * @param backlogAge how old a record must be when the replay takes it to count as part of a backlog
 * @param stateDir where the local state lives (default: a directory of this process under {@code
 *     java.io.tmpdir}, so copies on one host never share one)
 * @param enabled false to run the service without the replay (HTTP slice tests)
 */
@ConfigurationProperties("cmfstream.replay")
public record ReplaySettings(
    @Bindable(defaultValue = "cmf-stream-replay") String applicationId,
    @Bindable(defaultValue = "6") int entityPartitions,
    @Bindable(defaultValue = "50ms") Duration commitInterval,
    @Bindable(defaultValue = "500ms") Duration catchUpCommitInterval,
    @Bindable(defaultValue = "2s") Duration backlogAge,
    @Nullable Path stateDir,
    @Bindable(defaultValue = "true") boolean enabled) {

  public CommitPacer.Pacing pacing() {
    return new CommitPacer.Pacing(commitInterval, catchUpCommitInterval, backlogAge);
  }

  public Path state() {
    return stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "cmf-stream-replay-" + ProcessHandle.current().pid());
  }
}
