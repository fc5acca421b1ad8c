// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.cmfstream.query.web.InvalidParameter;

/**
 * An opaque continuation token: where the last page ended (a keyset position, or a lineage
 * offset) and a fingerprint of the query it belongs to, base64url-encoded JSON. A token that does
 * not decode, or that belongs to another query, is a 400, never a wrong page.
 */
final class PageToken {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PageToken() {}

  static String encode(final String query, final ObjectNode position) {
    final ObjectNode token = JSON.createObjectNode();
    token.put("q", fingerprint(query));
    token.set("p", position);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode position() {
    return JSON.createObjectNode();
  }

  /** The position a token holds, checked to belong to {@code query}. */
  static JsonNode decode(final String token, final String query, final String parameter) {
    final JsonNode node;
    try {
      node = JSON.readTree(Base64.getUrlDecoder().decode(token));
    } catch (IllegalArgumentException | JsonProcessingException e) {
      throw new InvalidParameter(parameter, "not a token this API issued");
    } catch (java.io.IOException e) {
      throw new InvalidParameter(parameter, "not a token this API issued");
    }
    if (node == null || !node.path("p").isObject() || !fingerprint(query).equals(node.path("q").asText())) {
      throw new InvalidParameter(parameter, "the token belongs to another query; send the same filters and sort as the page it came from");
    }
    return node.get("p");
  }

  private static String fingerprint(final String query) {
    return Integer.toHexString(query.hashCode());
  }
}
