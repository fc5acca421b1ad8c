// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TextJsonTest {

  private static final TypeReference<TreeMap<String, Object>> MAP = new TypeReference<>() {};

  @Test
  void shouldReadKeysBuiltToCollideAndEveryTextAfterThem() throws JsonProcessingException {
    // given: custom properties as an upload may have stored them, 512 keys that share one hash in
    // the text parser's table of names; a mapper that keeps that table refuses them
    final String colliding = collidingKeys();
    assertThatThrownBy(() -> new ObjectMapper().readValue(colliding, MAP)).hasMessageContaining("collision");
    final ObjectMapper json = TextJson.mapper().build();

    // when, then: read, and so is every text after them, each with names of its own
    assertThat(json.readValue(colliding, MAP)).hasSize(512);
    for (int i = 0; i < 200; i++) {
      assertThat(json.readValue("{\"seed" + i + "\": 1, \"split" + i + "\": \"0.2\"}", MAP)).as("text %d", i).hasSize(2);
    }
  }

  /** Nine blocks of "aB" or "b!": 512 keys with one hash in Jackson's table of names for text. */
  private static String collidingKeys() {
    final StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < 512; i++) {
      text.append(i == 0 ? "\"" : ", \"");
      for (int block = 0; block < 9; block++) {
        text.append((i >> block & 1) == 0 ? "aB" : "b!");
      }
      text.append("\": ").append(i);
    }
    return text.append('}').toString();
  }
}
