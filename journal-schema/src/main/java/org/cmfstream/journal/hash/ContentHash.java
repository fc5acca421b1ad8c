// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SHA-256 of a fact's {@linkplain CanonicalForm canonical form}, as lower-case hex: the
 * content hash every journal record carries (DESIGN.md, "Identity and the content hash"). Two
 * records with the same identity and the same hash are duplicates; the same identity with a
 * different hash is a change or a conflict.
 *
 * <p>The recipe is a contract: stored hashes must stay valid, so a change to {@link
 * CanonicalForm} is a new hash version, never an edit. {@code ContentHashTest} pins known hashes.
 *
 * @param hex the 64 lower-case hex digits
 */
public record ContentHash(String hex) {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] ASCII_HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * A canonical writer and a digest per thread: every journal record is hashed on the way in, and
   * neither a fresh digest (a provider look-up) nor the canonical text need be made for each.
   */
  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  public ContentHash {
    Objects.requireNonNull(hex, "hex");
    if (!isHex64(hex)) {
      throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
    }
  }

  /** The hash of {@code facts}: maps, sets, lists, strings, numbers, booleans and nulls. */
  public static ContentHash of(final Object facts) {
    final Hasher hasher = HASHER.get();
    hasher.canonical.reset();
    hasher.canonical.write(facts);
    return new ContentHash(hasher.hex());
  }

  /** The hash of an Avro record's fields plus {@code "kind": kind}: see {@link CanonicalForm#record}. */
  public static ContentHash ofRecord(final String kind, final org.apache.avro.generic.IndexedRecord record) {
    return new ContentHash(hexOfRecord(kind, record));
  }

  /** The {@link #hex} of {@link #ofRecord}, without checking again the digits just written. */
  public static String hexOfRecord(final String kind, final org.apache.avro.generic.IndexedRecord record) {
    final Hasher hasher = HASHER.get();
    hasher.canonical.reset();
    hasher.canonical.writeRecord(kind, record);
    return hasher.hex();
  }

  /**
   * The {@link #hex} of the canonical text in {@code canonical}, written by a caller piece by
   * piece, as 64 lower-case ASCII digits into {@code hex}: for a writer of journal records' bytes,
   * which needs no String.
   */
  public static void hexInto(final CanonicalBytes canonical, final byte[] hex) {
    final Hasher hasher = HASHER.get();
    canonical.digestInto(hasher.sha256);
    final byte[] digest = hasher.digest;
    try {
      hasher.sha256.digest(digest, 0, digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
    }
    for (int d = 0; d < digest.length; d++) {
      hex[2 * d] = ASCII_HEX[(digest[d] >> 4) & 0xf];
      hex[2 * d + 1] = ASCII_HEX[digest[d] & 0xf];
    }
  }

  /** {@code [0-9a-f]{64}}, without compiling a pattern for each hash. */
  private static boolean isHex64(final String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      final char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** One thread's canonical writer and digest. */
  private static final class Hasher {
    final CanonicalBytes canonical = new CanonicalBytes();
    final MessageDigest sha256 = sha256();
    /** Where {@link #hexInto} takes a digest, so that hashing a record makes no garbage. */
    final byte[] digest = new byte[32];

    String hex() {
      // Updated only here, and digest() resets it for the next value.
      canonical.digestInto(sha256);
      return HEX.formatHex(sha256.digest());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
