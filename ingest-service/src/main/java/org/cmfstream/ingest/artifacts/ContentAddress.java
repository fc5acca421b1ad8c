// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import java.util.Locale;
import java.util.regex.Pattern;
import org.cmfstream.ingest.web.BadInput;

/**
 * Where DVC keeps an object by its md5 (cmf-protocol.md, section 5.3): {@code
 * files/md5/<first 2 hex>/<other 30 hex>}, with {@code .dir} after it for a folder's manifest. The
 * bucket's root is the DVC remote, so a DVC client pointed at it finds every object ingest stored.
 *
 * @param md5 32 lower-case hex digits
 * @param dir whether this is a folder's {@code .dir} manifest
 */
record ContentAddress(String md5, boolean dir) {

  static final String DIR_SUFFIX = ".dir";
  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

  public ContentAddress {
    if (!MD5.matcher(md5).matches()) {
      throw new IllegalArgumentException("not an md5: " + md5);
    }
  }

  /**
   * {@code <md5>} or {@code <md5>.dir}, as a path segment or a cmf artifact's uri; upper-case hex is
   * taken as lower-case, which is how DVC writes it.
   *
   * @throws BadInput 400 {@code invalid-md5} for anything else
   */
  public static ContentAddress parse(final String text) {
    final String lower = text.toLowerCase(Locale.ROOT);
    final boolean dir = lower.endsWith(DIR_SUFFIX);
    final String md5 = dir ? lower.substring(0, lower.length() - DIR_SUFFIX.length()) : lower;
    if (!MD5.matcher(md5).matches()) {
      throw BadInput.badRequest("invalid-md5", "'" + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
          + "' is not a content address: 32 hex digits of an md5, with '.dir' after them for a folder");
    }
    return new ContentAddress(md5, dir);
  }

  /** Whether {@code text} is a content address, as {@link #parse} takes it. */
  public static boolean isContentAddress(final String text) {
    final String lower = text.toLowerCase(Locale.ROOT);
    return MD5.matcher(lower.endsWith(DIR_SUFFIX) ? lower.substring(0, lower.length() - DIR_SUFFIX.length()) : lower).matches();
  }

  /** The object's key in the bucket. */
  public String key() {
    return "files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2) + (dir ? DIR_SUFFIX : "");
  }

  /** {@code <md5>} or {@code <md5>.dir}: how cmf names the artifact ({@code uri}). */
  public String id() {
    return dir ? md5 + DIR_SUFFIX : md5;
  }
}
