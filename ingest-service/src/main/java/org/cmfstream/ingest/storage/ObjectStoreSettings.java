// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.storage;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * How ingest writes artifact bytes and side files to object storage: {@code cmfstream.storage.*}.
 * Where the storage is and how to log in come from {@code cmfstream.s3.*}.
 *
 * @param partSize the size of one multipart part, and of the one buffer an upload holds; at least
 *     5 MiB, the smallest part S3 accepts before the last
 * @param maxArtifactBytes the largest artifact; larger gets 413. At most 10,000 parts (S3's
 *     limit) of {@code partSize}; the default, 10,000 of the smallest parts (48.8 GiB), suits any
 *     part size
 * @param maxManifestBytes the largest {@code .dir} manifest; it is spooled and parsed before it is
 *     stored
 * @param maxSideFileBytes the largest side file (Python environment, label CSV, TensorBoard log)
 * @param partBuffers how many part buffers all uploads together may hold; an upload that finds
 *     none free waits {@code bufferWait}, then gets 503. Bounds the heap that uploads use to {@code
 *     partBuffers * partSize}, however many arrive at once
 * @param bufferWait how long an upload waits for a free part buffer
 * @param ioTimeout how long one read or write on a connection to storage may stall
 * @param retryAfter what a 503 tells the client to wait before sending the same request again
 */
@ConfigurationProperties("cmfstream.storage")
public record ObjectStoreSettings(
    @Bindable(defaultValue = "8388608") int partSize,
    @Bindable(defaultValue = "52428800000") long maxArtifactBytes,
    @Bindable(defaultValue = "67108864") long maxManifestBytes,
    @Bindable(defaultValue = "268435456") long maxSideFileBytes,
    @Bindable(defaultValue = "8") int partBuffers,
    @Bindable(defaultValue = "30s") Duration bufferWait,
    @Bindable(defaultValue = "60s") Duration ioTimeout,
    @Bindable(defaultValue = "5s") Duration retryAfter) {

  /** S3's smallest part other than the last. */
  static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  /** S3's largest part number. */
  static final int MAX_PARTS = 10_000;

  public ObjectStoreSettings {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("cmfstream.storage.part-size must be at least " + MIN_PART_SIZE + " bytes, not " + partSize);
    }
    if (maxArtifactBytes > (long) partSize * MAX_PARTS) {
      throw new IllegalArgumentException(
          "cmfstream.storage.max-artifact-bytes of " + maxArtifactBytes + " needs more than " + MAX_PARTS + " parts of " + partSize + " bytes");
    }
    if (partBuffers < 1) {
      throw new IllegalArgumentException("cmfstream.storage.part-buffers must be at least 1");
    }
  }

  /** Seconds for {@code Retry-After}, at least one. */
  public String retryAfterSeconds() {
    return Long.toString(Math.max(1, retryAfter.toSeconds()));
  }
}
