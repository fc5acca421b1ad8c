// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

/**
 * A store (PostgreSQL or Neo4j) could not answer: it is down, unreachable or out of connections.
 * The routes answer 503 with {@code Retry-After}; the request may be sent again as it is.
 */
public final class StoreUnavailable extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String store;

  public StoreUnavailable(final String store, final Throwable cause) {
    super(store + " is unavailable: " + cause.getMessage(), cause);
    this.store = store;
  }

  public String store() {
    return store;
  }
}
