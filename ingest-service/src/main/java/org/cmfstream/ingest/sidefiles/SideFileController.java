// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.sidefiles;

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
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cmfstream.ingest.storage.ObjectStore;
import org.cmfstream.ingest.storage.ObjectStoreSettings;
import org.cmfstream.ingest.storage.StorageUnavailable;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.Bodies;
import org.cmfstream.ingest.web.FileNames;
import org.cmfstream.ingest.web.IngestSettings;
import org.cmfstream.ingest.web.MultipartFile;
import org.cmfstream.ingest.web.Problems;

/**
 * The side files a cmf client sends through the server, exactly as cmf-protocol.md section 1.1
 * specifies them, under {@code /api/} and without the prefix. The real cmf-server keeps them on its
 * local disk under {@code /cmf-server/data/}; here they live in the bucket under the same names
 * ({@code cmf-server/data/env/}, {@code .../labels/}, {@code .../tensorboard-logs/<pipeline>/}),
 * so that every copy of ingest sees every file, and none is lost with a machine.
 *
 * <ul>
 *   <li>{@code POST python-env} (multipart {@code file}): stored under its base name, overwriting.
 *   <li>{@code GET python-env?file_name=}: {@code .txt} or {@code .yaml} only, as text.
 *   <li>{@code POST label} (multipart {@code file}, named by the label's md5): write-once, decided
 *       by storage itself ({@code If-None-Match: *}), so two copies of ingest cannot both write.
 *   <li>{@code GET label-data?file_name=}: the CSV, as text.
 *   <li>{@code POST tensorboard?pipeline_name=} (multipart {@code file}, a relative path).
 *   <li>{@code GET download-python-env[?list_of_files=a&list_of_files=b]}: a ZIP of the named
 *       environment files, or of all of them; as the real server, a 200 {@code {"error"}} when a
 *       named file is missing or there is none at all.
 * </ul>
 *
 * <p>Every POST answers JSON, since the cmf client calls {@code .json()} on it. Unlike the real
 * server, a failure is not a 200 {@code {"error"}}: a bad file name is a 400, a missing part or
 * parameter FastAPI's 422, storage that cannot be reached a 503 with {@code Retry-After}, each in
 * the cmf shape {@code {"detail": ...}}.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(beans = ObjectStore.class)
final class SideFileController {

  /** The real cmf-server's data directory, kept as the prefix of every side file's key. */
  static final String ROOT = "cmf-server/data/";

  static final String ENV = ROOT + "env/";
  static final String LABELS = ROOT + "labels/";
  static final String TENSORBOARD = ROOT + "tensorboard-logs/";

  private static final String TEXT = "text/plain; charset=utf-8";

  private final ObjectStore store;
  private final ObjectStoreSettings settings;
  private final Path spool;

  SideFileController(final ObjectStore store, final IngestSettings ingest) {
    this.store = store;
    this.settings = store.settings();
    this.spool = ingest.spool();
  }

  @Post(uris = {"/python-env", "/api/python-env"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  HttpResponse<?> uploadPythonEnv(final HttpRequest<?> request, @Nullable @Body final InputStream body) {
    return answer(request, body, (fileName, in) -> {
      final String name = FileNames.basename(fileName, "file name");
      write(ENV + name, in, false, TEXT);
      return Map.of("message", "File '" + fileName + "' uploaded successfully");
    });
  }

  // Each read has its own HEAD, answered from the object's state without opening it.
  @Get(uris = {"/python-env", "/api/python-env"}, headRoute = false)
  HttpResponse<?> pythonEnv(@Nullable @QueryValue("file_name") final String fileName) {
    if (fileName == null) {
      return Problems.cmfMissing("query", "file_name");
    }
    if (!fileName.endsWith(".txt") && !fileName.endsWith(".yaml")) {
      return Problems.cmf(400, "unsupported_extension", "Unsupported file extension. Use .txt or .yaml");
    }
    return read(() -> ENV + FileNames.basename(fileName, "file_name"));
  }

  @Head(uris = {"/python-env", "/api/python-env"})
  HttpResponse<?> pythonEnvHead(@Nullable @QueryValue("file_name") final String fileName) {
    if (fileName == null) {
      return HttpResponse.unprocessableEntity();
    }
    if (!fileName.endsWith(".txt") && !fileName.endsWith(".yaml")) {
      return HttpResponse.badRequest();
    }
    return head(() -> ENV + FileNames.basename(fileName, "file_name"));
  }

  @Post(uris = {"/label", "/api/label"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  HttpResponse<?> uploadLabel(final HttpRequest<?> request, @Nullable @Body final InputStream body) {
    return answer(request, body, (fileName, in) -> {
      final String name = FileNames.basename(fileName, "file name");
      final String where = "s3://" + store.bucket() + "/" + LABELS.substring(0, LABELS.length() - 1);
      // Cheap when it is there already, which is every push after the first of a label.
      if (store.stat(LABELS + name).isPresent() || !write(LABELS + name, in, true, TEXT)) {
        return Map.of("message", "File '" + name + "' already exists at " + where + ". Skipping upload.");
      }
      return Map.of("message", "File '" + name + "' uploaded successfully to " + where + ".");
    });
  }

  @Get(uris = {"/label-data", "/api/label-data"}, headRoute = false)
  HttpResponse<?> labelData(@Nullable @QueryValue("file_name") final String fileName) {
    if (fileName == null) {
      return Problems.cmfMissing("query", "file_name");
    }
    return read(() -> LABELS + FileNames.basename(fileName, "file_name"));
  }

  @Head(uris = {"/label-data", "/api/label-data"})
  HttpResponse<?> labelDataHead(@Nullable @QueryValue("file_name") final String fileName) {
    return fileName == null ? HttpResponse.unprocessableEntity() : head(() -> LABELS + FileNames.basename(fileName, "file_name"));
  }

  @Post(uris = {"/tensorboard", "/api/tensorboard"}, produces = MediaType.APPLICATION_JSON)
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  HttpResponse<?> uploadTensorboard(final HttpRequest<?> request, @Nullable @QueryValue("pipeline_name") final String pipeline,
      @Nullable @Body final InputStream body) {
    if (pipeline == null) {
      closeQuietly(body);
      return Problems.cmfMissing("query", "pipeline_name");
    }
    return answer(request, body, (fileName, in) -> {
      final String folder = FileNames.segment(pipeline, "pipeline_name");
      final String path = FileNames.relativePath(fileName, "file name");
      write(TENSORBOARD + folder + "/" + path, in, false, MediaType.APPLICATION_OCTET_STREAM);
      return Map.of("message", "File '" + path + "' uploaded successfully to tensorboard-logs/" + folder + ".");
    });
  }

  // No HEAD: its answer is an archive that only exists once it is made.
  @Get(uris = {"/download-python-env", "/api/download-python-env"}, headRoute = false)
  HttpResponse<?> downloadPythonEnv(@Nullable @QueryValue("list_of_files") final List<String> listOfFiles) {
    try {
      final List<String> keys = new ArrayList<>();
      final boolean named = listOfFiles != null && !listOfFiles.isEmpty();
      if (named) {
        // Each stored name, with the name the client asked for it by.
        final Map<String, String> names = new LinkedHashMap<>();
        for (final String file : listOfFiles) {
          names.putIfAbsent(FileNames.basename(file, "list_of_files"), file);
        }
        final List<String> wanted = names.keySet().stream().map(n -> ENV + n).toList();
        final List<Optional<ObjectStore.Stat>> stats = store.statAll(wanted);
        for (int i = 0; i < wanted.size(); i++) {
          if (stats.get(i).isEmpty()) {
            // The real server answers 200 with an error, which the client prints (cmf-protocol.md, section 1.1).
            return HttpResponse.ok(Map.of("error", "File " + names.get(wanted.get(i).substring(ENV.length())) + " does not exist"));
          }
        }
        keys.addAll(wanted);
      } else {
        store.forEach(ENV, stat -> keys.add(stat.key()));
        if (keys.isEmpty()) {
          // As the real server answers a peer's /sync when it holds no environment (cmf-protocol.md, section 1.1).
          return HttpResponse.ok(Map.of("error", "Directory is empty"));
        }
      }
      final Path zip = zip(keys);
      final long size = Files.size(zip);
      // Unlinked as it is opened (or closed, where the platform cannot): nothing stays on disk.
      final InputStream in = Files.newInputStream(zip, StandardOpenOption.DELETE_ON_CLOSE);
      final StreamedFile file = new StreamedFile(in, MediaType.of("application/zip"), System.currentTimeMillis(), size)
          .attach(named ? "python_env_files.zip" : "python_env_folder.zip");
      return HttpResponse.ok(file).header(HttpHeaders.CACHE_CONTROL, "no-cache");
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (StorageUnavailable e) {
      return unavailable(e);
    } catch (IOException e) {
      throw new UncheckedIOException("the ZIP of environment files could not be written", e);
    }
  }

  /** The objects {@code keys} in one ZIP, spooled to a file: the archive may be larger than memory. */
  private Path zip(final List<String> keys) throws IOException {
    Files.createDirectories(spool);
    final Path zip = Files.createTempFile(spool, "python-env-", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (final String key : keys) {
        final Optional<InputStream> object = store.open(key, 0, -1);
        if (object.isEmpty()) {
          // Removed since it was listed: the archive holds what there is.
          continue;
        }
        out.putNextEntry(new ZipEntry(key.substring(ENV.length())));
        try (InputStream in = object.get()) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(zip);
      throw e;
    }
    return zip;
  }

  /** Stores one uploaded file; false when {@code ifAbsent} and the key was taken. */
  private boolean write(final String key, final InputStream in, final boolean ifAbsent, final String contentType) throws IOException {
    return store.write(key, in, new ObjectStore.Upload(settings.maxSideFileBytes(), null, ifAbsent, contentType)).created();
  }

  /** A side file's key, computed from the request: it may find the request bad. */
  @FunctionalInterface
  private interface KeyOf {
    String key();
  }

  /** Streams a stored side file as text, or answers 404 {@code {"detail": "File not found"}}. */
  private HttpResponse<?> read(final KeyOf keyOf) {
    try {
      final String key = keyOf.key();
      final Optional<ObjectStore.Stat> stat = store.stat(key);
      final Optional<InputStream> bytes = stat.isPresent() ? store.open(key, 0, -1) : Optional.empty();
      if (bytes.isEmpty()) {
        return Problems.cmf(404, "not_found", "File not found");
      }
      final StreamedFile file = new StreamedFile(bytes.get(), MediaType.of(TEXT), stat.get().lastModified().toEpochMilli(), stat.get().size());
      // Environment files may be overwritten: no cache may keep an old one.
      return HttpResponse.ok(file).header(HttpHeaders.CACHE_CONTROL, "no-cache");
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (StorageUnavailable e) {
      return unavailable(e);
    }
  }

  /** A stored side file's size and type, without its bytes; a bare status otherwise. */
  private HttpResponse<?> head(final KeyOf keyOf) {
    try {
      return store.stat(keyOf.key())
          .<HttpResponse<?>>map(stat -> HttpResponse.ok().contentType(TEXT).header(HttpHeaders.CONTENT_LENGTH, Long.toString(stat.size()))
              .header(HttpHeaders.CACHE_CONTROL, "no-cache"))
          .orElseGet(HttpResponse::notFound);
    } catch (BadInput bad) {
      return HttpResponse.status(HttpStatus.valueOf(bad.status()));
    } catch (StorageUnavailable e) {
      return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, settings.retryAfterSeconds());
    }
  }

  /** The work of an upload route on the uploaded file's name, as sent, and bytes, answered as JSON. */
  @FunctionalInterface
  private interface Upload {
    Map<String, Object> run(String fileName, InputStream in) throws IOException;
  }

  /**
   * Runs {@code upload} on the body's part {@code file}. The body is read here, not by the
   * framework's multipart decoder, which rewrites file names and completes a body cut before its
   * closing boundary (see {@link MultipartFile}); the file's stream fails with a 400 where the
   * body is not complete, so storage aborts and nothing is stored.
   */
  private HttpResponse<?> answer(final HttpRequest<?> request, @Nullable final InputStream body, final Upload upload) {
    // Closed on every path: a body left unread is then discarded, not left stalling the client.
    try (InputStream in = body != null ? body : InputStream.nullInputStream()) {
      Bodies.checkEncoding(request);
      final String type = request.getHeaders().get(HttpHeaders.CONTENT_TYPE, String.class).orElse("");
      final Optional<MultipartFile> file = MultipartFile.find(type, in, "file");
      if (file.isEmpty()) {
        return Problems.cmfMissing("body", "file");
      }
      return HttpResponse.ok(upload.run(file.get().fileName(), file.get().content()));
    } catch (BadInput bad) {
      return Problems.cmf(bad.status(), bad.type(), bad.detail());
    } catch (StorageUnavailable e) {
      return unavailable(e);
    } catch (IOException e) {
      throw new UncheckedIOException("the uploaded file could not be read", e);
    }
  }

  private static void closeQuietly(@Nullable final InputStream body) {
    if (body != null) {
      try {
        body.close();
      } catch (IOException e) {
        // Nothing more to say to this client.
      }
    }
  }

  private MutableHttpResponse<Map<String, Object>> unavailable(final StorageUnavailable e) {
    return Problems.cmf(503, "unavailable", e.getMessage()).header(HttpHeaders.RETRY_AFTER, settings.retryAfterSeconds());
  }
}
