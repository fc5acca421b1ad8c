// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.query.cmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.cmfstream.query.store.Models.Execution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CmfLabelsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "artifacts/parsed/train.tsv:32b715ef0d71ff4c9e61f55b09c15e75 | Dataset      | train.tsv:32b7",
      "artifacts/parsed/:ab12cd.dir                                | Dataset      | parsed:ab12",
      "artifacts/model/model.pkl:bf629ccd5cd008066b72c04f9a918737:3 | Model       | model.pkl:bf62",
      "metrics:7bea36fc-76f6-11ee-9600-5b8c6d427e3f:4              | Metrics      | metrics:7bea:4",
      "cmf_artifacts/3f6f/metrics/training_metrics:46fd4d02:3:744ad0be-76f6 | Step_Metrics | 3f6f/metrics/training_metrics:46fd:3:744a",
      "cmf_artifacts/3f6f/dataslice/slice-1:0591abcd               | Dataslice    | 3f6f/dataslice/slice-1:0591",
      "some/other:thing                                            | Validation_output | some/other:thing"})
  void shouldLabelArtifactsAsTheCmfUiDoes(final String name, final String type, final String label) {
    assertThat(CmfLabels.artifactLabel(name, type)).isEqualTo(label);
  }

  @Test
  void shouldLabelRawDataSetsSpeciallyInTheBipartiteView() {
    assertThat(CmfLabels.bipartiteArtifactLabel("artifacts/raw_data/x.csv:1234abcd", "Dataset")).isEqualTo("raw_data:1234");
  }

  @Test
  void shouldShortenAnExecutionToItsStageAndTheFirstFourOfItsFirstUuid() {
    final Execution reused = new Execution("25c66fa6-1", 1, "p", "Test-env/Featurize", "t", "", Map.of(), Map.of(),
        List.of("25c66fa6-1", "99aa0000-2"), null, null, null, null);

    assertThat(CmfLabels.executionShortName(reused)).isEqualTo("Featurize_25c6");
  }
}
