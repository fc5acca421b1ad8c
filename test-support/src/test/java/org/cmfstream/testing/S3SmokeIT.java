// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class S3SmokeIT {

  @Test
  void shouldCreateABucketAndPutStatAndGetObjects(final StackEndpoints stack) throws Exception {
    try (MinioClient client =
        MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey()).region("us-east-1").build()) {
      // given
      final String bucket = UniqueNames.of("smoke");
      assertThat(client.bucketExists(BucketExistsArgs.builder().bucket(stack.s3Bucket()).build()))
          .as("the stack creates the cmf-stream bucket")
          .isTrue();
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      assertThat(client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())).isTrue();

      // when: a small object, and one large enough to go up in several parts
      final byte[] small = "hello, cmf-stream\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object("files/md5/ab/small").stream(new ByteArrayInputStream(small), small.length, -1).contentType("text/plain").build());
      final byte[] large = new byte[12 * 1024 * 1024];
      new Random(42).nextBytes(large);
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object("files/md5/cd/large").stream(new ByteArrayInputStream(large), large.length, 5 * 1024 * 1024).build());

      // then
      final StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object("files/md5/ab/small").build());
      assertThat(stat.size()).isEqualTo(small.length);
      assertThat(stat.contentType()).isEqualTo("text/plain");
      try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object("files/md5/ab/small").build())) {
        assertThat(in.readAllBytes()).isEqualTo(small);
      }
      try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object("files/md5/cd/large").build())) {
        assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(large));
      }
    }
  }

  private static byte[] sha256(final byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }
}
