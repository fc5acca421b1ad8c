// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.journal;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.cmfstream.ingest.kafka.JournalPublisher;
import org.cmfstream.ingest.kafka.KafkaUnavailable;
import org.cmfstream.ingest.kafka.PublisherSettings;
import org.cmfstream.ingest.kafka.Receipt;
import org.cmfstream.ingest.receipt.ReceiptRepository;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Bodies;
import org.cmfstream.ingest.web.BodyBudget;
import org.cmfstream.ingest.web.IngestSettings;
import org.cmfstream.ingest.web.Problems;

/**
 * The native, resumable journal API for cmf-stream's own clients.
 *
 * <ul>
 *   <li>{@code POST /api/v1/sites/{site}/journal}: a batch of numbered records, as a JSON array
 *       ({@code application/json}) or NDJSON ({@code application/x-ndjson}), optionally gzip.
 *       Answers a {@link Receipt}. Re-sending records already accepted is harmless: they carry the
 *       same content hash and are counted as duplicates downstream, never twice.
 *   <li>{@code GET /api/v1/sites/{site}/watermark}: where a reconnecting site resumes.
 * </ul>
 *
 * <p>Stateless: any copy of ingest takes any upload.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class JournalController {

  private static final Set<String> JSON = Set.of("application/json");
  private static final Set<String> NDJSON = Set.of("application/x-ndjson", "application/jsonl", "application/jsonlines", "application/ndjson");

  private final JournalPublisher publisher;
  private final IngestSettings limits;
  private final PublisherSettings publisherSettings;
  private final Optional<ReceiptRepository> receipts;
  private final BodyBudget budget;

  JournalController(
      final JournalPublisher publisher,
      final IngestSettings limits,
      final PublisherSettings publisherSettings,
      final Optional<ReceiptRepository> receipts,
      final BodyBudget budget) {
    this.publisher = publisher;
    this.limits = limits;
    this.publisherSettings = publisherSettings;
    this.receipts = receipts;
    this.budget = budget;
  }

  @Post(uris = {"/api/v1/sites/{site}/journal", "/v1/sites/{site}/journal"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.ALL)
  HttpResponse<?> upload(final HttpRequest<?> request, @PathVariable final String site, @Nullable @Body final InputStream body) {
    // A stream, not a byte[]: the route then runs as soon as the headers are in, so a declared
    // length over the limit is refused before the body is sent, and the framework's buffer limit
    // (10 MB by default, below ours) never applies. Closed on every path: a body left unread is
    // then discarded, not left stalling the client.
    final InputStream in = body != null ? body : InputStream.nullInputStream();
    try {
      NativeRecords.checkSite(site);
      Bodies.checkDeclaredLength(request, limits.maxJournalBytes());
      final String type = Bodies.mediaType(request);
      final boolean ndjson = NDJSON.contains(type);
      if (!ndjson && !JSON.contains(type)) {
        throw new BadInput(415, "unsupported-media-type",
            "send a JSON array as application/json or NDJSON as application/x-ndjson, not '" + type + "'");
      }
      Bodies.checkEncoding(request);
      // The body and the records read from it are held until the upload is answered.
      try (BodyBudget.Share share = budget.share()) {
        final byte[] bytes = Bodies.readAll(in, request.getContentLength(), limits.maxJournalBytes(), share::growTo);
        final String upload = UUID.randomUUID().toString();
        final Instant received = Instant.now();
        final int max = limits.maxJournalRecords();
        final EncodedUpload encoded = NativeRecords.readEncoded(bytes, ndjson, site, upload, received, max);
        final Receipt receipt =
            encoded != null && encoded.largest() <= publisherSettings.maxRecordBytes()
                ? publisher.publishEncoded(upload, site, encoded.records(), encoded.records().size(), encoded.largest())
                // Every other upload, errors included, and the 413 of a record too large, which names the record.
                : publisher.publish(upload, site, NativeRecords.read(bytes, ndjson, site, upload, received, max));
        return HttpResponse.ok(receipt);
      }
    } catch (BodyBudget.Busy e) {
      return Problems.problem(503, "ingest-busy", e.getMessage()).header("Retry-After", Long.toString(Math.max(1, budget.retryAfter().toSeconds())));
    } catch (BadInput bad) {
      return Problems.problem(bad);
    } catch (KafkaUnavailable e) {
      return Problems.unavailable(e.getMessage(), publisherSettings.retryAfter());
    } catch (IOException e) {
      // The body broke off before its end: nothing was read whole, so nothing is published.
      return Problems.problem(400, "incomplete-body", "the body could not be read to its end: " + e.getMessage());
    } finally {
      closeQuietly(in);
    }
  }

  /** Closes the body; failing to close what was already answered changes nothing the client can act on. */
  private static void closeQuietly(final InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException e) {
      // the answer stands
    }
  }

  /**
   * Where a site resumes: the replay's watermark as the projection holds it: every record up to
   * {@code completeThrough} is applied, and {@code gaps} lists what is missing above it. A site
   * the replay has not seen yet resumes from the start ({@code exact: false}), which is always
   * safe: re-sent records are duplicates downstream.
   */
  @Get(uris = {"/api/v1/sites/{site}/watermark", "/v1/sites/{site}/watermark"}, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> watermark(@PathVariable final String site) {
    try {
      NativeRecords.checkSite(site);
    } catch (BadInput bad) {
      return Problems.problem(bad);
    }
    Optional<ReceiptRepository.Watermark> known = Optional.empty();
    if (receipts.isPresent()) {
      try {
        known = receipts.get().watermark(site);
      } catch (SQLException e) {
        return Problems.problem(503, "database-unavailable", "watermarks cannot be read now: " + e.getMessage()).header("Retry-After", "5");
      }
    }
    final Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("site", site);
    answer.put("completeThrough", known.map(ReceiptRepository.Watermark::completeThrough).orElse(0L));
    answer.put("resumeFrom", known.map(w -> w.completeThrough() + 1).orElse(1L));
    answer.put("gaps", known.map(ReceiptRepository.Watermark::gaps).orElse(List.of()));
    answer.put("exact", known.isPresent());
    return HttpResponse.ok(answer);
  }
}
