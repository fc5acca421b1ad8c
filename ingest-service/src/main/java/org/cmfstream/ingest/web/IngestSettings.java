// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits of the upload routes: {@code cmfstream.ingest.*}.
 *
 * @param maxPushBytes the largest cmf push body; larger gets 413
 * @param maxJournalBytes the largest native journal upload, after decompression; larger gets 413
 * @param maxJournalRecords the most records one native upload may carry
 * @param maxPushRecords the most journal records one cmf push may translate into; more gets 413
 *     (a dump of a few kilobytes can name millions: every uuid of a reused execution times its
 *     events, each a record spooled to disk)
 * @param spoolDir where large pushes are spooled while they are translated (default: a
 *     directory under {@code java.io.tmpdir}); files are removed when the push is answered
 * @param maxBufferedBytes how many bytes of native upload bodies the service holds in memory at
 *     once, all uploads together; 0 (the default) means a quarter of the heap. An upload that
 *     would go beyond it waits for others to finish ({@link BodyBudget})
 * @param bufferWait how long an upload waits for room in {@code maxBufferedBytes} before it is
 *     answered 503 with {@code Retry-After}
 */
@ConfigurationProperties("cmfstream.ingest")
public record IngestSettings(
    @Bindable(defaultValue = "268435456") long maxPushBytes,
    @Bindable(defaultValue = "67108864") long maxJournalBytes,
    @Bindable(defaultValue = "100000") int maxJournalRecords,
    @Bindable(defaultValue = "5000000") int maxPushRecords,
    @Nullable Path spoolDir,
    @Bindable(defaultValue = "0") long maxBufferedBytes,
    @Bindable(defaultValue = "10s") Duration bufferWait) {

  /** The spool directory, defaulted. */
  public Path spool() {
    return spoolDir != null ? spoolDir : Path.of(System.getProperty("java.io.tmpdir"), "cmf-stream-ingest");
  }
}
