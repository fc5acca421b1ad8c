// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.storage;

/**
 * Object storage did not do what was asked: unreachable, failing, or refusing this service's
 * credentials or bucket. Nothing was stored under the requested key; the routes answer 503 with
 * {@code Retry-After}, and the same request may simply be sent again.
 */
public final class StorageUnavailable extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageUnavailable(final String message, final Throwable cause) {
    super(message, cause);
  }
}
