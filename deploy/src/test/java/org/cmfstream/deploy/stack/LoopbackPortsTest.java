// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.deploy.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void shouldHandOutFreePortsBelowTheEphemeralRange() throws IOException {
    for (int i = 0; i < 50; i++) {
      // when
      final int port = LoopbackPorts.free();

      // then: a server can listen on it, and no outgoing connection can have been given it
      assertThat(port).isGreaterThanOrEqualTo(LoopbackPorts.LOWEST).isLessThan(LoopbackPorts.ephemeralLow());
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        assertThat(server.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void shouldCountThePortOfAnOutgoingConnectionAsTaken() throws IOException {
    // given: a connection, whose local end the kernel took from the ephemeral range
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      final int localEnd = client.getLocalPort();

      // then: no server could listen there now, which is why servers get ports below that range
      assertThat(LoopbackPorts.isFree(localEnd)).isFalse();
      assertThat(localEnd).isGreaterThanOrEqualTo(LoopbackPorts.ephemeralLow());
      assertThat(LoopbackPorts.isFree(server.getLocalPort())).isFalse();
    }
  }

  @Test
  void shouldReadTheLowEndOfTheKernelsRange() {
    assertThat(LoopbackPorts.parseLow("32768\t60999\n")).isEqualTo(32_768);
    assertThat(LoopbackPorts.parseLow("49152 65535")).isEqualTo(49_152);
  }

  @Test
  void shouldFallBackToTheDefaultWhenTheRangeLeavesNoRoomBelowIt() {
    assertThat(LoopbackPorts.parseLow("1024 65535")).isEqualTo(32_768);
    assertThat(LoopbackPorts.parseLow("10500 65535")).isEqualTo(32_768);
  }
}
