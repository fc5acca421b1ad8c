// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.cmfstream.avro.JournalRecord;

/** Turns a rejected record into its dead letter: the record as it was, the reason in a header. */
final class DeadLetters implements FixedKeyProcessor<String, ReplayTopology.Checked, JournalRecord> {

  private FixedKeyProcessorContext<String, JournalRecord> context;

  @Override
  public void init(final FixedKeyProcessorContext<String, JournalRecord> context) {
    this.context = context;
  }

  @Override
  public void process(final FixedKeyRecord<String, ReplayTopology.Checked> record) {
    record.headers().add(ReplayTopology.DLQ_REASON_HEADER, record.value().problem().getBytes(StandardCharsets.UTF_8));
    context.recordMetadata().ifPresent(m ->
        record.headers().add("cmf.dlq.source", (m.topic() + "/" + m.partition() + "/" + m.offset()).getBytes(StandardCharsets.UTF_8)));
    context.forward(record.withValue(record.value().record()));
  }
}
