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
 * not decode, that belongs to another query, or that holds a NUL character, is a 400, never a
 * wrong page (nor a 500).
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
    // PostgreSQL text cannot hold a NUL, so no position this API issued has one. A forged one
    // passes NulCharacterFilter (base64 hides it) and, handed to a query as the key, failed it
    // with a 500 carrying the SQL.
    if (holdsNul(node)) {
      throw new InvalidParameter(parameter, "not a token this API issued");
    }
    return node.get("p");
  }

  /** Whether any text or field name in {@code node} holds U+0000. */
  private static boolean holdsNul(final JsonNode node) {
    if (node.isTextual()) {
      return node.asText().indexOf('\0') >= 0;
    }
    final var names = node.fieldNames();
    while (names.hasNext()) {
      if (names.next().indexOf('\0') >= 0) {
        return true;
      }
    }
    for (final JsonNode child : node) {
      if (holdsNul(child)) {
        return true;
      }
    }
    return false;
  }

  private static String fingerprint(final String query) {
    return Integer.toHexString(query.hashCode());
  }
}
