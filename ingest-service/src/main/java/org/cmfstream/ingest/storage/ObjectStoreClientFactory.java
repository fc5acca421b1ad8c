// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.storage;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.minio.MinioAsyncClient;
import io.minio.http.HttpUtils;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;
import org.cmfstream.service.storage.StorageSettings;

/**
 * The asynchronous MinIO client that {@link ObjectStore} writes and reads with. It is a client of
 * its own, next to the shared synchronous one the health check uses, because only the asynchronous
 * client exposes the multipart calls an all-or-nothing upload needs, and because uploads want
 * longer I/O timeouts than a health check.
 */
@Factory
@Requires(property = "cmfstream.s3.endpoint")
final class ObjectStoreClientFactory {

  @Singleton
  @Bean(preDestroy = "close")
  MinioAsyncClient objectStoreClient(final StorageSettings storage, final ObjectStoreSettings settings) {
    final long io = settings.ioTimeout().toMillis();
    final OkHttpClient http = HttpUtils.newDefaultHttpClient(storage.healthTimeout().toMillis(), io, io);
    // OkHttp runs at most 5 calls per host by default; concurrent uploads and member checks need more.
    http.dispatcher().setMaxRequestsPerHost(64);
    http.dispatcher().setMaxRequests(64);
    return MinioAsyncClient.builder()
        .endpoint(storage.endpoint())
        .credentials(storage.accessKey(), storage.secretKey())
        .region(storage.region())
        .httpClient(http, true)
        .build();
  }
}
