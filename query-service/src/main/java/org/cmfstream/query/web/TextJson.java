// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Mappers for JSON text that users wrote: request bodies and parameters, and what uploads stored
 * (custom properties). Jackson's text parser keeps the field names it has seen in a table shared
 * by every parse of a mapper, hashed without a seed: keys built to collide in it fail that parse
 * and then, through the table, other requests' parses with an internal error (jackson-core#547).
 * These mappers decode each name anew instead.
 */
public final class TextJson {

  private TextJson() {}

  /** A mapper builder whose parsers share no table of field names. */
  public static JsonMapper.Builder mapper() {
    return JsonMapper.builder(new JsonFactoryBuilder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build());
  }
}
