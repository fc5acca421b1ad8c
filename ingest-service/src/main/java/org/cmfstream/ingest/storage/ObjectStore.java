// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.storage;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadPartResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.minio.messages.Part;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.service.storage.StorageSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bucket, as ingest uses it: objects written from a stream in bounded memory, read back as a
 * stream, with or without a byte range.
 *
 * <p>A write is all or nothing. A body that fits in one part goes up in one PUT; a larger one as a
 * multipart upload to its final key, a part at a time (the next part is read while the last one
 * goes up, when a second buffer is free), and the upload is completed only after the last byte has
 * been read and its md5 checked. A body that is too large, has another md5, breaks off, or meets
 * a storage failure aborts the multipart upload, so its key never shows a partial or wrong object,
 * and the parts are gone. (A process that dies mid-upload, or storage that goes away before the
 * abort, leaves only an incomplete multipart upload, which no reader sees and which MinIO's and
 * S3's lifecycle rules remove.) This is why ingest uses the multipart calls itself rather than
 * {@code putObject} with an unknown size: that one completes the upload before the caller could
 * refuse it. No object is written to a temporary key and copied either, which would double the
 * writes and leave a visible stray on a crash.
 */
@Singleton
@Requires(beans = MinioAsyncClient.class)
public final class ObjectStore {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
  private static final HexFormat HEX = HexFormat.of();

  private final MinioAsyncClient client;
  private final String bucket;
  private final ObjectStoreSettings settings;
  private final PartBuffers buffers;

  ObjectStore(final MinioAsyncClient client, final StorageSettings storage, final ObjectStoreSettings settings) {
    this.client = client;
    this.bucket = storage.bucket();
    this.settings = settings;
    this.buffers = new PartBuffers(settings.partSize(), settings.partBuffers(), settings.bufferWait());
  }

  /** An object's size and time of writing. */
  public record Stat(String key, long size, Instant lastModified) {}

  /**
   * What a write did.
   *
   * @param created false when nothing was written because the key already held an object (only
   *     with {@link Upload#ifAbsent()})
   */
  public record Written(String key, long size, String md5, boolean created) {}

  /**
   * How to write one object.
   *
   * @param limit the most bytes the body may have; more gets 413
   * @param expectedMd5 the md5 the body must have (lower-case hex), or null for any
   * @param ifAbsent write only if the key holds nothing yet, atomically in storage
   * @param contentType the object's content type
   */
  public record Upload(long limit, @Nullable String expectedMd5, boolean ifAbsent, String contentType) {}

  public String bucket() {
    return bucket;
  }

  public ObjectStoreSettings settings() {
    return settings;
  }

  /** The object under {@code key}, if there is one. */
  public Optional<Stat> stat(final String key) {
    return statAll(List.of(key)).get(0);
  }

  /** The objects under {@code keys}, in their order; the requests run concurrently. */
  public List<Optional<Stat>> statAll(final List<String> keys) {
    final List<CompletableFuture<StatObjectResponse>> calls = new ArrayList<>(keys.size());
    for (final String key : keys) {
      CompletableFuture<StatObjectResponse> call;
      try {
        call = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      } catch (MinioException | GeneralSecurityException | IOException e) {
        call = CompletableFuture.failedFuture(e);
      }
      calls.add(call);
    }
    final List<Optional<Stat>> stats = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      final String key = keys.get(i);
      final CompletableFuture<StatObjectResponse> call = calls.get(i);
      try {
        final StatObjectResponse stat = await(() -> call, "reading the state of " + key);
        stats.add(Optional.of(new Stat(key, stat.size(), stat.lastModified() == null ? Instant.EPOCH : stat.lastModified().toInstant())));
      } catch (NotFound e) {
        stats.add(Optional.empty());
      }
    }
    return stats;
  }

  /**
   * The bytes of {@code key} from {@code offset}, {@code length} of them (or to the end when
   * negative); empty when there is no such object. The caller closes the stream.
   */
  public Optional<InputStream> open(final String key, final long offset, final long length) {
    final GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(bucket).object(key);
    if (offset > 0 || length >= 0) {
      args.offset(offset);
    }
    if (length >= 0) {
      args.length(length);
    }
    try {
      return Optional.of(await(() -> client.getObject(args.build()), "reading " + key));
    } catch (NotFound e) {
      return Optional.empty();
    }
  }

  /** Every object whose key starts with {@code prefix}, in key order. */
  public void forEach(final String prefix, final Consumer<Stat> each) {
    for (final Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
      final Item item;
      try {
        item = result.get();
      } catch (MinioException | GeneralSecurityException | IOException e) {
        throw failure(e, "listing " + prefix);
      }
      if (!item.isDir()) {
        each.accept(new Stat(item.objectName(), item.size(), item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant()));
      }
    }
  }

  /**
   * Writes {@code in} to {@code key}, all or nothing (see the class comment).
   *
   * @throws BadInput 413 when the body exceeds the limit, 422 when its md5 is not the expected one
   * @throws StorageUnavailable when storage fails or no part buffer comes free
   * @throws IOException when the body cannot be read (the client went away)
   */
  public Written write(final String key, final InputStream in, final Upload upload) throws IOException {
    final MessageDigest md5 = md5();
    byte[] sending = buffers.acquire();
    byte[] reading = null;
    try {
      int n = in.readNBytes(sending, 0, sending.length);
      long total = counted(0, n, upload);
      md5.update(sending, 0, n);
      if (n < sending.length) {
        final String actual = check(md5, upload);
        return new Written(key, total, actual, putWhole(key, sending, n, upload));
      }
      // A second buffer lets the next part be read while this one goes up; with none free, parts
      // simply go one at a time.
      reading = buffers.tryAcquire();
      final String uploadId =
          await(() -> client.createMultipartUploadAsync(bucket, null, key, contentType(upload), null), "starting the upload of " + key).result().uploadId();
      boolean completed = false;
      CompletableFuture<UploadPartResponse> inFlight = null;
      try {
        final List<Part> parts = new ArrayList<>();
        while (n > 0) {
          final int number = parts.size() + 1;
          inFlight = startPart(key, uploadId, number, sending, n);
          if (reading == null) {
            parts.add(finish(inFlight, number, key));
            inFlight = null;
          }
          final byte[] next = reading != null ? reading : sending;
          final int read = in.readNBytes(next, 0, next.length);
          total = counted(total, read, upload);
          md5.update(next, 0, read);
          if (inFlight != null) {
            parts.add(finish(inFlight, number, key));
            inFlight = null;
            reading = sending;
            sending = next;
          }
          n = read;
        }
        // The last byte is in: only now is it known whether the body is the one it claims to be.
        final String actual = check(md5, upload);
        completed = complete(key, uploadId, parts, upload.ifAbsent());
        return new Written(key, total, actual, completed);
      } finally {
        if (inFlight != null) {
          // The client may still be sending from the buffer; it is not free before that ends.
          inFlight.handle((response, failure) -> null).join();
        }
        if (!completed) {
          abortQuietly(key, uploadId);
        }
      }
    } finally {
      buffers.release(sending);
      if (reading != null) {
        buffers.release(reading);
      }
    }
  }

  private boolean putWhole(final String key, final byte[] buffer, final int n, final Upload upload) {
    final PutObjectArgs.Builder args =
        PutObjectArgs.builder().bucket(bucket).object(key).stream(new ByteArrayInputStream(buffer, 0, n), n, -1).contentType(upload.contentType());
    if (upload.ifAbsent()) {
      args.headers(Map.of("If-None-Match", "*"));
    }
    try {
      await(() -> client.putObject(args.build()), "writing " + key);
      return true;
    } catch (PreconditionFailed e) {
      return false;
    }
  }

  private CompletableFuture<UploadPartResponse> startPart(final String key, final String uploadId, final int number, final byte[] buffer, final int n) {
    try {
      // A byte array goes out as it is: no copy, and MinIO's client signs it in place.
      return client.uploadPartAsync(bucket, null, key, buffer, n, uploadId, number, null, null);
    } catch (MinioException | GeneralSecurityException | IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Part finish(final CompletableFuture<UploadPartResponse> upload, final int number, final String key) {
    return new Part(number, await(() -> upload, "writing part " + number + " of " + key).etag());
  }

  /** Completes the upload; false when {@code ifAbsent} and the key already held an object. */
  private boolean complete(final String key, final String uploadId, final List<Part> parts, final boolean ifAbsent) {
    final Multimap<String, String> headers = ifAbsent ? ImmutableMultimap.of("If-None-Match", "*") : null;
    try {
      await(() -> client.completeMultipartUploadAsync(bucket, null, key, uploadId, parts.toArray(Part[]::new), headers, null), "completing the upload of " + key);
      return true;
    } catch (PreconditionFailed e) {
      return false;
    }
  }

  private void abortQuietly(final String key, final String uploadId) {
    try {
      await(() -> client.abortMultipartUploadAsync(bucket, null, key, uploadId, null, null), "aborting the upload of " + key);
    } catch (RuntimeException e) {
      // The key is untouched either way; the parts stay until storage's lifecycle removes them.
      LOG.warn("could not abort the multipart upload {} of {}: {}", uploadId, key, e.getMessage());
    }
  }

  private static Multimap<String, String> contentType(final Upload upload) {
    return ImmutableMultimap.of("Content-Type", upload.contentType());
  }

  private static long counted(final long before, final int n, final Upload upload) {
    final long total = before + n;
    if (total > upload.limit()) {
      throw new BadInput(413, "body-too-large", "the body exceeds the limit of " + upload.limit() + " bytes; nothing was stored");
    }
    return total;
  }

  private static String check(final MessageDigest md5, final Upload upload) {
    final String actual = HEX.formatHex(md5.digest());
    if (upload.expectedMd5() != null && !upload.expectedMd5().equals(actual)) {
      throw BadInput.unprocessable("md5-mismatch", "the body's md5 is " + actual + ", not " + upload.expectedMd5() + "; nothing was stored");
    }
    return actual;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }

  /** One call of the asynchronous client; its setup may already fail. */
  @FunctionalInterface
  private interface Call<T> {
    CompletableFuture<T> start() throws MinioException, GeneralSecurityException, IOException;
  }

  /** Runs {@code call} and waits; every failure becomes one of this class's exceptions. */
  private static <T> T await(final Call<T> call, final String what) {
    try {
      return call.start().get();
    } catch (ExecutionException e) {
      throw failure(e.getCause(), what);
    } catch (MinioException | GeneralSecurityException | IOException | RuntimeException e) {
      throw failure(e, what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailable(what + " was interrupted", e);
    }
  }

  private static RuntimeException failure(final Throwable thrown, final String what) {
    Throwable cause = thrown;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof BadInput bad) {
      return bad;
    }
    if (cause instanceof ErrorResponseException e) {
      final String code = e.errorResponse().code();
      final int status = e.response() == null ? 0 : e.response().code();
      if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code) || (status == 404 && !"NoSuchBucket".equals(code))) {
        return new NotFound();
      }
      if ("PreconditionFailed".equals(code) || status == 412) {
        return new PreconditionFailed();
      }
      // A missing bucket or refused credentials: storage cannot be used as configured.
      return new StorageUnavailable(what + " failed: " + code + " " + e.errorResponse().message(), e);
    }
    return new StorageUnavailable(what + " failed: " + cause, cause);
  }

  /** No object under the key: a normal answer, not a failure. */
  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound() {
      super(null, null, false, false);
    }
  }

  /** A conditional write found the key taken. */
  private static final class PreconditionFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PreconditionFailed() {
      super(null, null, false, false);
    }
  }
}
