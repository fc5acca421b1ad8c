// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.kafka;

/** Kafka did not take an upload in time; nothing of it was published. Answered with 503. */
public final class KafkaUnavailable extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KafkaUnavailable(final String message, final Throwable cause) {
    super(message, cause);
  }
}
