// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

import org.apache.avro.message.MissingSchemaException;

/** Bytes that are not a journal record of any known schema version. */
public final class JournalDecodingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public JournalDecodingException(final String message, final Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the bytes are a single-object encoded record under a schema fingerprint this version
   * does not know: most likely a newer schema's, written by an upgraded producer. Such a record is
   * not garbage to set aside but data this reader must be upgraded to read.
   */
  public boolean unknownSchema() {
    return getCause() instanceof MissingSchemaException;
  }
}
