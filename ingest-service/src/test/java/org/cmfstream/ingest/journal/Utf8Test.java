// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

  @Nested
  class Refuses {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"80", "c0af", "c3", "eda080", "ff", "f4908080", "e282", "f5808080", "e08080"})
    void shouldPointAtTheFirstByteOfAnIllFormedSequence(final String hex) {
      // given: the bad bytes inside a name, as the bad-input campaign sends them
      final byte[] bad = HexFormat.of().parseHex(hex);
      final byte[] body = concat("{\"name\":\"p".getBytes(StandardCharsets.UTF_8), bad, "\"}".getBytes(StandardCharsets.UTF_8));

      // when
      final int at = Utf8.scan(body);

      // then
      assertThat(at).isEqualTo(10);
    }

    @Test
    void shouldPointAtASequenceCutShortByTheEndOfTheBody() {
      // given
      final byte[] body = {'a', 'b', (byte) 0xF0, (byte) 0x9F, (byte) 0x9A};

      // when
      final int at = Utf8.scan(body);

      // then
      assertThat(at).isEqualTo(2);
    }
  }

  @Nested
  class Accepts {

    @Test
    void shouldAcceptEveryWellFormedFormFromOneToFourBytes() {
      // given
      final byte[] body = "a é \u07ff \u0800 \uffff 🚀 \udbff\udfff".getBytes(StandardCharsets.UTF_8);

      // when
      final int at = Utf8.scan(body);

      // then
      assertThat(at).isEqualTo(Utf8.WELL_FORMED);
    }

    @Test
    void shouldTellANulApartFromIllFormedBytes() {
      // given
      final byte[] body = {'[', 0, ']'};

      // when
      final int at = Utf8.scan(body);

      // then
      assertThat(at).isEqualTo(Utf8.WELL_FORMED_WITH_NUL);
    }
  }

  @Test
  void shouldAgreeWithTheJdksStrictDecoderOnRandomBytes() {
    // given: short random sequences, biased towards the lead and continuation bytes where the
    // rules are
    final Random random = new Random(20261201L);
    final int[] interesting = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
    for (int round = 0; round < 200_000; round++) {
      final byte[] body = new byte[1 + random.nextInt(6)];
      for (int i = 0; i < body.length; i++) {
        body[i] = (byte) (random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : random.nextInt(256));
      }

      // when
      final boolean ours = Utf8.scan(body) < 0;

      // then
      assertThat(ours).as(HexFormat.of().formatHex(body)).isEqualTo(strictlyDecodable(body));
    }
  }

  private static boolean strictlyDecodable(final byte[] body) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] concat(final byte[]... parts) {
    int n = 0;
    for (final byte[] p : parts) {
      n += p.length;
    }
    final byte[] out = new byte[n];
    int at = 0;
    for (final byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
