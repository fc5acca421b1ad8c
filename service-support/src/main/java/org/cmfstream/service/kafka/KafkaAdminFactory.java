// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.kafka;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The one Kafka {@link Admin} client of a service, closed with the application context. */
@Factory
@Requires(property = "cmfstream.kafka.bootstrap-servers")
class KafkaAdminFactory {

  @Singleton
  @Bean(preDestroy = "close")
  Admin kafkaAdmin(final KafkaSettings settings) {
    final Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "cmf-stream-admin");
    // A down broker must not hold health checks or start-up for the default 60 s.
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(Math.max(settings.healthTimeout().toMillis(), 1000)));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(settings.healthTimeout().toMillis(), 1000)));
    return Admin.create(props);
  }
}
