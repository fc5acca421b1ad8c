// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.store;

/**
 * PostgreSQL refused a value of the request (SQLSTATE class 22, data exception: a NUL in text, a
 * number out of range, ...). The value came from the client, so the routes answer 400, without the
 * SQL; the request fails the same way however often it is sent.
 */
public final class StoreRefusedValue extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreRefusedValue(final Throwable cause) {
    super("a value of the request is not one the store can read or compare", cause);
  }
}
