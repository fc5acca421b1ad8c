// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.receipt;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How long a cmf push waits for its receipt before it answers: {@code cmfstream.ingest.receipt.*}.
 * Waiting lets a cmf client pull its data right after a push, and lets the push answer {@code
 * exists} when it changed nothing, as the real server does. After the wait it answers {@code
 * success}: the data is accepted and will be applied.
 *
 * @param timeout the longest wait; 0 answers at once (no replay running, as in ingest's own tests)
 * @param poll how often the receipt is looked at while waiting
 */
@ConfigurationProperties("cmfstream.ingest.receipt")
public record ReceiptSettings(@Bindable(defaultValue = "30s") Duration timeout, @Bindable(defaultValue = "50ms") Duration poll) {}
