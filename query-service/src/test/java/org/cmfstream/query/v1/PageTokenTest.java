// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cmfstream.query.web.InvalidParameter;
import org.junit.jupiter.api.Test;

class PageTokenTest {

  @Test
  void shouldGiveBackThePositionOfItsOwnQuery() {
    final String token = PageToken.encode("executions|p", PageToken.position().put("t", 42L).put("k", "u-1"));

    assertThat(PageToken.decode(token, "executions|p", "page_token").get("t").asLong()).isEqualTo(42L);
    assertThat(token).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void shouldRejectATokenOfAnotherQueryOrNoTokenAtAll() {
    final String token = PageToken.encode("executions|p", PageToken.position().put("t", 42L));

    assertThatThrownBy(() -> PageToken.decode(token, "executions|q", "page_token")).isInstanceOf(InvalidParameter.class);
    assertThatThrownBy(() -> PageToken.decode("not base64 !", "executions|p", "page_token")).isInstanceOf(InvalidParameter.class);
    assertThatThrownBy(() -> PageToken.decode("bm90IGpzb24", "executions|p", "page_token")).isInstanceOf(InvalidParameter.class);
  }

  /** PostgreSQL text cannot hold a NUL: a forged key with one reached the query, and the answer was a 500 carrying the SQL. */
  @Test
  void shouldRejectATokenOfItsOwnQueryWhoseTextHoldsANul() {
    // given
    final String inKey = PageToken.encode("executions|p", PageToken.position().put("t", 42L).put("k", "u\u0000"));
    final String inName = PageToken.encode("executions|p", PageToken.position().put("t", 42L).put("k", "u").put("x\u0000", 1));

    // when / then
    assertThatThrownBy(() -> PageToken.decode(inKey, "executions|p", "page_token"))
        .isInstanceOf(InvalidParameter.class).hasMessage("not a token this API issued");
    assertThatThrownBy(() -> PageToken.decode(inName, "executions|p", "page_token")).isInstanceOf(InvalidParameter.class);
  }
}
