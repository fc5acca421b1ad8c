// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

/** A request parameter the route cannot honour; answered 400 problem+json naming the parameter. */
public final class InvalidParameter extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String parameter;

  public InvalidParameter(final String parameter, final String detail) {
    super(detail);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
