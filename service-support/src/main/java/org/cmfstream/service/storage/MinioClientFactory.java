// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.storage;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.minio.MinioClient;
import jakarta.inject.Singleton;

/** The one MinIO client of a service; closed with the context, or its threads outlive it by 60 s. */
@Factory
@Requires(property = "cmfstream.s3.endpoint")
class MinioClientFactory {

  @Singleton
  @Bean(preDestroy = "close")
  MinioClient minioClient(final StorageSettings settings) {
    final MinioClient client =
        MinioClient.builder()
            .endpoint(settings.endpoint())
            .credentials(settings.accessKey(), settings.secretKey())
            .region(settings.region())
            .build();
    final long timeout = settings.healthTimeout().toMillis();
    client.setTimeout(timeout, 0, 0);
    return client;
  }
}
