// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.testing.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 1 GiB artifact up and down through an ingest-service whose heap is capped at 256 MB (issue
 * #6): the body streams into the real S3 server part by part, and back out, in bounded memory.
 * The bytes are generated as they are sent and checked as they arrive, so this JVM holds none of
 * them either. The child's GC log gives the peak heap it actually used.
 */
@ExtendWith(LocalStackExtension.class)
class LargeArtifactIT {

  private static final long SIZE = 1024L * 1024 * 1024;
  private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  @Test
  void shouldUploadAndDownloadOneGibibyteWithA256MbHeap(final StackEndpoints stack) throws Exception {
    // given
    final Path gcLog = Path.of("target", "large-artifact-gc.log").toAbsolutePath();
    Files.deleteIfExists(gcLog);
    final String md5 = md5(new GeneratedBytes(SIZE));
    try (ChildIngest ingest = new ChildIngest(stack, List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xlog:gc:file=" + gcLog), "large-artifact-ingest.log")) {
      final URI url = ingest.uri("/api/v1/artifacts/" + md5);
      final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

      // when: up
      final long upStart = System.nanoTime();
      final HttpResponse<String> put = http.send(
          HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5))
              .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBytes(SIZE)), SIZE))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      final double upSeconds = (System.nanoTime() - upStart) / 1e9;

      // then
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
      assertThat(put.body()).contains("\"size\":" + SIZE);
      final HttpResponse<Void> head = http.send(HttpRequest.newBuilder(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);

      // when: down, checked as it arrives
      final long downStart = System.nanoTime();
      final HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      final String downloaded;
      try (InputStream in = get.body()) {
        downloaded = md5(in);
      }
      final double downSeconds = (System.nanoTime() - downStart) / 1e9;

      // then
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
      assertThat(downloaded).isEqualTo(md5);
      // and: a range at the very end, past 2^30 - 1
      final HttpResponse<byte[]> tail = http.send(HttpRequest.newBuilder(url).header("Range", "bytes=-100").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(tail.statusCode()).isEqualTo(206);
      assertThat(tail.body()).isEqualTo(new GeneratedBytes(SIZE).slice(SIZE - 100, 100));
      assertThat(ingest.isAlive()).isTrue();
      System.out.printf(Locale.ROOT, "1 GiB artifact with -Xmx256m: up %.1f s (%.0f MB/s), down %.1f s (%.0f MB/s); ingest's peak heap %s, peak RSS %s%n",
          upSeconds, SIZE / 1e6 / upSeconds, downSeconds, SIZE / 1e6 / downSeconds, peakHeap(gcLog), ingest.peakRss());
    }
  }

  private static String md5(final InputStream in) throws Exception {
    final MessageDigest md5 = MessageDigest.getInstance("MD5");
    final byte[] buffer = new byte[1 << 20];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      md5.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(md5.digest());
  }

  /** The largest heap occupancy a collection found, from the child's {@code -Xlog:gc} lines. */
  private static String peakHeap(final Path gcLog) throws IOException {
    long peak = 0;
    long capacity = 0;
    for (final String line : Files.readAllLines(gcLog)) {
      final Matcher m = GC.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)));
        capacity = Math.max(capacity, Long.parseLong(m.group(3)));
      }
    }
    return peak + " MB used before a collection (heap at most " + capacity + " MB committed)";
  }

  /**
   * {@code size} bytes that are cheap to make and never repeat a block: one random MiB, with each
   * block's number written over its first eight bytes. The same every time.
   */
  private static final class GeneratedBytes extends InputStream {
    private static final int BLOCK = 1 << 20;
    private static final byte[] BASE = new byte[BLOCK];

    static {
      new Random(20261123).nextBytes(BASE);
    }

    private final long size;
    private final byte[] block = BASE.clone();
    private long position;

    GeneratedBytes(final long size) {
      this.size = size;
    }

    private void prepare(final long blockNumber) {
      ByteBuffer.wrap(block).putLong(0, blockNumber);
    }

    /** Bytes {@code offset} to {@code offset + length} of the stream. */
    byte[] slice(final long offset, final int length) {
      final byte[] out = new byte[length];
      for (int i = 0; i < length; i++) {
        final long at = offset + i;
        prepare(at / BLOCK);
        out[i] = block[(int) (at % BLOCK)];
      }
      return out;
    }

    @Override
    public int read() {
      final byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) {
      if (position >= size) {
        return -1;
      }
      final int inBlock = (int) (position % BLOCK);
      if (inBlock == 0) {
        prepare(position / BLOCK);
      }
      final int n = (int) Math.min(Math.min(len, BLOCK - inBlock), size - position);
      System.arraycopy(block, inBlock, b, off, n);
      position += n;
      return n;
    }
  }
}
