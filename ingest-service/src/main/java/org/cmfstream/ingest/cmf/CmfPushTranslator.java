// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
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
import java.util.function.Function;
import java.util.function.Supplier;
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
import org.cmfstream.journal.EntityKey;
import org.cmfstream.journal.JournalRecords;
import org.cmfstream.journal.StoredText;
import org.cmfstream.journal.hash.ContentHash;

/**
 * Translates one pipeline of a cmf {@code dumptojson} document into journal records
 * (cmf-protocol.md, sections 2 and 3): the pipeline, its stages, one execution per uuid of each
 * execution (a reused execution's comma-joined uuids each name one), each embedded artifact once,
 * one event per (execution, artifact, direction), and the values of {@code Metrics} artifacts as
 * metric points.
 *
 * <p>It reads the dump as a stream of tokens, holding one execution at a time (and of its events
 * only their artifacts' records, in a file if there are many: {@link ExecutionEvents}), so a dump
 * of any size, or an execution of any number of events, translates in bounded memory. The dump
 * writes a pipeline's {@code stages} (and a stage's {@code executions}) before its {@code name},
 * so records of a pipeline are rolled back from the sink when its name turns out not to be the
 * one pushed. A broken rule fails the whole
 * translation; the caller publishes only a translation that completed.
 */
public final class CmfPushTranslator {

  /** Properties holding ids of the client's own store; they mean nothing here. */
  private static final Set<String> SOURCE_STORE_IDS = Set.of("Context_ID", "Pipeline_id");

  private static final ObjectMapper TREES = new ObjectMapper();

  private CmfPushTranslator() {}

  /** The result of a push: its records, or the cmf status that says why there are none. */
  public record Translation(Optional<String> pipelineNotFound, List<JournalRecord> records, int executions) {}

  /** What a streamed translation found; its records went to the sink. */
  public record Outcome(boolean pipelineFound, int executions) {}

  /**
   * The fields of a dump's object that the translation reads, and the shapes of those of them
   * that hold objects (or lists of objects) it reads in part too.
   */
  private record Shape(Set<String> fields, Map<String, Shape> nested) {}

  /**
   * An execution of the dump: the fields read but its events; its events; what is wrong with
   * them, given its uuids (null if nothing); the first artifact whose record could not be made.
   */
  private record Execution(ObjectNode fields, ExecutionEvents events, Function<Set<String>, BadInput> eventsProblem, BadInput artifactProblem) {}

  /**
   * Translates a parsed dump into a list: for tests and small dumps.
   *
   * @see #translate(JsonParser, String, String, String, String, Instant, RecordSink, Path)
   */
  public static Translation translate(
      final JsonNode dump, final String pipelineName, final String execUuid, final String site, final String upload, final Instant received) {
    final List<JournalRecord> records = new ArrayList<>();
    final RecordSink sink =
        new RecordSink() {
          @Override
          public void accept(final JournalRecord record) {
            records.add(record);
          }

          @Override
          public long mark() {
            return records.size();
          }

          @Override
          public void rollback(final long mark) {
            records.subList((int) mark, records.size()).clear();
          }
        };
    try (JsonParser tokens = TREES.treeAsTokens(dump)) {
      final Outcome outcome = new Reader(tokens, pipelineName, execUuid, site, upload, received, sink, null).read();
      return new Translation(outcome.pipelineFound() ? Optional.empty() : Optional.of("pipeline_not_exist"), List.copyOf(records), outcome.executions());
    } catch (IOException e) {
      throw BadInput.unprocessable("malformed-json", "json_payload is not valid JSON: " + e.getMessage());
    }
  }

  /**
   * Translates the dump read from {@code dump} (positioned before its first token) into {@code
   * sink}.
   *
   * @param pipelineName the {@code pipeline_name} of the request
   * @param execUuid only executions whose uuids include this one, or null for all
   * @param site the site the records are published under
   * @param upload the upload's id
   * @param received when the push arrived: the event time of facts without their own
   * @param spillDir where the events of an execution of many wait while the rest of it is read
   * @throws BadInput with the cmf statuses: 400 for no {@code Pipeline}, 422 {@code version_update}
   *     for an execution without {@code Execution_uuid}, 422 for any other broken rule
   * @throws IOException if the dump is not valid JSON
   */
  public static Outcome translate(
      final JsonParser dump,
      final String pipelineName,
      final String execUuid,
      final String site,
      final String upload,
      final Instant received,
      final RecordSink sink,
      final Path spillDir)
      throws IOException {
    return new Reader(dump, pipelineName, execUuid, site, upload, received, sink, new ExecutionEvents.Spill(spillDir)).read();
  }

  /** The site under which a pipeline's pushes are journaled: stable, and a legal site name. */
  public static String siteOf(final String pipelineName) {
    return "cmf." + ContentHash.of(pipelineName).hex().substring(0, 16);
  }

  private static final class Reader {
    /** What the translation reads of an event of an execution, and of the event's artifact. */
    private static final Shape ARTIFACT = new Shape(Set.of("uri", "type", "name", "properties", "custom_properties", "create_time_since_epoch"), Map.of());
    private static final Shape EVENT = new Shape(Set.of("type", "artifact"), Map.of("artifact", ARTIFACT));
    /** What the translation reads of an execution besides its events, which are read one by one. */
    private static final Set<String> EXECUTION = Set.of("name", "type", "properties", "custom_properties", "create_time_since_epoch");

    private final JsonParser p;
    private final String pipelineName;
    private final String execUuid;
    private final String site;
    private final String upload;
    private final Instant received;
    private final RecordSink sink;
    /** Where the events of executions of many go; null to hold them in memory. */
    private final ExecutionEvents.Spill spill;
    /** Artifacts already emitted in this push, by content hash: a shared artifact comes once. */
    private final ContentHashSet artifacts = new ContentHashSet();
    private int executions;
    private boolean found;
    private int pipelines;
    /** The first broken rule of the current pipeline; it counts only if the pipeline is the one pushed. */
    private BadInput deferred;

    Reader(
        final JsonParser p,
        final String pipelineName,
        final String execUuid,
        final String site,
        final String upload,
        final Instant received,
        final RecordSink sink,
        final ExecutionEvents.Spill spill) {
      this.p = p;
      this.pipelineName = pipelineName;
      this.execUuid = execUuid;
      this.site = site;
      this.upload = upload;
      this.received = received;
      this.sink = sink;
      this.spill = spill;
    }

    Outcome read() throws IOException {
      try (ExecutionEvents.Spill closed = spill) {
        return readDump();
      }
    }

    private Outcome readDump() throws IOException {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw BadInput.unprocessable("invalid_request", "json_payload must hold a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        final String field = p.currentName();
        p.nextToken();
        if (field.equals("Pipeline") && p.currentToken() == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            pipeline();
          }
        } else {
          p.skipChildren();
        }
      }
      if (pipelines == 0) {
        throw new BadInput(400, "invalid_json_payload", "Invalid JSON payload. The pipeline name is missing.");
      }
      return new Outcome(found, found ? executions : 0);
    }

    private void pipeline() throws IOException {
      pipelines++;
      final long mark = sink.mark();
      final int executionsBefore = executions;
      deferred = null;
      final Own own = new Own();
      boolean hasStages = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        final String field = p.currentName();
        p.nextToken();
        if (field.equals("stages")) {
          if (p.currentToken() != JsonToken.START_ARRAY) {
            throw BadInput.unprocessable("invalid_dump", "a pipeline's 'stages' must be a list");
          }
          hasStages = true;
          while (p.nextToken() == JsonToken.START_OBJECT) {
            stage();
          }
        } else if (!own.read(field)) {
          p.skipChildren();
        }
      }
      if (!pipelineName.equals(own.name) || found) {
        // Not the pipeline pushed (or a second one of the same name, which the real server ignores).
        sink.rollback(mark);
        if (!found) {
          // Nothing is left in the sink, so no artifact is emitted yet: the pipeline pushed may share some with this one.
          artifacts.clear();
        }
        executions = executionsBefore;
        return;
      }
      if (!hasStages) {
        throw BadInput.unprocessable("invalid_dump", "pipeline '" + pipelineName + "' has no 'stages' list");
      }
      if (deferred != null) {
        throw deferred;
      }
      emit(PipelineFact.newBuilder().setName(pipelineName).setCustomProperties(values(own.custom, () -> "Pipeline.custom_properties")).build(), time(own.created));
      if (deferred != null) {
        throw deferred;
      }
      found = true;
    }

    /** A pipeline's or a stage's own fields, which a dump writes after its list of stages or executions. */
    private final class Own {
      private String name;
      private JsonNode custom;
      private Long created;

      /** Reads the current value if {@code field} is one of them; false if it is another, left unread. */
      boolean read(final String field) throws IOException {
        switch (field) {
          case "name" -> name = textOrSkip();
          case "custom_properties" -> custom = TREES.readTree(p);
          case "create_time_since_epoch" -> created = longOrSkip();
          default -> {
            return false;
          }
        }
        return true;
      }
    }

    /**
     * The object starting at the current token, with only the fields {@code shape} names: any
     * other field is skipped unread, however large, so an event costs memory for what it says,
     * not for what it carries besides.
     */
    private ObjectNode readObject(final Shape shape) throws IOException {
      final ObjectNode node = TREES.createObjectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        final String field = p.currentName();
        p.nextToken();
        if (shape.fields().contains(field)) {
          node.set(field, readValue(shape.nested().get(field)));
        } else {
          p.skipChildren();
        }
      }
      return node;
    }

    /** The value at the current token: an object, or a list's objects, read to {@code shape} if it has one; anything else whole. */
    private JsonNode readValue(final Shape shape) throws IOException {
      if (shape != null && p.currentToken() == JsonToken.START_OBJECT) {
        return readObject(shape);
      }
      if (shape != null && p.currentToken() == JsonToken.START_ARRAY) {
        final ArrayNode list = TREES.createArrayNode();
        JsonToken element;
        while ((element = p.nextToken()) != null && element != JsonToken.END_ARRAY) {
          list.add(readValue(shape));
        }
        return list;
      }
      return TREES.readTree(p);
    }

    /** The current value if it is a string; else null, past the whole value (an object or a list included). */
    private String textOrSkip() throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      p.skipChildren();
      return null;
    }

    /** The current value if it is an integer; else null, past the whole value. */
    private Long longOrSkip() throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return p.getLongValue();
      }
      p.skipChildren();
      return null;
    }

    private void stage() throws IOException {
      final Own own = new Own();
      int selected = 0;
      boolean hasExecutions = false;
      final List<Execution> pending = new ArrayList<>(0);
      try {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          final String field = p.currentName();
          p.nextToken();
          if (field.equals("executions")) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
              throw BadInput.unprocessable("invalid_dump", "a stage's 'executions' must be a list");
            }
            hasExecutions = true;
            selected += executions(own, pending);
          } else if (!own.read(field)) {
            p.skipChildren();
          }
        }
        if (own.name == null || own.name.isBlank()) {
          throw BadInput.unprocessable("invalid_dump", "a stage has no 'name' string");
        }
        if (!hasExecutions) {
          throw BadInput.unprocessable("invalid_dump", "stage '" + own.name + "' has no 'executions' list");
        }
        for (final Execution execution : pending) {
          execution(own.name, execution);
        }
      } finally {
        // Last read, first released: each gives its part of the spill back.
        for (int i = pending.size() - 1; i >= 0; i--) {
          pending.get(i).events().release();
        }
      }
      if (execUuid != null && selected == 0) {
        return;
      }
      emit(
          StageFact.newBuilder()
              .setPipeline(pipelineName)
              .setName(own.name)
              .setCustomProperties(values(own.custom, () -> "stage " + own.name + " custom_properties"))
              .setCreateTime(own.created)
              .build(),
          time(own.created));
    }

    /**
     * Reads a stage's list of executions, translating each the filter selects, or holding it in
     * {@code pending} until the stage's name comes.
     *
     * @return how many the filter selected
     */
    private int executions(final Own stage, final List<Execution> pending) throws IOException {
      int selected = 0;
      while (p.nextToken() == JsonToken.START_OBJECT) {
        if (deferred != null) {
          p.skipChildren();
          continue;
        }
        final Execution execution = readExecution();
        if (!selects(execution)) {
          execution.events().release();
          continue;
        }
        selected++;
        if (stage.name == null && !execution.fields().path("properties").hasNonNull("Context_Type")) {
          // The stage's own name comes after its executions; an execution carries it as
          // Context_Type, and only one without it (never seen from a real client) waits, its
          // events in the spill.
          execution.events().spill();
          pending.add(execution);
          continue;
        }
        try {
          execution(stage.name, execution);
        } finally {
          execution.events().release();
        }
      }
      return selected;
    }

    /**
     * An execution, read to {@link #EXECUTION} but its events, which are read one at a time: each
     * is checked and its artifact's record made, and only that record is held ({@link
     * ExecutionEvents}). What is wrong with the events waits for the execution's uuids, which
     * come after them.
     */
    private Execution readExecution() throws IOException {
      final ObjectNode fields = TREES.createObjectNode();
      final ExecutionEvents events = new ExecutionEvents(spill, ExecutionEvents.IN_MEMORY);
      Function<Set<String>, BadInput> eventsProblem = null;
      BadInput artifactProblem = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        final String field = p.currentName();
        p.nextToken();
        if (field.equals("events")) {
          // Named twice, the last one counts, as in a tree.
          events.clear();
          eventsProblem = null;
          artifactProblem = null;
          if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            eventsProblem = uuids -> BadInput.unprocessable("invalid_dump", "execution " + uuids + ": 'events' is not a list");
            continue;
          }
          JsonToken element;
          while ((element = p.nextToken()) != null && element != JsonToken.END_ARRAY) {
            final long from = offset(p.currentTokenLocation());
            final JsonNode event = readValue(EVENT);
            final long chars = Math.max(0, offset(p.currentLocation()) - from);
            if (eventsProblem == null) {
              eventsProblem = problem(event);
            }
            if (eventsProblem == null && artifactProblem == null) {
              try {
                events.add(event(event), chars);
              } catch (BadInput bad) {
                // Counts only if the execution is translated, as its own properties are read first.
                artifactProblem = bad;
              }
            }
          }
        } else if (EXECUTION.contains(field)) {
          fields.set(field, readValue(null));
        } else {
          p.skipChildren();
        }
      }
      return new Execution(fields, events, eventsProblem, artifactProblem);
    }

    /** Where the parser is in the dump: characters of a text source, bytes of a byte source, 0 in a tree. */
    private static long offset(final JsonLocation location) {
      return location.getCharOffset() >= 0 ? location.getCharOffset() : Math.max(0, location.getByteOffset());
    }

    /** What is wrong with an event, given its execution's uuids; null if nothing is. */
    private static Function<Set<String>, BadInput> problem(final JsonNode event) {
      try {
        direction(event.path("type"));
        final JsonNode artifact = event.path("artifact");
        if (!artifact.isObject()) {
          return uuids -> BadInput.unprocessable("invalid_dump", "an event of execution " + uuids + " has no artifact");
        }
        text(artifact, "uri", "artifact");
        text(artifact, "type", "artifact " + artifact.path("uri").asText());
        optionalText(artifact, "name", "artifact " + artifact.path("uri").asText());
        return null;
      } catch (BadInput bad) {
        return uuids -> bad;
      }
    }

    /** A checked event: its artifact's record, made once for all of the execution's uuids. */
    private ExecutionEvents.Event event(final JsonNode event) {
      final JsonNode a = event.path("artifact");
      final String uri = a.get("uri").asText();
      // Custom properties first: of two broken maps, theirs is the one named.
      final Map<String, Object> custom = values(a.path("custom_properties"), () -> "artifact " + uri + " custom_properties");
      final ArtifactFact artifact =
          ArtifactFact.newBuilder()
              .setUri(uri)
              .setType(a.get("type").asText())
              .setName(a.path("name").asText(uri))
              .setProperties(values(a.path("properties"), () -> "artifact " + uri + " properties"))
              .setCustomProperties(custom)
              .setCreateTime(longOrNull(a.path("create_time_since_epoch")))
              .build();
      final JournalRecord record = JournalRecords.of(site, null, time(longOrNull(a.path("create_time_since_epoch"))), upload, artifact);
      return ExecutionEvents.Event.of(direction(event.path("type")), record);
    }

    /**
     * Whether an execution is to be translated: it keeps the rules, and the {@code exec_uuid}
     * filter, if any, names it. The first broken rule is deferred: the real server checks only the
     * pipeline pushed, and whether this is it, its name (which comes last) will tell.
     */
    private boolean selects(final Execution execution) {
      try {
        validate(execution);
      } catch (BadInput bad) {
        deferred = bad;
        return false;
      }
      return execUuid == null || uuids(execution.fields()).contains(execUuid);
    }

    /** The rules of one execution, checked before any of its records is made. */
    private void validate(final Execution read) {
      final JsonNode execution = read.fields();
      final String name = execution.path("name").asText("");
      if (name.isEmpty() && !execution.path("properties").hasNonNull("Execution_uuid")) {
        // cmf-protocol.md 3.1 step 4: the client is too old; it must update.
        throw new BadInput(422, "version_update", "version_update");
      }
      if (uuids(execution).isEmpty()) {
        throw BadInput.unprocessable("invalid_dump", "an execution has an empty Execution_uuid");
      }
      if (read.eventsProblem() != null) {
        throw read.eventsProblem().apply(uuids(execution));
      }
      optionalText(execution, "name", "execution " + uuids(execution));
      optionalText(execution, "type", "execution " + uuids(execution));
    }

    private void execution(final String stageName, final Execution read) {
      final JsonNode execution = read.fields();
      final JsonNode props = execution.path("properties");
      final Map<String, Object> properties = values(props, () -> "execution properties");
      SOURCE_STORE_IDS.forEach(properties::remove);
      final Map<String, Object> custom = values(execution.path("custom_properties"), () -> "execution custom_properties");
      final String stage = props.hasNonNull("Context_Type") ? props.get("Context_Type").asText() : stageName;
      final Instant time = time(longOrNull(execution.path("create_time_since_epoch")));
      if (read.artifactProblem() != null) {
        throw read.artifactProblem();
      }
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
        for (final ExecutionEvents.Event event : read.events()) {
          if (artifacts.add(event.artifact().getContentHash())) {
            accept(event.artifact());
          }
          emit(EventFact.newBuilder().setExecutionUuid(uuid).setArtifactUri(event.uri()).setDirection(event.direction()).build(), time);
          event.metrics().forEach((metric, value) -> emit(MetricPoint.newBuilder().setExecutionUuid(uuid).setName(metric).setStep(0).setValue(value).build(), time));
        }
      }
    }

    private void emit(final IndexedRecord body, final Instant eventTime) {
      accept(JournalRecords.of(site, null, eventTime, upload, body));
    }

    /**
     * Spools {@code record} if both stores can hold its text ({@link StoredText}). If not, the
     * first such record is deferred like a broken rule: it refuses the push only if its pipeline is
     * the one pushed, and then before anything is published; published, it would have gone to the
     * replay's dead letters while the rest of the push was applied.
     */
    private void accept(final JournalRecord record) {
      final String problem = StoredText.problem(record);
      if (problem == null) {
        sink.accept(record);
      } else if (deferred == null) {
        final String kind = EntityKey.of(record).map(EntityKey::kind).orElse("barrier");
        deferred = BadInput.unprocessable("unstorable-text", "the push's " + kind + " cannot be stored: " + problem);
      }
    }

    private Instant time(final Long created) {
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

  /**
   * A field that may be absent or null, but is a string when present: a name that is a list or
   * an object would otherwise be stored as "" (asText of a container), silently.
   */
  private static void optionalText(final JsonNode node, final String field, final String what) {
    final JsonNode value = node.get(field);
    if (value != null && !value.isNull() && !value.isTextual()) {
      throw BadInput.unprocessable("invalid_dump", what + ": '" + field + "' must be a string, not " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static Long longOrNull(final JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
  }

  /**
   * MLMD values: strings, integers, doubles (NaN included), booleans; never objects or lists.
   *
   * @param what names the map in an error; built only for one, since it may hold a long name and
   *     the map many entries
   */
  static Map<String, Object> values(final JsonNode node, final Supplier<String> what) {
    final Map<String, Object> values = new HashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return values;
    }
    if (!node.isObject()) {
      throw BadInput.unprocessable("invalid_dump", what.get() + " must be an object");
    }
    final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      final Map.Entry<String, JsonNode> f = fields.next();
      values.put(f.getKey(), scalar(f.getValue(), () -> what.get() + "." + f.getKey()));
    }
    return values;
  }

  static Object scalar(final JsonNode v, final Supplier<String> where) {
    if (v.isNull()) {
      return null;
    } else if (v.isTextual()) {
      return v.asText();
    } else if (v.isBoolean()) {
      return v.asBoolean();
    } else if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw BadInput.unprocessable("invalid_dump", where.get() + " is an integer beyond 64 bits: " + v.asText());
      }
      return v.asLong();
    } else if (v.isNumber()) {
      return v.asDouble();
    }
    throw BadInput.unprocessable("invalid_dump", where.get() + " must be a string, number or boolean, not " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }
}
