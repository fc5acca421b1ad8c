// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import io.micronaut.context.annotation.Requires;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.cmfstream.ingest.storage.ObjectStore;
import org.cmfstream.ingest.storage.ObjectStoreSettings;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.IngestSettings;

/**
 * Artifact bytes by content address, in DVC's layout (cmf-protocol.md, section 5.3). Objects are
 * immutable: the key is the md5 of the bytes, checked on the way in, so storing an object that is
 * already there changes nothing and is skipped.
 *
 * <p>A folder's {@code .dir} manifest is spooled to a file first (bounded memory, any size within
 * the limit), checked to be a manifest, and only then stored; its members are ordinary objects.
 */
@Singleton
@Requires(beans = ObjectStore.class)
final class Artifacts {

  static final String OCTET_STREAM = "application/octet-stream";
  static final String JSON = "application/json";

  private final ObjectStore store;
  private final ObjectStoreSettings settings;
  private final Path spool;

  Artifacts(final ObjectStore store, final IngestSettings ingest) {
    this.store = store;
    this.settings = store.settings();
    this.spool = ingest.spool();
  }

  /**
   * What a store did.
   *
   * @param created false when the object was already there, and nothing was written
   */
  record Stored(ContentAddress address, long size, boolean created) {}

  /**
   * A page of a folder's members, each with whether its object is stored.
   *
   * @param total how many members the manifest lists
   */
  record Members(ContentAddress folder, long total, long offset, List<Member> members) {}

  /** One member of a folder and its object's state; {@code size} is -1 when it is missing. */
  @Serdeable
  record Member(String relpath, String md5, boolean present, long size) {}

  /**
   * Stores {@code body} as {@code address}, or does nothing when it is already stored.
   *
   * @param declaredLength the body's Content-Length, or -1 when unknown
   * @throws BadInput 413 beyond the limit, 422 for another md5 or a manifest that is none
   */
  Stored put(final ContentAddress address, final InputStream body, final long declaredLength) throws IOException {
    final long limit = address.dir() ? settings.maxManifestBytes() : settings.maxArtifactBytes();
    if (declaredLength > limit) {
      throw new BadInput(413, "body-too-large", "the body of " + declaredLength + " bytes exceeds the limit of " + limit + " bytes");
    }
    final Optional<ObjectStore.Stat> existing = store.stat(address.key());
    if (existing.isPresent()) {
      // Same key, same md5, same bytes: the body need not even be read.
      return new Stored(address, existing.get().size(), false);
    }
    if (address.dir()) {
      return putManifest(address, body, limit);
    }
    final ObjectStore.Written written = store.write(address.key(), body, new ObjectStore.Upload(limit, address.md5(), false, OCTET_STREAM));
    return new Stored(address, written.size(), true);
  }

  private Stored putManifest(final ContentAddress address, final InputStream body, final long limit) throws IOException {
    Files.createDirectories(spool);
    final Path file = Files.createTempFile(spool, "dir-", ".json");
    try {
      final MessageDigest md5 = md5();
      try (InputStream in = new DigestInputStream(body, md5);
          OutputStream out = Files.newOutputStream(file)) {
        final byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          total += n;
          if (total > limit) {
            throw new BadInput(413, "body-too-large", "the manifest exceeds the limit of " + limit + " bytes");
          }
          out.write(buffer, 0, n);
        }
      }
      final String actual = HexFormat.of().formatHex(md5.digest());
      if (!actual.equals(address.md5())) {
        throw BadInput.unprocessable("md5-mismatch", "the body's md5 is " + actual + ", not " + address.md5() + "; nothing was stored");
      }
      try (InputStream in = Files.newInputStream(file)) {
        DirManifest.read(in, entry -> {});
      }
      try (InputStream in = Files.newInputStream(file)) {
        final ObjectStore.Written written = store.write(address.key(), in, new ObjectStore.Upload(limit, address.md5(), false, JSON));
        return new Stored(address, written.size(), true);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  Optional<ObjectStore.Stat> stat(final ContentAddress address) {
    return store.stat(address.key());
  }

  /** The object's bytes from {@code offset}, {@code length} of them (all when negative). */
  Optional<InputStream> open(final ContentAddress address, final long offset, final long length) {
    return store.open(address.key(), offset, length);
  }

  /**
   * Members {@code offset} to {@code offset + limit} of the folder {@code folder}, and whether each
   * is stored; empty when the folder's manifest is not.
   */
  Optional<Members> members(final ContentAddress folder, final long offset, final int limit) throws IOException {
    final Optional<InputStream> manifest = store.open(folder.key(), 0, -1);
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    final List<DirManifest.Entry> page = new ArrayList<>();
    final long total;
    try (InputStream in = manifest.get()) {
      final long[] index = {0};
      total = DirManifest.read(in, entry -> {
        if (index[0] >= offset && page.size() < limit) {
          page.add(entry);
        }
        index[0]++;
      });
    }
    final List<Optional<ObjectStore.Stat>> stats = store.statAll(page.stream().map(e -> e.address().key()).toList());
    final List<Member> members = new ArrayList<>(page.size());
    for (int i = 0; i < page.size(); i++) {
      final DirManifest.Entry entry = page.get(i);
      members.add(new Member(entry.relpath(), entry.md5(), stats.get(i).isPresent(), stats.get(i).map(ObjectStore.Stat::size).orElse(-1L)));
    }
    return Optional.of(new Members(folder, total, offset, members));
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }
}
