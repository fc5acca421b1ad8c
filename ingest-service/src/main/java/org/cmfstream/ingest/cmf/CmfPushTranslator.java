// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.IndexedRecord;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.EventFact;
import org.cmfstream.avro.ExecutionFact;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.avro.MetricPoint;
import org.cmfstream.avro.PipelineFact;
import org.cmfstream.avro.StageFact;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.hash.ContentHash;

/**
 * Translates one pipeline of a cmf {@code dumptojson} document into journal records
 * (cmf-protocol.md, sections 2 and 3): the pipeline, its stages, one execution per uuid of each
 * execution (a reused execution's comma-joined uuids each name one), each embedded artifact once,
 * one event per (execution, artifact, direction), and the values of {@code Metrics} artifacts as
 * metric points.
 *
 * <p>Validation comes first and is complete: a dump that breaks a rule is rejected before any
 * record exists, so nothing of it is ever published.
 */
public final class CmfPushTranslator {

  /** Properties holding ids of the client's own store; they mean nothing here. */
  private static final Set<String> SOURCE_STORE_IDS = Set.of("Context_ID", "Pipeline_id");

  private CmfPushTranslator() {}

  /** The result of a push: its records, or the cmf status that says why there are none. */
  public record Translation(Optional<String> pipelineNotFound, List<JournalRecord> records, int executions) {}

  /**
   * @param dump the parsed {@code json_payload}
   * @param pipelineName the {@code pipeline_name} of the request
   * @param execUuid only executions whose uuids include this one, or null for all
   * @param site the site the records are published under
   * @param upload the upload's id
   * @param received when the push arrived: the event time of facts without their own
   * @throws BadInput with the cmf statuses: 400 for no {@code Pipeline}, 422 {@code version_update}
   *     for an execution without {@code Execution_uuid}, 422 for any other broken rule
   */
  public static Translation translate(
      final JsonNode dump, final String pipelineName, final String execUuid, final String site, final String upload, final Instant received) {
    final JsonNode pipelines = dump.path("Pipeline");
    if (!pipelines.isArray() || pipelines.isEmpty()) {
      throw new BadInput(400, "invalid_json_payload", "Invalid JSON payload. The pipeline name is missing.");
    }
    JsonNode pipeline = null;
    for (final JsonNode candidate : pipelines) {
      if (pipelineName.equals(candidate.path("name").asText(null))) {
        pipeline = candidate;
        break;
      }
    }
    if (pipeline == null) {
      return new Translation(Optional.of("pipeline_not_exist"), List.of(), 0);
    }
    return new Builder(pipelineName, execUuid, site, upload, received).translate(pipeline);
  }

  /** The site under which a pipeline's pushes are journaled: stable, and a legal site name. */
  public static String siteOf(final String pipelineName) {
    return "cmf." + ContentHash.of(pipelineName).hex().substring(0, 16);
  }

  private static final class Builder {
    private final String pipelineName;
    private final String execUuid;
    private final String site;
    private final String upload;
    private final Instant received;
    private final List<JournalRecord> records = new ArrayList<>();
    /** Facts already emitted in this push, by content hash: a shared artifact comes once. */
    private final Set<String> emitted = new java.util.HashSet<>();
    private int executions;

    Builder(final String pipelineName, final String execUuid, final String site, final String upload, final Instant received) {
      this.pipelineName = pipelineName;
      this.execUuid = execUuid;
      this.site = site;
      this.upload = upload;
      this.received = received;
    }

    Translation translate(final JsonNode pipeline) {
      validate(pipeline);
      emit(PipelineFact.newBuilder().setName(pipelineName).setCustomProperties(values(pipeline.path("custom_properties"), "Pipeline.custom_properties")).build(), time(pipeline));
      for (final JsonNode stage : pipeline.path("stages")) {
        final String stageName = text(stage, "name", "stage");
        final List<JsonNode> selected = new ArrayList<>();
        for (final JsonNode execution : stage.path("executions")) {
          if (execUuid == null || uuids(execution).contains(execUuid)) {
            selected.add(execution);
          }
        }
        if (execUuid != null && selected.isEmpty()) {
          continue;
        }
        emit(
            StageFact.newBuilder()
                .setPipeline(pipelineName)
                .setName(stageName)
                .setCustomProperties(values(stage.path("custom_properties"), "stage " + stageName + " custom_properties"))
                .setCreateTime(longOrNull(stage.path("create_time_since_epoch")))
                .build(),
            time(stage));
        for (final JsonNode execution : selected) {
          translateExecution(stageName, execution);
        }
      }
      return new Translation(Optional.empty(), List.copyOf(records), executions);
    }

    /** Every rule checked before the first record is built, so a bad dump yields no record. */
    private void validate(final JsonNode pipeline) {
      final JsonNode stages = pipeline.path("stages");
      if (!stages.isArray()) {
        throw BadInput.unprocessable("invalid_dump", "pipeline '" + pipelineName + "' has no 'stages' list");
      }
      for (final JsonNode stage : stages) {
        final String stageName = text(stage, "name", "stage");
        if (!stage.path("executions").isArray()) {
          throw BadInput.unprocessable("invalid_dump", "stage '" + stageName + "' has no 'executions' list");
        }
        for (final JsonNode execution : stage.path("executions")) {
          final String name = execution.path("name").asText("");
          if (name.isEmpty() && !execution.path("properties").hasNonNull("Execution_uuid")) {
            // cmf-protocol.md 3.1 step 4: the client is too old; it must update.
            throw new BadInput(422, "version_update", "version_update");
          }
          if (uuids(execution).isEmpty()) {
            throw BadInput.unprocessable("invalid_dump", "an execution of stage '" + stageName + "' has an empty Execution_uuid");
          }
          if (!execution.path("events").isMissingNode() && !execution.path("events").isArray()) {
            throw BadInput.unprocessable("invalid_dump", "execution " + uuids(execution) + ": 'events' is not a list");
          }
          for (final JsonNode event : execution.path("events")) {
            direction(event.path("type"));
            final JsonNode artifact = event.path("artifact");
            if (!artifact.isObject()) {
              throw BadInput.unprocessable("invalid_dump", "an event of execution " + uuids(execution) + " has no artifact");
            }
            text(artifact, "uri", "artifact");
            text(artifact, "type", "artifact " + artifact.path("uri").asText());
          }
        }
      }
    }

    private void translateExecution(final String stageName, final JsonNode execution) {
      final JsonNode props = execution.path("properties");
      final Map<String, Object> properties = values(props, "execution properties");
      SOURCE_STORE_IDS.forEach(properties::remove);
      final Map<String, Object> custom = values(execution.path("custom_properties"), "execution custom_properties");
      final String stage = props.hasNonNull("Context_Type") ? props.get("Context_Type").asText() : stageName;
      final Instant time = time(execution);
      for (final String uuid : uuids(execution)) {
        executions++;
        emit(
            ExecutionFact.newBuilder()
                .setUuid(uuid)
                .setPipeline(pipelineName)
                .setStage(stage)
                .setType(execution.path("type").asText(stage))
                .setName(execution.path("name").asText(""))
                .setProperties(properties)
                .setCustomProperties(custom)
                .setCreateTime(longOrNull(execution.path("create_time_since_epoch")))
                .build(),
            time);
        for (final JsonNode event : execution.path("events")) {
          final JsonNode a = event.path("artifact");
          final String uri = a.get("uri").asText();
          final String type = a.get("type").asText();
          final Map<String, Object> artifactCustom = values(a.path("custom_properties"), "artifact " + uri + " custom_properties");
          emit(
              ArtifactFact.newBuilder()
                  .setUri(uri)
                  .setType(type)
                  .setName(a.path("name").asText(uri))
                  .setProperties(values(a.path("properties"), "artifact " + uri + " properties"))
                  .setCustomProperties(artifactCustom)
                  .setCreateTime(longOrNull(a.path("create_time_since_epoch")))
                  .build(),
              time(a));
          emit(EventFact.newBuilder().setExecutionUuid(uuid).setArtifactUri(uri).setDirection(direction(event.path("type"))).build(), time);
          if ("Metrics".equals(type)) {
            for (final Map.Entry<String, Object> metric : artifactCustom.entrySet()) {
              if (metric.getValue() instanceof Number n) {
                emit(MetricPoint.newBuilder().setExecutionUuid(uuid).setName(metric.getKey()).setStep(0).setValue(n.doubleValue()).build(), time);
              }
            }
          }
        }
      }
    }

    private void emit(final IndexedRecord body, final Instant eventTime) {
      final JournalRecord record = JournalRecords.of(site, null, eventTime, upload, body);
      if (emitted.add(record.getContentHash())) {
        records.add(record);
      }
    }

    private Instant time(final JsonNode node) {
      final Long created = longOrNull(node.path("create_time_since_epoch"));
      return created == null ? received : Instant.ofEpochMilli(created);
    }
  }

  /** The uuids of an execution: its comma-joined {@code Execution_uuid}, each trimmed, in order. */
  static Set<String> uuids(final JsonNode execution) {
    final String joined = execution.path("properties").path("Execution_uuid").asText("");
    final Set<String> uuids = new LinkedHashSet<>();
    Arrays.stream(joined.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(uuids::add);
    return uuids;
  }

  /** MLMD's event types: 3 INPUT, 4 OUTPUT, 6 INTERNAL_OUTPUT; the declared forms map alike. */
  private static Direction direction(final JsonNode type) {
    if (!type.canConvertToInt() || !type.isIntegralNumber()) {
      throw BadInput.unprocessable("invalid_dump", "event type must be an MLMD event type number, got " + type);
    }
    return switch (type.asInt()) {
      case 2, 3, 5 -> Direction.INPUT;
      case 1, 4, 7 -> Direction.OUTPUT;
      case 6 -> Direction.INTERNAL_OUTPUT;
      default -> throw BadInput.unprocessable("invalid_dump", "unknown MLMD event type " + type.asInt());
    };
  }

  private static String text(final JsonNode node, final String field, final String what) {
    final JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw BadInput.unprocessable("invalid_dump", what + " has no '" + field + "' string");
    }
    return value.asText();
  }

  private static Long longOrNull(final JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
  }

  /** MLMD values: strings, integers, doubles (NaN included), booleans; never objects or lists. */
  static Map<String, Object> values(final JsonNode node, final String what) {
    final Map<String, Object> values = new HashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return values;
    }
    if (!node.isObject()) {
      throw BadInput.unprocessable("invalid_dump", what + " must be an object");
    }
    final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      final Map.Entry<String, JsonNode> f = fields.next();
      values.put(f.getKey(), scalar(f.getValue(), what + "." + f.getKey()));
    }
    return values;
  }

  static Object scalar(final JsonNode v, final String where) {
    if (v.isNull()) {
      return null;
    } else if (v.isTextual()) {
      return v.asText();
    } else if (v.isBoolean()) {
      return v.asBoolean();
    } else if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw BadInput.unprocessable("invalid_dump", where + " is an integer beyond 64 bits: " + new String(v.asText().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
      }
      return v.asLong();
    } else if (v.isNumber()) {
      return v.asDouble();
    }
    throw BadInput.unprocessable("invalid_dump", where + " must be a string, number or boolean, not " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }
}
