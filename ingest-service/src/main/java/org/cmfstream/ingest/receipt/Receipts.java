// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.receipt;

import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits on receipts, within the configured bound. */
@Singleton
public class Receipts {

  private static final Logger LOG = LoggerFactory.getLogger(Receipts.class);

  private final Optional<ReceiptRepository> repository;
  private final ReceiptSettings settings;

  public Receipts(final Optional<ReceiptRepository> repository, final ReceiptSettings settings) {
    this.repository = repository;
    this.settings = settings;
  }

  /**
   * The receipt of {@code upload} once APPLIED, or empty if it was not within the wait (or there is
   * no projection to ask). Never fails the upload: it was accepted already.
   */
  public Optional<ReceiptView> awaitApplied(final String upload) {
    if (repository.isEmpty() || settings.timeout().isZero()) {
      return Optional.empty();
    }
    final long deadline = System.nanoTime() + settings.timeout().toNanos();
    try {
      while (true) {
        final ReceiptView receipt = repository.get().find(upload);
        if (receipt.applied()) {
          return Optional.of(receipt);
        }
        if (System.nanoTime() > deadline) {
          return Optional.empty();
        }
        Thread.sleep(settings.poll().toMillis());
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("cannot read the receipt of {}; answering without it: {}", upload, e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
