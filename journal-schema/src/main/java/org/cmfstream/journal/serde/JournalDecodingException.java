// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.journal.serde;

/** Bytes that are not a journal record of any known schema version. */
public final class JournalDecodingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public JournalDecodingException(final String message, final Throwable cause) {
    super(message, cause);
  }
}
