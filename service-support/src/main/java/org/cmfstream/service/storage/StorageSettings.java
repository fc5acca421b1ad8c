// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.service.storage;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;

/**
 * How a service reaches S3-compatible object storage (MinIO in production): {@code
 * cmfstream.s3.*}, set from {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY} and
 * {@code S3_BUCKET}.
 *
 * @param endpoint the server's URL
 * @param accessKey the access key
 * @param secretKey the secret key
 * @param bucket the bucket holding artifact bytes and side files
 * @param region the region to sign for; MinIO accepts any
 * @param healthTimeout how long the health check waits for an answer
 */
@ConfigurationProperties("cmfstream.s3")
public record StorageSettings(
    @NotBlank String endpoint,
    @NotBlank String accessKey,
    @NotBlank String secretKey,
    @NotBlank String bucket,
    @Bindable(defaultValue = "us-east-1") String region,
    @Bindable(defaultValue = "3s") Duration healthTimeout) {

  @Override
  public String toString() {
    // Never print the secret.
    return "StorageSettings[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + "]";
  }
}
