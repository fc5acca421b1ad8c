// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How ingest publishes: {@code cmfstream.ingest.publisher.*}.
 *
 * @param producers transactional producers, so transactions that can be open or committing at
 *     once (at least two: one committing while the next gathers uploads); uploads arriving when
 *     all are committing wait
 * @param maxBlock how long publishing may wait for Kafka before the upload gets a 503
 * @param transactionTimeout how long an unfinished upload may hold back read_committed readers
 *     if this process dies mid-upload
 * @param maxRecordBytes the largest encoded record; must not exceed the broker's message limit
 * @param retryAfter the {@code Retry-After} a 503 suggests
 */
@ConfigurationProperties("cmfstream.ingest.publisher")
public record PublisherSettings(
    @Bindable(defaultValue = "4") int producers,
    @Bindable(defaultValue = "10s") Duration maxBlock,
    @Bindable(defaultValue = "30s") Duration transactionTimeout,
    @Bindable(defaultValue = "1000000") int maxRecordBytes,
    @Bindable(defaultValue = "5s") Duration retryAfter) {}
