// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.storage;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.scheduling.TaskExecutors;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reports object storage as {@code storage}: UP when the server answers a signed request and the
 * configured bucket exists; DOWN with the reason otherwise (a missing bucket is DOWN too: nothing
 * could be stored).
 */
@Singleton
@Requires(beans = MinioClient.class)
class StorageHealthIndicator implements HealthIndicator {

  static final String NAME = "storage";

  private final MinioClient client;
  private final StorageSettings settings;
  private final ExecutorService blocking;

  StorageHealthIndicator(final MinioClient client, final StorageSettings settings, @Named(TaskExecutors.BLOCKING) final ExecutorService blocking) {
    this.client = client;
    this.settings = settings;
    this.blocking = blocking;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    // The MinIO client blocks; keep it off the event loop.
    return Mono.fromCallable(this::check).subscribeOn(Schedulers.fromExecutorService(blocking));
  }

  private HealthResult check() {
    final Map<String, Object> details = new LinkedHashMap<>();
    details.put("endpoint", settings.endpoint());
    details.put("bucket", settings.bucket());
    try {
      final boolean exists = client.bucketExists(BucketExistsArgs.builder().bucket(settings.bucket()).build());
      details.put("bucketExists", exists);
      return HealthResult.builder(NAME, exists ? HealthStatus.UP : HealthStatus.DOWN).details(details).build();
    } catch (Exception e) {
      details.put("error", String.valueOf(e));
      return HealthResult.builder(NAME, HealthStatus.DOWN).details(details).build();
    }
  }
}
