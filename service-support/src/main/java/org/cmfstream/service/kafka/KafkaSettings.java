// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.kafka;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/**
 * How a service reaches Kafka: {@code cmfstream.kafka.*}, set from {@code KAFKA_BOOTSTRAP_SERVERS}
 * in each service's configuration.
 *
 * @param bootstrapServers the bootstrap servers, {@code host:port[,host:port...]}
 * @param healthTimeout how long the health check waits for the cluster to answer
 */
@ConfigurationProperties("cmfstream.kafka")
public record KafkaSettings(
    @NotBlank String bootstrapServers, @Bindable(defaultValue = "3s") Duration healthTimeout) {}
