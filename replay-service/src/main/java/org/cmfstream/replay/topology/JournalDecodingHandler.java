// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.replay.topology;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.cmfstream.journal.serde.JournalDecodingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the replay does with journal bytes it cannot decode. Bytes that are no journal record at all
 * go to the dead-letter topic and the replay goes on, as {@link LogAndContinueExceptionHandler}
 * does. A record written under a schema this version does not know (an ingest upgraded before the
 * replay) stops the replay there instead: set aside, it would be data acknowledged to a site and
 * then missing from both stores, its site's watermark left with a gap and its upload's receipt
 * PENDING for good. Nothing is skipped; once the replay is upgraded it resumes at that record.
 */
public final class JournalDecodingHandler extends LogAndContinueExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(JournalDecodingHandler.class);

  @Override
  public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record, final Exception exception) {
    if (newerSchema(exception).isPresent()) {
      LOG.error("{}-{} offset {} was written under a schema this replay does not know: the replay stops there, skipping nothing; "
          + "upgrade it to read the record", record.topic(), record.partition(), record.offset(), exception);
      return Response.fail();
    }
    return super.handleError(context, record, exception);
  }

  /** The decoding failure in {@code failure}'s causes that names a schema this version does not know, if any. */
  static Optional<JournalDecodingException> newerSchema(final Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof JournalDecodingException e && e.unknownSchema()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
