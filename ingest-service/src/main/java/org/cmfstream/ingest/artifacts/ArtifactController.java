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
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cmfstream.ingest.storage.ObjectStore;
import org.cmfstream.ingest.storage.ObjectStoreSettings;
import org.cmfstream.ingest.storage.StorageUnavailable;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Bodies;
import org.cmfstream.ingest.web.Problems;

/**
 * Artifact bytes by content address, in DVC's layout, under {@code /api/v1/artifacts} (and {@code
 * /v1/artifacts}). {@code {object}} is an md5, or an md5 followed by {@code .dir} for a folder's
 * manifest.
 *
 * <ul>
 *   <li>{@code PUT {object}}: streams the body into the bucket; 201 when stored, 200 when it was
 *       already there (the body is not read), 422 {@code md5-mismatch} when the body has another
 *       md5 (nothing is stored), 422 {@code invalid-dir-manifest} for a {@code .dir} that is not a
 *       DVC manifest, 413 beyond the limit.
 *   <li>{@code HEAD {object}}: 200 with the size as {@code Content-Length}, or 404.
 *   <li>{@code GET {object}}: the bytes, streamed; one {@code Range} gives 206, a range past the
 *       end 416.
 *   <li>{@code GET {md5}.dir/members?offset=&limit=}: a page of the folder's members, each with
 *       whether its object is stored.
 * </ul>
 *
 * <p>Errors are problem+json; storage that cannot be reached is 503 with {@code Retry-After}.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(beans = ObjectStore.class)
final class ArtifactController {

  private static final int DEFAULT_PAGE = 1000;
  private static final int MAX_PAGE = 10_000;

  private final Artifacts artifacts;
  private final ObjectStoreSettings settings;

  ArtifactController(final Artifacts artifacts, final ObjectStoreSettings settings) {
    this.artifacts = artifacts;
    this.settings = settings;
  }

  @Put(uris = {"/api/v1/artifacts/{object}", "/v1/artifacts/{object}"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.ALL)
  HttpResponse<?> put(final HttpRequest<?> request, @PathVariable final String object, @Nullable @Body final InputStream body) {
    // Closed on every path: a body left unread is then discarded, not left stalling the client.
    try (InputStream in = body != null ? body : InputStream.nullInputStream()) {
      final ContentAddress address = ContentAddress.parse(object);
      Bodies.checkEncoding(request);
      final Artifacts.Stored stored = artifacts.put(address, in, request.getContentLength());
      final Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("md5", address.id());
      answer.put("key", address.key());
      answer.put("size", stored.size());
      answer.put("created", stored.created());
      return stored.created()
          ? HttpResponse.created(answer).header(HttpHeaders.LOCATION, "/api/v1/artifacts/" + address.id())
          : HttpResponse.ok(answer);
    } catch (BadInput bad) {
      return Problems.problem(bad);
    } catch (StorageUnavailable e) {
      return unavailable(e);
    } catch (IOException e) {
      // The client's body broke off; the upload was aborted, and nobody is left to answer.
      throw new UncheckedIOException("the artifact's body could not be read", e);
    }
  }

  @Head(uris = {"/api/v1/artifacts/{object}", "/v1/artifacts/{object}"})
  HttpResponse<?> head(@PathVariable final String object) {
    try {
      final ContentAddress address = ContentAddress.parse(object);
      return artifacts.stat(address)
          .<HttpResponse<?>>map(stat -> withObjectHeaders(HttpResponse.ok(), address).header(HttpHeaders.CONTENT_LENGTH, Long.toString(stat.size())))
          .orElseGet(HttpResponse::notFound);
    } catch (BadInput bad) {
      return HttpResponse.status(HttpStatus.valueOf(bad.status()));
    } catch (StorageUnavailable e) {
      return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, settings.retryAfterSeconds());
    }
  }

  // HEAD is its own route: it needs no stream of the object, only its size.
  @Get(uris = {"/api/v1/artifacts/{object}", "/v1/artifacts/{object}"}, headRoute = false)
  HttpResponse<?> get(@PathVariable final String object, @Nullable @Header(HttpHeaders.RANGE) final String range) {
    try {
      final ContentAddress address = ContentAddress.parse(object);
      final Optional<ObjectStore.Stat> stat = artifacts.stat(address);
      if (stat.isEmpty()) {
        return notFound(address);
      }
      final long size = stat.get().size();
      try {
        return stream(artifacts, address, stat.get(), range).<HttpResponse<?>>map(r -> r).orElseGet(() -> notFound(address));
      } catch (ByteRange.NotSatisfiable e) {
        return Problems.problem(416, "range-not-satisfiable", "the object has " + size + " bytes; '" + range + "' asks for none of them")
            .header(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      }
    } catch (BadInput bad) {
      return Problems.problem(bad);
    } catch (StorageUnavailable e) {
      return unavailable(e);
    }
  }

  @Get(uris = {"/api/v1/artifacts/{object}/members", "/v1/artifacts/{object}/members"}, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> members(@PathVariable final String object, @Nullable @QueryValue final String offset, @Nullable @QueryValue final String limit) {
    try {
      final ContentAddress folder = ContentAddress.parse(object);
      if (!folder.dir()) {
        throw BadInput.badRequest("not-a-folder", "'" + object + "' is a file's md5; members belong to a folder's <md5>.dir");
      }
      final long from = number(offset, 0, Long.MAX_VALUE, "offset");
      final int count = (int) number(limit, DEFAULT_PAGE, MAX_PAGE, "limit");
      final Optional<Artifacts.Members> page = artifacts.members(folder, from, count);
      if (page.isEmpty()) {
        return notFound(folder);
      }
      final Artifacts.Members members = page.get();
      final List<Artifacts.Member> listed = members.members();
      final long present = listed.stream().filter(Artifacts.Member::present).count();
      final Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("md5", folder.id());
      answer.put("total", members.total());
      answer.put("offset", members.offset());
      answer.put("present", present);
      answer.put("missing", listed.size() - present);
      answer.put("next", from + listed.size() < members.total() ? from + listed.size() : null);
      answer.put("members", listed);
      return HttpResponse.ok(answer);
    } catch (BadInput bad) {
      return Problems.problem(bad);
    } catch (StorageUnavailable e) {
      return unavailable(e);
    } catch (IOException e) {
      return unavailable(new StorageUnavailable("the manifest could not be read: " + e.getMessage(), e));
    }
  }

  /**
   * The stored object {@code address}, streamed, all of it or the one range {@code range} asks
   * for; empty when it went away since {@code stat}.
   *
   * @throws ByteRange.NotSatisfiable when the range lies beyond the object
   */
  static Optional<MutableHttpResponse<StreamedFile>> stream(
      final Artifacts artifacts, final ContentAddress address, final ObjectStore.Stat stat, @Nullable final String range) {
    final long size = stat.size();
    final Optional<ByteRange> part = ByteRange.of(range, size);
    final long length = part.map(ByteRange::length).orElse(size);
    final Optional<InputStream> bytes = artifacts.open(address, part.map(ByteRange::offset).orElse(0L), part.isPresent() ? length : -1);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    final MediaType type = address.dir() ? MediaType.APPLICATION_JSON_TYPE : MediaType.APPLICATION_OCTET_STREAM_TYPE;
    // Streamed as storage hands it over, with back-pressure: the heap never holds the object.
    final StreamedFile file = new StreamedFile(bytes.get(), type, stat.lastModified().toEpochMilli(), length);
    final MutableHttpResponse<StreamedFile> response = withObjectHeaders(HttpResponse.ok(file), address);
    part.ifPresent(r -> response.status(HttpStatus.PARTIAL_CONTENT).header(HttpHeaders.CONTENT_RANGE, "bytes " + r.offset() + "-" + r.last() + "/" + size));
    return Optional.of(response);
  }

  private static <T> MutableHttpResponse<T> withObjectHeaders(final MutableHttpResponse<T> response, final ContentAddress address) {
    // The md5 is the content: a strong validator that never changes for this URL.
    return response.header(HttpHeaders.ETAG, "\"" + address.id() + "\"").header(HttpHeaders.ACCEPT_RANGES, "bytes");
  }

  private static MutableHttpResponse<Map<String, Object>> notFound(final ContentAddress address) {
    return Problems.problem(404, "artifact-not-found", "no object " + address.id() + " is stored (" + address.key() + ")");
  }

  private MutableHttpResponse<Map<String, Object>> unavailable(final StorageUnavailable e) {
    return Problems.problem(503, "storage-unavailable", e.getMessage()).header(HttpHeaders.RETRY_AFTER, settings.retryAfterSeconds());
  }

  private static long number(@Nullable final String text, final long fallback, final long max, final String name) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      final long value = Long.parseLong(text.trim());
      if (value < 0 || value > max) {
        throw BadInput.badRequest("invalid-parameter", name + " must be between 0 and " + max + ", not " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw BadInput.badRequest("invalid-parameter", name + " must be a number, not '" + text + "'");
    }
  }
}
