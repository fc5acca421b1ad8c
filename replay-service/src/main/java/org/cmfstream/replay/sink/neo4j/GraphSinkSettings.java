// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.sink.neo4j;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The Neo4j sink: {@code cmfstream.sink.neo4j.*}.
 *
 * @param enabled false to run the service without it
 * @param groupId the consumer group every copy shares
 * @param maxBatch the most changes one transaction applies
 * @param writers how many consumers of the group, each on a thread of its own, this copy runs:
 *     their transactions overlap (EntitySink). Two since the replay's commits are paced: the Neo4j
 *     sink was then the tail of a large replay, and a second writer took the replay from 29-41% to
 *     40-47% of the slower raw sink (ReplayBenchmark runs 29-32, docs/PERFORMANCE.md); measured
 *     again against one in runs 55-59: Neo4j spends less per change with one, the ratio moves
 *     with the machine's speed more than with the count
 * @param retryBackoff how long to wait after Neo4j failed before trying the batch again
 */
@ConfigurationProperties("cmfstream.sink.neo4j")
public record GraphSinkSettings(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "cmf-stream-sink-neo4j") String groupId,
    @Bindable(defaultValue = "2000") int maxBatch,
    @Bindable(defaultValue = "2") int writers,
    @Bindable(defaultValue = "1s") Duration retryBackoff) {}
