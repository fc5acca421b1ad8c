// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Json;

/**
 * A cmf push read in bounded memory, however large: the body is spooled to a file, then read
 * twice as a stream. The first pass takes {@code pipeline_name} and {@code exec_uuid} (the real
 * client sends them <em>after</em> {@code json_payload}) and notes where the payload string starts,
 * skipping it without holding it; the second pass decodes the payload string as it goes and
 * translates the dump one execution at a time into a {@link SpoolSink} (the events of an execution
 * of many wait in a file too, {@link ExecutionEvents}).
 */
final class SpooledPush implements AutoCloseable {

  /** Bytes of spooled records allowed per byte of the body limit. */
  static final int SPOOL_PER_BODY_BYTE = 4;

  private final Path body;
  private final SpoolSink records;
  /** Where the spool files go: the events of an execution of many wait there too. */
  private final Path dir;
  private String pipelineName;
  private String execUuid;
  private long payloadOffset = -1;

  private SpooledPush(final Path body, final SpoolSink records, final Path dir) {
    this.body = body;
    this.records = records;
    this.dir = dir;
  }

  /**
   * Spools {@code in} (at most {@code limit} bytes; 413 beyond) and reads its fields.
   *
   * @param maxRecords the most records the push may translate into (413 beyond); their bytes
   *     may take up to {@link #SPOOL_PER_BODY_BYTE} times {@code limit}, 413 beyond (a real dump's
   *     records take about as many bytes as the dump)
   * @param dir where the spool files go
   */
  static SpooledPush spool(final InputStream in, final long limit, final int maxRecords, final Path dir) throws IOException {
    Files.createDirectories(dir);
    final Path body = Files.createTempFile(dir, "push-", ".json");
    final SpooledPush push = new SpooledPush(body, new SpoolSink(Files.createTempFile(dir, "push-", ".records"), maxRecords, SPOOL_PER_BODY_BYTE * limit), dir);
    try {
      push.copy(in, limit);
      push.readFields();
      return push;
    } catch (IOException | RuntimeException e) {
      push.close();
      throw e;
    }
  }

  private void copy(final InputStream in, final long limit) throws IOException {
    final byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(body)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
        if (total > limit) {
          throw new BadInput(413, "body-too-large", "the push exceeds the limit of " + limit + " bytes");
        }
        out.write(buffer, 0, n);
      }
    }
    if (total == 0) {
      throw BadInput.unprocessable("malformed-json", "the request body is empty");
    }
  }

  /** Pass one: the request's own fields, checked the way the real server's model checks them. */
  private void readFields() throws IOException {
    checkUtf8Start();
    try (JsonParser p = Json.factory().createParser(body.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw BadInput.unprocessable("invalid_request", "the request body must be a JSON object");
      }
      String execAlias = null;
      boolean payloadSeen = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        final String field = p.currentName();
        final JsonToken value = p.nextToken();
        switch (field) {
          case "pipeline_name" -> pipelineName = value == JsonToken.VALUE_STRING ? p.getText() : checkNull(value, "pipeline_name must be a non-blank string");
          case "exec_uuid" -> execUuid = value == JsonToken.VALUE_STRING ? p.getText() : checkNull(value, "exec_uuid must be a string or null");
          // What cmflib 0.0.92 and older send instead of "exec_uuid".
          case "id" -> execAlias = value == JsonToken.VALUE_STRING ? p.getText() : checkNull(value, "id must be a string or null");
          case "json_payload" -> {
            if (value != JsonToken.VALUE_STRING) {
              throw BadInput.unprocessable(
                  "invalid_request", value == JsonToken.VALUE_NULL ? "json_payload is required" : "json_payload must be a string holding the dump as JSON");
            }
            payloadSeen = true;
            // The opening quote; moving on skips the string without reading it into memory.
            payloadOffset = p.currentTokenLocation().getByteOffset();
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw BadInput.unprocessable("malformed-json", "the request body has content after its JSON object");
      }
      if (pipelineName == null) {
        throw BadInput.unprocessable("invalid_request", "pipeline_name is required");
      }
      if (pipelineName.isBlank()) {
        throw BadInput.unprocessable("invalid_request", "pipeline_name must be a non-blank string");
      }
      if (!payloadSeen) {
        throw BadInput.unprocessable("invalid_request", "json_payload is required");
      }
      if (execUuid == null || execUuid.isBlank()) {
        execUuid = execAlias;
      }
      execUuid = execUuid == null || execUuid.isBlank() ? null : execUuid.trim();
    } catch (JsonProcessingException e) {
      // Parse errors and the reader's limits (nesting deeper than 200 levels) alike: the client's mistake.
      throw BadInput.unprocessable("malformed-json", "the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * JSON between systems is UTF-8 (RFC 8259, 8.1), and pass two finds {@code json_payload} by its
   * byte offset in UTF-8. Jackson would take a body whose first bytes say UTF-16 or UTF-32 (a NUL,
   * or a byte order mark of FE and FF, bytes UTF-8 never has) and read it as such, so such a body
   * is refused here. A UTF-8 byte order mark is skipped by the parser and kept in the offsets.
   */
  private void checkUtf8Start() throws IOException {
    final byte[] head;
    try (InputStream in = Files.newInputStream(body)) {
      head = in.readNBytes(4);
    }
    for (final byte b : head) {
      if (b == 0 || b == (byte) 0xFE || b == (byte) 0xFF) {
        throw BadInput.unprocessable("malformed-json", "the request body is not UTF-8: send the push as JSON in UTF-8");
      }
    }
  }

  private static String checkNull(final JsonToken value, final String message) {
    if (value != JsonToken.VALUE_NULL) {
      throw BadInput.unprocessable("invalid_request", message);
    }
    return null;
  }

  String pipelineName() {
    return pipelineName;
  }

  /** Pass two: translates the payload into the records spool. */
  CmfPushTranslator.Outcome translate(final String site, final String upload, final Instant received) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(body), 64 * 1024)) {
      in.skipNBytes(payloadOffset);
      if (in.read() != '"') {
        throw new IllegalStateException("json_payload does not start where the first pass found it");
      }
      // Strict: a lenient reader would turn bytes that are not UTF-8 into U+FFFD and store them so.
      final InputStreamReader utf8 =
          new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
      try (JsonParser dump = Json.textFactory().createParser(new JsonStringReader(utf8))) {
        final CmfPushTranslator.Outcome outcome = CmfPushTranslator.translate(dump, pipelineName, execUuid, site, upload, received, records, dir);
        if (dump.nextToken() != null) {
          throw BadInput.unprocessable("malformed-json", "json_payload has content after its JSON object");
        }
        return outcome;
      } catch (JsonProcessingException e) {
        throw BadInput.unprocessable("malformed-json", "json_payload is not valid JSON: " + e.getOriginalMessage());
      } catch (CharacterCodingException e) {
        throw BadInput.unprocessable("malformed-json", "json_payload holds bytes that are not UTF-8");
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("json_payload")) {
          throw BadInput.unprocessable("malformed-json", e.getMessage());
        }
        throw e;
      }
    }
  }

  /** The translated records, encoded; valid after {@link #translate}. */
  SpoolSink records() {
    return records;
  }

  @Override
  public void close() {
    try {
      records.close();
      Files.deleteIfExists(body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the spool files of a push", e);
    }
  }
}
