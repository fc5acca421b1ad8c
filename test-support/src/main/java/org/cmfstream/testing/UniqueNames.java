// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.testing;

import java.util.Locale;
import java.util.UUID;

/** Names no other test of the run uses: topics, application ids, schemas, buckets, labels. */
public final class UniqueNames {

  private UniqueNames() {}

  /** {@code prefix} followed by a short random suffix; lower case, letters, digits and '-'. */
  public static String of(final String prefix) {
    return (prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
  }

  /** The same, usable as an SQL identifier or a Neo4j label (underscores instead of dashes). */
  public static String identifier(final String prefix) {
    return of(prefix).replace('-', '_');
  }
}
