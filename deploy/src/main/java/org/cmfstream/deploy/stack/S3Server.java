// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;

/**
 * An S3-compatible server (s3proxy on its filesystem backend), as run inside its own JVM by {@link
 * ServerMain}. Objects are plain files under {@code <dir>/blobs}; the MinIO client talks to it
 * with signed requests exactly as it talks to MinIO.
 */
final class S3Server implements AutoCloseable {

  private final S3Proxy proxy;

  private S3Server(final S3Proxy proxy) {
    this.proxy = proxy;
  }

  static S3Server start(final Path dir, final int port, final String accessKey, final String secretKey) throws Exception {
    final Path blobs = dir.resolve("blobs");
    Files.createDirectories(blobs);
    final Properties props = new Properties();
    // The key keeps its name from s3proxy's jclouds days.
    props.setProperty("jclouds.filesystem.basedir", blobs.toString());
    final S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(BlobStores.create("filesystem", props))
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    proxy.start();
    return new S3Server(proxy);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
