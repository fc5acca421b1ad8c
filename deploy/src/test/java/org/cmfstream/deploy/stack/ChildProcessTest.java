// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildProcessTest {

  @Test
  void shouldSplitTheExtraOptionsAndNameEachFileAfterItsChild() {
    // when
    final var options = ChildProcess.extraOptions("  -agentpath:/p.so=start,file=/tmp/profile-{name}.collapsed\t -Xss2m ", "replay-service");

    // then
    assertThat(options).containsExactly("-agentpath:/p.so=start,file=/tmp/profile-replay-service.collapsed", "-Xss2m");
  }

  @Test
  void shouldAddNothingWithoutExtraOptions() {
    assertThat(ChildProcess.extraOptions(null, "kafka")).isEmpty();
    assertThat(ChildProcess.extraOptions(" ", "kafka")).isEmpty();
  }
}
