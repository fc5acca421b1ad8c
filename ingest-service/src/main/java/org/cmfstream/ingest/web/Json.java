// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The JSON reader of uploads. It accepts {@code NaN} and the infinities (the cmf client writes
 * them for metric values), keeps big numbers exact, and refuses what no real upload needs:
 * nesting deeper than 200 levels and strings longer than the body limit.
 */
public final class Json {

  /** For parsers of bytes: their table of field names is seeded when the factory is made. */
  private static final JsonFactory FACTORY = rules().build();

  /**
   * For parsers of text (a Reader, a String) and for trees: no table of field names shared by
   * every parse. The text parsers' table hashes without a seed, so map keys built to collide in it
   * fail that parse and then, through the shared table, other users' parses with an internal error
   * (jackson-core#547), a 500. Each name is decoded anew instead; nothing here compares names by
   * identity.
   */
  private static final JsonFactory TEXT_FACTORY = rules().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(TEXT_FACTORY)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Reads one element of a document that goes on after it ({@link #eachElement}). */
  private static final ObjectReader ELEMENT = MAPPER.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static JsonFactoryBuilder rules() {
    return new JsonFactoryBuilder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).maxStringLength(Integer.MAX_VALUE).build());
  }

  private Json() {}

  /** The factory of streaming parsers of bytes with these rules. */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /** The factory of streaming parsers of text (a Reader or a String) with these rules. */
  public static JsonFactory textFactory() {
    return TEXT_FACTORY;
  }

  /** Parses one JSON document, or fails with 400 (or {@code status}) naming what is wrong. */
  public static JsonNode parse(final byte[] bytes, final int status, final String what) {
    return parse(() -> MAPPER.readTree(bytes), status, what);
  }

  public static JsonNode parse(final String text, final int status, final String what) {
    return parse(() -> MAPPER.readTree(text), status, what);
  }

  /**
   * The number of elements of a JSON array, checked to its end without building anything. Fails
   * with 400 {@code malformed-json} as {@link #parse} would, or with {@code notArray} for a
   * well-formed document that is not an array.
   */
  public static int countElements(final byte[] bytes, final String what, final Supplier<BadInput> notArray) {
    final int[] count = {0};
    elements(bytes, what, notArray, p -> {
      p.skipChildren();
      count[0]++;
    });
    return count[0];
  }

  /**
   * Parses a JSON array one element at a time, handing each to {@code each} once it is read, so
   * that no tree of the whole document is built. Fails as {@link #countElements}.
   */
  public static void eachElement(final byte[] bytes, final String what, final Consumer<JsonNode> each, final Supplier<BadInput> notArray) {
    elements(bytes, what, notArray, p -> each.accept(ELEMENT.readTree(p)));
  }

  /** Reads one element from a parser that is at its first token, leaving the parser at its last. */
  @FunctionalInterface
  private interface Element {
    void read(JsonParser p) throws IOException;
  }

  private static void elements(final byte[] bytes, final String what, final Supplier<BadInput> notArray, final Element element) {
    try (JsonParser p = MAPPER.createParser(bytes)) {
      final JsonToken first = p.nextToken();
      if (first == null) {
        throw new BadInput(400, "malformed-json", what + " is empty");
      }
      if (first != JsonToken.START_ARRAY) {
        p.skipChildren();
        requireEnd(p, what);
        throw notArray.get();
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t == null) {
          throw new BadInput(400, "malformed-json", what + " is not valid JSON: the array is not closed");
        }
        element.read(p);
      }
      requireEnd(p, what);
    } catch (JsonProcessingException e) {
      throw new BadInput(400, "malformed-json", what + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInput(400, "malformed-json", what + " could not be read: " + e.getMessage());
    }
  }

  private static void requireEnd(final JsonParser p, final String what) throws IOException {
    final JsonToken after = p.nextToken();
    if (after != null) {
      throw new BadInput(400, "malformed-json", what + " is not valid JSON: " + after + " after the end of the top-level value");
    }
  }

  /** A parse that may fail with Jackson's exceptions. */
  @FunctionalInterface
  private interface Parse {
    JsonNode run() throws IOException;
  }

  private static JsonNode parse(final Parse parse, final int status, final String what) {
    try {
      final JsonNode node = parse.run();
      if (node == null || node.isMissingNode()) {
        throw new BadInput(status, "malformed-json", what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadInput(status, "malformed-json", what + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInput(status, "malformed-json", what + " could not be read: " + e.getMessage());
    }
  }
}
