// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.e2e.reliability;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.cmfstream.workload.JournalBatch;
import org.cmfstream.workload.Workload;

/**
 * An edge site uploading its journal as a real one would: batch after batch over HTTP; on a 503 it
 * waits what {@code Retry-After} says and sends the same batch again; when the connection breaks
 * it asks the server where its journal is complete ({@code GET .../watermark}) and resumes from
 * there, sending again whatever it cannot know was kept.
 *
 * <p>The waits are Awaitility's: a retry is the next poll of a condition "this batch was accepted".
 */
final class EdgeSite {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GIVE_UP = Duration.ofMinutes(6);

  private final Workload workload;
  private final int siteIndex;
  private final String site;
  private final URI server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> receipts = new CopyOnWriteArrayList<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger broken = new AtomicInteger();
  private final AtomicInteger resumes = new AtomicInteger();
  private final AtomicLong sentRecords = new AtomicLong();

  /**
   * @param workload the workload whose journal of site {@code siteIndex} this site sends
   * @param site the name it sends under (the workload's own, or another, to upload the same journal twice)
   * @param server where it sends: ingest, or a relay in front of it
   */
  EdgeSite(final Workload workload, final int siteIndex, final String site, final URI server) {
    this.workload = workload;
    this.siteIndex = siteIndex;
    this.site = site;
    this.server = server;
  }

  EdgeSite(final Workload workload, final int siteIndex, final URI server) {
    this(workload, siteIndex, workload.site(siteIndex), server);
  }

  String site() {
    return site;
  }

  /** Sends the whole journal, from seq 1, without asking the watermark first. */
  void uploadAll() {
    upload(1, Integer.MAX_VALUE);
  }

  /**
   * Sends the journal from {@code fromSeq}; a broken connection makes it resume from the
   * watermark, at most {@code maxResumes} times.
   */
  void upload(final long fromSeq, final int maxResumes) {
    long next = fromSeq;
    while (true) {
      final Optional<Long> brokeAt = sendFrom(next);
      if (brokeAt.isEmpty()) {
        return;
      }
      if (resumes.incrementAndGet() > maxResumes) {
        throw new IllegalStateException(site + ": gave up after " + maxResumes + " resumes");
      }
      next = watermark().path("resumeFrom").asLong(1);
    }
  }

  /** Sends batches from {@code fromSeq} on; the seq of the batch whose connection broke, if one did. */
  private Optional<Long> sendFrom(final long fromSeq) {
    for (final Iterator<JournalBatch> batches = workload.batches(siteIndex, fromSeq).iterator(); batches.hasNext(); ) {
      final JournalBatch batch = batches.next();
      final Optional<String> receipt = send(batch);
      if (receipt.isEmpty()) {
        return Optional.of(batch.firstSeq());
      }
      receipts.add(receipt.get());
      sentRecords.addAndGet(batch.records());
    }
    return Optional.empty();
  }

  /** Sends one batch until it is accepted (retrying 503s); empty if the connection broke. */
  private Optional<String> send(final JournalBatch batch) {
    final HttpRequest request = HttpRequest.newBuilder(server.resolve("/api/v1/sites/" + site + "/journal"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body()))
        .build();
    final AtomicReference<Duration> retryAfter = new AtomicReference<>(Duration.ofMillis(100));
    final AtomicReference<String> receipt = new AtomicReference<>();
    final AtomicReference<Boolean> cut = new AtomicReference<>(false);
    await(site + " batch " + batch.firstSeq() + ".." + batch.lastSeq())
        .atMost(GIVE_UP)
        .pollDelay(Duration.ZERO)
        .pollInterval((count, previous) -> retryAfter.get())
        .until(() -> {
          try {
            final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
              receipt.set(JSON.readTree(response.body()).get("receipt").asText());
              return true;
            }
            if (response.statusCode() == 503) {
              unavailable.incrementAndGet();
              retryAfter.set(Duration.ofSeconds(response.headers().firstValueAsLong("Retry-After").orElse(1)));
              return false;
            }
            throw new IllegalStateException(site + ": batch " + batch.firstSeq() + " answered " + response.statusCode() + " " + response.body());
          } catch (IOException e) {
            broken.incrementAndGet();
            cut.set(true);
            return true;
          }
        });
    return cut.get() ? Optional.empty() : Optional.of(receipt.get());
  }

  /** The watermark, asked again until the server answers (it may be the one that is away). */
  JsonNode watermark() {
    final HttpRequest request = HttpRequest.newBuilder(server.resolve("/api/v1/sites/" + site + "/watermark")).timeout(Duration.ofSeconds(10)).build();
    final AtomicReference<JsonNode> answer = new AtomicReference<>();
    await(site + " watermark").atMost(GIVE_UP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
        .until(() -> {
          final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            return false;
          }
          answer.set(JSON.readTree(response.body()));
          return true;
        });
    return answer.get();
  }

  /** Whether every upload this site made is APPLIED in both stores. */
  boolean allApplied(final URI ingest) {
    for (int i = receipts.size() - 1; i >= 0; i--) {
      if (!isApplied(ingest, receipts.get(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean isApplied(final URI ingest, final String receipt) {
    try {
      final HttpResponse<String> r = http.send(HttpRequest.newBuilder(ingest.resolve("/api/v1/receipts/" + receipt)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && "APPLIED".equals(JSON.readTree(r.body()).path("status").asText());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  List<String> receipts() {
    return List.copyOf(receipts);
  }

  /** Records sent in accepted uploads (a resent record counts again). */
  long sentRecords() {
    return sentRecords.get();
  }

  /** 503 answers retried. */
  int unavailable() {
    return unavailable.get();
  }

  /** Connections that broke under an upload. */
  int broken() {
    return broken.get();
  }

  /** Times it resumed from the watermark. */
  int resumes() {
    return resumes.get();
  }
}
