// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.hash;

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

  public ContentHash {
    Objects.requireNonNull(hex, "hex");
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("not a SHA-256 hex digest: " + hex);
    }
  }

  /** The hash of {@code facts}: maps, sets, lists, strings, numbers, booleans and nulls. */
  public static ContentHash of(final Object facts) {
    return new ContentHash(HEX.formatHex(sha256().digest(CanonicalForm.bytes(facts))));
  }

  /** The hash of an Avro record's fields plus {@code "kind": kind}: see {@link CanonicalForm#record}. */
  public static ContentHash ofRecord(final String kind, final org.apache.avro.generic.IndexedRecord record) {
    return new ContentHash(HEX.formatHex(sha256().digest(CanonicalForm.record(kind, record).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
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
