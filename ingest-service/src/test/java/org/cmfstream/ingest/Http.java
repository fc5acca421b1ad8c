// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A plain HTTP client for the artifact and side-file routes: bodies and headers exactly as sent
 * and received, without a framework client's conversions (HEAD lengths, ranges, multipart).
 */
public final class Http {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public Http(final URI base) {
    this.base = base.toString().replaceAll("/$", "");
  }

  public HttpResponse<byte[]> send(final String method, final String path, final byte[] body, final String... headers) {
    final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> send(final HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(final String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  public HttpResponse<byte[]> get(final String path, final String... headers) {
    return send("GET", path, null, headers);
  }

  public HttpResponse<byte[]> head(final String path) {
    return send("HEAD", path, null);
  }

  public HttpResponse<byte[]> put(final String path, final byte[] body) {
    return send("PUT", path, body, "Content-Type", "application/octet-stream");
  }

  /** A multipart/form-data POST with one file part named {@code file}, as Python's requests sends it. */
  public HttpResponse<byte[]> postFile(final String path, final String fileName, final byte[] content) {
    final String boundary = "----cmf" + UUID.randomUUID().toString().replace("-", "");
    final List<byte[]> parts = new ArrayList<>();
    parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    parts.add(content);
    parts.add(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofByteArrays(parts)));
  }

  /** A multipart/form-data POST whose one part is an ordinary field, not the file. */
  public HttpResponse<byte[]> postFormWithoutFile(final String path) {
    final String boundary = "----cmf" + UUID.randomUUID().toString().replace("-", "");
    final String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n--" + boundary + "--\r\n";
    return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> json(final HttpResponse<byte[]> response) {
    try {
      return JSON.readValue(response.body(), Map.class);
    } catch (IOException e) {
      throw new AssertionError("not a JSON object: " + new String(response.body(), StandardCharsets.UTF_8), e);
    }
  }

  public static String text(final HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  public static String contentType(final HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }
}
