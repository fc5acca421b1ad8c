// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.minio.messages.Upload;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.cmfstream.deploy.stack.StackEndpoints;

/**
 * The test's own look into the stack's bucket, past ingest: what is really stored, and which
 * multipart uploads are still open. Also the test data's helpers: random bytes and their md5.
 */
public final class StorageClient implements AutoCloseable {

  private final MinioAsyncClient client;
  private final String bucket;

  public StorageClient(final StackEndpoints stack) {
    this(stack, stack.s3Bucket());
  }

  /** A look into {@code bucket} of the stack's S3 server rather than into the stack's own. */
  public StorageClient(final StackEndpoints stack, final String bucket) {
    this.client = MinioAsyncClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey()).region("us-east-1").build();
    this.bucket = bucket;
  }

  public String bucket() {
    return bucket;
  }

  /** Makes the bucket, which must not exist yet. */
  public void createBucket() throws Exception {
    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()).get();
  }

  /** Whether {@code key} holds an object. */
  public boolean exists(final String key) throws Exception {
    try {
      client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).get();
      return true;
    } catch (ExecutionException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ErrorResponseException r && r.response().code() == 404) {
          return false;
        }
      }
      throw e;
    }
  }

  /** The bytes under {@code key}. */
  public byte[] read(final String key) throws Exception {
    try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build()).get()) {
      return in.readAllBytes();
    }
  }

  /** Writes {@code bytes} under {@code key} directly, as a DVC client pushing to the bucket would. */
  public void write(final String key, final byte[] bytes) throws Exception {
    client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(new ByteArrayInputStream(bytes), bytes.length, -1).build()).get();
  }

  /** The keys under {@code prefix}. */
  public List<String> keys(final String prefix) throws Exception {
    final List<String> keys = new ArrayList<>();
    for (final Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
      keys.add(item.get().objectName());
    }
    return keys;
  }

  /** The multipart uploads still open for {@code key}: parts that were neither completed nor aborted. */
  public List<String> openUploads(final String key) throws Exception {
    final List<String> open = new ArrayList<>();
    final List<Upload> uploads = client.listMultipartUploadsAsync(bucket, null, null, null, null, null, key, null, null, null).get().result().uploads();
    for (final Upload upload : uploads == null ? List.<Upload>of() : uploads) {
      if (upload.objectName().equals(key)) {
        open.add(upload.uploadId());
      }
    }
    return open;
  }

  @Override
  public void close() throws Exception {
    client.close();
  }

  public static byte[] randomBytes(final int size, final long seed) {
    final byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  public static String md5(final byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where DVC keeps an object of this md5. */
  public static String key(final String md5) {
    return "files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2);
  }
}
