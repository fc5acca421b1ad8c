// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Limits of the upload routes: {@code cmfstream.ingest.*}.
 *
 * @param maxPushBytes the largest cmf push body; larger gets 413
 * @param maxJournalBytes the largest native journal upload, after decompression; larger gets 413
 * @param maxJournalRecords the most records one native upload may carry
 */
@ConfigurationProperties("cmfstream.ingest")
public record IngestSettings(
    @Bindable(defaultValue = "268435456") long maxPushBytes,
    @Bindable(defaultValue = "67108864") long maxJournalBytes,
    @Bindable(defaultValue = "100000") int maxJournalRecords) {}
