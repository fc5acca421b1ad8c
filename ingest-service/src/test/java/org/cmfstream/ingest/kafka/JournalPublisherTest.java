// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class JournalPublisherTest {

  @Test
  void shouldDiscardAProducerThatRefusesToAbortWithoutLettingTheRefusalEscape() {
    // given: a producer whose abort is refused as after a timed-out commit (an IllegalStateException)
    final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    assertThatThrownBy(producer::abortTransaction).isInstanceOf(IllegalStateException.class);

    // when, then: the upload's failure stays a 503 (KafkaUnavailable), not a 500 from the abort
    assertThatCode(() -> JournalPublisher.abortQuietly(producer)).doesNotThrowAnyException();
  }
}
