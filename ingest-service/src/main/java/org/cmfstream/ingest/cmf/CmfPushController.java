// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.cmfstream.ingest.kafka.JournalPublisher;
import org.cmfstream.ingest.kafka.KafkaUnavailable;
import org.cmfstream.ingest.kafka.PublisherSettings;
import org.cmfstream.ingest.kafka.Receipt;
import org.cmfstream.ingest.receipt.ReceiptView;
import org.cmfstream.ingest.receipt.Receipts;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Bodies;
import org.cmfstream.ingest.web.IngestSettings;
import org.cmfstream.ingest.web.Problems;

/**
 * {@code POST /api/mlmd_push} (and {@code /mlmd_push}): the real cmf client's push, exactly as
 * cmf-protocol.md sections 1.1, 2 and 11 specify. The body is {@code {"pipeline_name", "exec_uuid"
 * (or its old alias "id"), "json_payload"}} where {@code json_payload} is the dump as a JSON
 * <em>string</em>. The body streams to a spool file and is translated as a stream ({@link
 * SpooledPush}), so a push of any size within the limit needs bounded memory. The answer comes
 * after Kafka has acknowledged every record of the push and, within a bound, after the replay has
 * applied it: {@code exists} when it changed nothing, {@code success} otherwise, and 422 {@code
 * records_refused} when the replay refused some of its records (they are in the dead-letter
 * topic; the rest was applied).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class CmfPushController {

  private final JournalPublisher publisher;
  private final IngestSettings limits;
  private final PublisherSettings publisherSettings;
  private final Receipts receipts;

  CmfPushController(final JournalPublisher publisher, final IngestSettings limits, final PublisherSettings publisherSettings, final Receipts receipts) {
    this.publisher = publisher;
    this.limits = limits;
    this.publisherSettings = publisherSettings;
    this.receipts = receipts;
  }

  @Post(uris = {"/mlmd_push", "/api/mlmd_push"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.ALL)
  HttpResponse<Map<String, Object>> push(final HttpRequest<?> request, @Nullable @Body final InputStream body) {
    try {
      Bodies.checkDeclaredLength(request, limits.maxPushBytes());
      final String type = Bodies.mediaType(request);
      if (!type.isEmpty() && !type.equals("application/json")) {
        throw new BadInput(415, "unsupported_media_type", "send the push as application/json, not " + type);
      }
      Bodies.checkEncoding(request);
      // No body at all is the empty body: FastAPI's 422 in the cmf shape, not the framework's 400.
      try (SpooledPush push = SpooledPush.spool(body != null ? body : InputStream.nullInputStream(), limits.maxPushBytes(), limits.maxPushRecords(), limits.spool())) {
        final String upload = UUID.randomUUID().toString();
        final String site = CmfPushTranslator.siteOf(push.pipelineName());
        final CmfPushTranslator.Outcome outcome = push.translate(site, upload, Instant.now());
        if (!outcome.pipelineFound()) {
          return HttpResponse.ok(Map.of("status", "pipeline_not_exist"));
        }
        final Receipt receipt = publisher.publishEncoded(upload, site, push.records(), push.records().count(), push.records().largest());
        // Waiting for the replay lets the client pull at once, and tells "exists" from "success".
        final Optional<ReceiptView> applied = receipts.awaitApplied(upload);
        if (applied.isPresent() && applied.get().refused() > 0) {
          // Not "exists" nor "success": the client then reports that the push failed.
          return Problems.cmf(422, "records_refused", applied.get().refused() + " of the push's " + receipt.accepted()
              + " records were refused by the replay and are in cmf.journal.dlq.v1 with the reason (an entity's state would pass Kafka's"
              + " record limit); the rest of the push (receipt " + receipt.receipt() + ") was applied");
        }
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", applied.isPresent() && !applied.get().changedAnything() ? "exists" : "success");
        answer.put("receipt", receipt.receipt());
        answer.put("records", receipt.accepted());
        // Not read by the cmf client; lets our tools find the batch and wait on its receipt.
        answer.put("journal", receipt);
        answer.put("applied", applied.isPresent());
        return HttpResponse.ok(answer);
      }
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (KafkaUnavailable e) {
      return Problems.cmf(503, "unavailable", e.getMessage())
          .header("Retry-After", Long.toString(Math.max(1, publisherSettings.retryAfter().toSeconds())));
    } catch (IOException e) {
      // The body could not be read or spooled: the client's connection or our disk.
      throw new UncheckedIOException("the push could not be read", e);
    }
  }
}
