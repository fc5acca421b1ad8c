// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

/**
 * Input that cannot be accepted, with what is wrong in words a client can act on. Thrown before
 * anything of the upload is published; the routes turn it into a 4xx.
 */
public final class BadInput extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;

  /**
   * @param status the HTTP status, 400, 413, 415 or 422
   * @param type a stable, short problem type, e.g. {@code malformed-json}
   * @param detail what is wrong, naming the field or line
   */
  public BadInput(final int status, final String type, final String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
  }

  public static BadInput badRequest(final String type, final String detail) {
    return new BadInput(400, type, detail);
  }

  public static BadInput unprocessable(final String type, final String detail) {
    return new BadInput(422, type, detail);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String detail() {
    return getMessage();
  }
}
