// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.cmfstream.ingest.kafka.JournalPublisher;
import org.cmfstream.ingest.kafka.KafkaUnavailable;
import org.cmfstream.ingest.kafka.PublisherSettings;
import org.cmfstream.ingest.kafka.Receipt;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Bodies;
import org.cmfstream.ingest.web.IngestSettings;
import org.cmfstream.ingest.web.Json;
import org.cmfstream.ingest.web.Problems;

/**
 * {@code POST /api/mlmd_push} (and {@code /mlmd_push}): the real cmf client's push, exactly as
 * cmf-protocol.md sections 1.1, 2 and 11 specify. The body is {@code {"pipeline_name", "exec_uuid"
 * (or its old alias "id"), "json_payload"}} where {@code json_payload} is the dump as a JSON
 * <em>string</em>. The answer comes after Kafka has acknowledged every record of the push.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class CmfPushController {

  private final JournalPublisher publisher;
  private final IngestSettings limits;
  private final PublisherSettings publisherSettings;

  CmfPushController(final JournalPublisher publisher, final IngestSettings limits, final PublisherSettings publisherSettings) {
    this.publisher = publisher;
    this.limits = limits;
    this.publisherSettings = publisherSettings;
  }

  @Post(uris = {"/mlmd_push", "/api/mlmd_push"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.ALL)
  HttpResponse<Map<String, Object>> push(final HttpRequest<?> request, @Nullable @Body final byte[] body) {
    try {
      Bodies.checkDeclaredLength(request, limits.maxPushBytes());
      final String type = Bodies.mediaType(request);
      if (!type.isEmpty() && !type.equals("application/json")) {
        throw new BadInput(415, "unsupported_media_type", "send the push as application/json, not " + type);
      }
      final byte[] bytes = Bodies.decoded(request, body == null ? new byte[0] : body, limits.maxPushBytes());
      final PushRequest push = PushRequest.parse(bytes);
      final String upload = UUID.randomUUID().toString();
      final String site = CmfPushTranslator.siteOf(push.pipelineName());
      final CmfPushTranslator.Translation translation =
          CmfPushTranslator.translate(push.dump(), push.pipelineName(), push.execUuid(), site, upload, Instant.now());
      if (translation.pipelineNotFound().isPresent()) {
        return HttpResponse.ok(Map.of("status", translation.pipelineNotFound().get()));
      }
      final Receipt receipt = publisher.publish(upload, site, translation.records());
      final Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("status", "success");
      answer.put("receipt", receipt.receipt());
      answer.put("records", receipt.accepted());
      // Not read by the cmf client; lets our tools find the batch and wait on its receipt.
      answer.put("journal", receipt);
      return HttpResponse.ok(answer);
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (KafkaUnavailable e) {
      return Problems.cmf(503, "unavailable", e.getMessage())
          .header("Retry-After", Long.toString(Math.max(1, publisherSettings.retryAfter().toSeconds())));
    }
  }

  /** The push body, checked the way the real server's pydantic model checks it. */
  record PushRequest(String pipelineName, String execUuid, JsonNode dump) {

    static PushRequest parse(final byte[] bytes) {
      final JsonNode root = Json.parse(bytes, 422, "the request body");
      if (!root.isObject()) {
        throw BadInput.unprocessable("invalid_request", "the request body must be a JSON object");
      }
      final JsonNode name = root.get("pipeline_name");
      if (name == null || name.isNull()) {
        throw BadInput.unprocessable("invalid_request", "pipeline_name is required");
      }
      if (!name.isTextual() || name.asText().isBlank()) {
        throw BadInput.unprocessable("invalid_request", "pipeline_name must be a non-blank string");
      }
      final JsonNode payload = root.get("json_payload");
      if (payload == null || payload.isNull()) {
        throw BadInput.unprocessable("invalid_request", "json_payload is required");
      }
      if (!payload.isTextual()) {
        throw BadInput.unprocessable("invalid_request", "json_payload must be a string holding the dump as JSON");
      }
      final JsonNode dump = Json.parse(payload.asText(), 422, "json_payload");
      if (!dump.isObject()) {
        throw BadInput.unprocessable("invalid_request", "json_payload must hold a JSON object");
      }
      // "id" is what cmflib 0.0.92 and older send instead of "exec_uuid".
      JsonNode exec = root.get("exec_uuid");
      if (exec == null || exec.isNull()) {
        exec = root.get("id");
      }
      if (exec != null && !exec.isNull() && !exec.isTextual()) {
        throw BadInput.unprocessable("invalid_request", "exec_uuid must be a string or null");
      }
      final String execUuid = exec == null || exec.isNull() || exec.asText().isBlank() ? null : exec.asText().trim();
      return new PushRequest(name.asText(), execUuid, dump);
    }
  }
}
