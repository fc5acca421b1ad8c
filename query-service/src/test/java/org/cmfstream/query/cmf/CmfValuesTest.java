// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CmfValuesTest {

  @Test
  void shouldPrintValuesAsPostgresPrintsThem() {
    assertThat(CmfValues.text("0.2")).isEqualTo("0.2");
    assertThat(CmfValues.text(20170428L)).isEqualTo("20170428");
    assertThat(CmfValues.text(3000.0)).isEqualTo("3000");
    assertThat(CmfValues.text(0.5504)).isEqualTo("0.5504");
    assertThat(CmfValues.text(Double.NaN)).isEqualTo("NaN");
    assertThat(CmfValues.text(true)).isEqualTo("true");
  }

  @Test
  void shouldTakeFilterWildcardsLiterally() {
    assertThat(CmfValues.containsPattern("50%_a\\b")).isEqualTo("%50\\%\\_a\\\\b%");
  }

  @Test
  void shouldRejectAPageParameterThatIsNotAPositiveInteger() {
    assertThat(CmfValues.positive(null, 5, "record_per_page")).isEqualTo(5);
    assertThat(CmfValues.positive("7", 5, "record_per_page")).isEqualTo(7);
    assertThatThrownBy(() -> CmfValues.positive("0", 5, "active_page")).isInstanceOf(CmfValues.CmfParameterError.class);
    assertThatThrownBy(() -> CmfValues.positive("abc", 5, "active_page")).isInstanceOf(CmfValues.CmfParameterError.class);
  }
}
