// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Head;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cmfstream.ingest.storage.ObjectStore;
import org.cmfstream.ingest.storage.ObjectStoreSettings;
import org.cmfstream.ingest.storage.StorageUnavailable;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Bodies;
import org.cmfstream.ingest.web.FileNames;
import org.cmfstream.ingest.web.MultipartFile;
import org.cmfstream.ingest.web.Problems;

/**
 * Artifact bytes by pipeline and artifact name, under the routes the cmf-server documentation
 * lists (with and without {@code /api}):
 *
 * <ul>
 *   <li>{@code POST /artifact_push?pipeline_name=&artifact_name=}: the bytes as the body, or as
 *       the multipart part {@code file} like the cmf side-file routes. The artifact's hash comes
 *       from the central metadata, and the bytes must have it. Answers {@code 200 {"message",
 *       "md5", "size", "created"}}.
 *   <li>{@code GET /artifact_pull?pipeline_name=&artifact_name=}: the bytes, as an attachment
 *       named after the artifact's file; a {@code Range} is honoured.
 * </ul>
 *
 * <p>{@code artifact_name} is the cmf name ({@code <path>:<hash>}) or just its path; a path that
 * several versions share means the newest. An unknown pipeline or artifact is a 404 in the cmf
 * shape ({@code {"detail": ...}}), as {@code mlmd_pull} answers an unknown pipeline; a missing
 * parameter or part is FastAPI's 422.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(beans = ObjectStore.class)
final class CmfArtifactController {

  private final Artifacts artifacts;
  private final Optional<ArtifactNames> names;
  private final ObjectStoreSettings settings;

  CmfArtifactController(final Artifacts artifacts, final Optional<ArtifactNames> names, final ObjectStoreSettings settings) {
    this.artifacts = artifacts;
    this.names = names;
    this.settings = settings;
  }

  @Post(uris = {"/artifact_push", "/api/artifact_push"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  HttpResponse<?> pushForm(
      final HttpRequest<?> request,
      @Nullable @QueryValue("pipeline_name") final String pipeline,
      @Nullable @QueryValue("artifact_name") final String name,
      @Nullable @Body final InputStream body) {
    // Read here, not by the framework's multipart decoder, which completes a file whose body is
    // cut before its closing boundary: this stream fails there instead, and nothing is stored.
    try (InputStream in = body != null ? body : InputStream.nullInputStream()) {
      Bodies.checkEncoding(request);
      final Optional<MultipartFile> file = MultipartFile.find(request.getHeaders().get(HttpHeaders.CONTENT_TYPE, String.class).orElse(""), in, "file");
      if (file.isEmpty()) {
        return Problems.cmfMissing("body", "file");
      }
      return push(pipeline, name, file.get().content(), -1);
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (IOException e) {
      throw new UncheckedIOException("the artifact's body could not be read", e);
    }
  }

  @Post(uris = {"/artifact_push", "/api/artifact_push"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.ALL)
  HttpResponse<?> pushBody(
      final HttpRequest<?> request,
      @Nullable @QueryValue("pipeline_name") final String pipeline,
      @Nullable @QueryValue("artifact_name") final String name,
      @Nullable @Body final InputStream body) {
    // Closed on every path: a body left unread is then discarded, not left stalling the client.
    try (InputStream in = body != null ? body : InputStream.nullInputStream()) {
      Bodies.checkEncoding(request);
      return push(pipeline, name, in, request.getContentLength());
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (IOException e) {
      throw new UncheckedIOException("the artifact's body could not be read", e);
    }
  }

  private HttpResponse<?> push(@Nullable final String pipeline, @Nullable final String name, final InputStream body, final long length) {
    if (pipeline == null) {
      return Problems.cmfMissing("query", "pipeline_name");
    }
    if (name == null) {
      return Problems.cmfMissing("query", "artifact_name");
    }
    try {
      final Target target = resolve(pipeline, name);
      final Artifacts.Stored stored = artifacts.put(target.address(), body, length);
      final Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("message", stored.created()
          ? "Artifact '" + target.name() + "' of pipeline '" + pipeline + "' stored as " + target.address().key() + "."
          : "Artifact '" + target.name() + "' of pipeline '" + pipeline + "' is already stored. Skipping upload.");
      answer.put("md5", target.address().id());
      answer.put("size", stored.size());
      answer.put("created", stored.created());
      return HttpResponse.ok(answer);
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (StorageUnavailable e) {
      return unavailable(e.getMessage());
    } catch (SQLException e) {
      return unavailable("the central metadata cannot be read now: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("the artifact's body could not be read", e);
    }
  }

  /** The artifact's size, without its bytes; a bare status otherwise. */
  @Head(uris = {"/artifact_pull", "/api/artifact_pull"})
  HttpResponse<?> pullHead(@Nullable @QueryValue("pipeline_name") final String pipeline, @Nullable @QueryValue("artifact_name") final String name) {
    if (pipeline == null || name == null) {
      return HttpResponse.unprocessableEntity();
    }
    try {
      final Target target = resolve(pipeline, name);
      return artifacts.stat(target.address())
          .<HttpResponse<?>>map(stat -> HttpResponse.ok().contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE)
              .header(HttpHeaders.CONTENT_LENGTH, Long.toString(stat.size())).header(HttpHeaders.ACCEPT_RANGES, "bytes"))
          .orElseGet(HttpResponse::notFound);
    } catch (BadInput bad) {
      return HttpResponse.status(HttpStatus.valueOf(bad.status()));
    } catch (StorageUnavailable | SQLException e) {
      return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, settings.retryAfterSeconds());
    }
  }

  @Get(uris = {"/artifact_pull", "/api/artifact_pull"}, headRoute = false)
  HttpResponse<?> pull(
      @Nullable @QueryValue("pipeline_name") final String pipeline,
      @Nullable @QueryValue("artifact_name") final String name,
      @Nullable @Header(HttpHeaders.RANGE) final String range) {
    if (pipeline == null) {
      return Problems.cmfMissing("query", "pipeline_name");
    }
    if (name == null) {
      return Problems.cmfMissing("query", "artifact_name");
    }
    try {
      final Target target = resolve(pipeline, name);
      final Optional<ObjectStore.Stat> stat = artifacts.stat(target.address());
      if (stat.isEmpty()) {
        return notStored(target);
      }
      final Optional<MutableHttpResponse<StreamedFile>> response;
      try {
        response = ArtifactController.stream(artifacts, target.address(), stat.get(), range);
      } catch (ByteRange.NotSatisfiable e) {
        return Problems.cmf(416, "range_not_satisfiable", "the artifact has " + stat.get().size() + " bytes; '" + range + "' asks for none of them")
            .header(HttpHeaders.CONTENT_RANGE, "bytes */" + stat.get().size());
      }
      if (response.isEmpty()) {
        return notStored(target);
      }
      // StreamedFile writes Content-Disposition itself, with RFC 6266's encoding of any name.
      response.get().getBody().ifPresent(file -> file.attach(fileName(target)));
      return response.get();
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (StorageUnavailable e) {
      return unavailable(e.getMessage());
    } catch (SQLException e) {
      return unavailable("the central metadata cannot be read now: " + e.getMessage());
    }
  }

  /** An artifact found in the metadata, and where its bytes are. */
  private record Target(String name, String path, ContentAddress address) {}

  /**
   * The artifact {@code name} of {@code pipeline} and its content address.
   *
   * @throws BadInput 404 for an unknown pipeline or artifact, 422 for an artifact without bytes
   */
  private Target resolve(final String pipeline, final String name) throws SQLException {
    if (names.isEmpty()) {
      throw new StorageUnavailable("this ingest-service has no database to look artifact names up in", null);
    }
    // PostgreSQL text cannot hold a NUL, so no stored name has one; asking would fail as if the
    // database were down (a 503), when the answer is simply that there is no such thing.
    if (pipeline.indexOf('\0') >= 0) {
      throw new BadInput(404, "pipeline_not_found", "Pipeline " + pipeline.replace('\0', '?') + " not found.");
    }
    if (name.indexOf('\0') >= 0) {
      throw new BadInput(404, "artifact_not_found", "Artifact " + name.replace('\0', '?') + " not found in pipeline " + pipeline + ".");
    }
    final Optional<ArtifactNames.Found> found = names.get().find(pipeline, name);
    if (found.isEmpty()) {
      if (!names.get().pipelineExists(pipeline)) {
        throw new BadInput(404, "pipeline_not_found", "Pipeline " + pipeline + " not found.");
      }
      throw new BadInput(404, "artifact_not_found", "Artifact " + name + " not found in pipeline " + pipeline + ".");
    }
    final ArtifactNames.Found artifact = found.get();
    return new Target(artifact.name(), artifact.path(), addressOf(artifact));
  }

  /** The uri when it is a content hash; else the hash in the name ({@code <path>:<hash>...}). */
  private static ContentAddress addressOf(final ArtifactNames.Found artifact) {
    if (ContentAddress.isContentAddress(artifact.uri())) {
      return ContentAddress.parse(artifact.uri());
    }
    final String[] parts = artifact.name().split(":", -1);
    if (parts.length > 1 && ContentAddress.isContentAddress(parts[1])) {
      return ContentAddress.parse(parts[1]);
    }
    throw BadInput.unprocessable("not_a_file", "Artifact " + artifact.name() + " has no content hash (its uri is " + artifact.uri()
        + "), so it has no bytes to store; cmf Metrics, for one, are not files.");
  }

  /** The name a client saves the artifact under: its file's, or its hash when the path is odd. */
  private static String fileName(final Target target) {
    try {
      return FileNames.basename(target.path(), "artifact path");
    } catch (BadInput bad) {
      return target.address().id();
    }
  }

  private static MutableHttpResponse<Map<String, Object>> notStored(final Target target) {
    return Problems.cmf(404, "not_stored", "The bytes of artifact " + target.name() + " (" + target.address().id() + ") are not stored.");
  }

  private MutableHttpResponse<Map<String, Object>> unavailable(final String detail) {
    return Problems.cmf(503, "unavailable", detail).header(HttpHeaders.RETRY_AFTER, settings.retryAfterSeconds());
  }
}
