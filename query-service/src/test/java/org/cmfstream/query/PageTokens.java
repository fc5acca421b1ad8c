// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Tokens as the v1 API encodes them, built by hand to test that one from another query is refused. */
final class PageTokens {

  private PageTokens() {}

  static String forQuery(final String query) {
    return forQuery(query, "{\"t\":1,\"k\":\"x\"}");
  }

  /** A token of {@code query} holding {@code position}, JSON text as given (a forged one, say). */
  static String forQuery(final String query, final String position) {
    final String json = "{\"q\":\"" + Integer.toHexString(query.hashCode()) + "\",\"p\":" + position + "}";
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
