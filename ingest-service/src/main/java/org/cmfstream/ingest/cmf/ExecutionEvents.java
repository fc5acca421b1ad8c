// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.cmf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cmfstream.avro.ArtifactFact;
import org.cmfstream.avro.Direction;
import org.cmfstream.avro.JournalRecord;
import org.cmfstream.journal.serde.JournalCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one execution of a cmf dump, held until the rest of the execution is read: a dump
 * writes an execution's {@code events} before its {@code properties}, whose {@code Execution_uuid}
 * every event record needs. An execution's events are held in memory while there are at most
 * {@code inMemory} of them, taking at most {@link #IN_MEMORY_CHARS} characters of the dump; an
 * execution with more has all of them, encoded, in a {@link Spill} file the push's executions
 * share, so an execution of any number of events costs bounded memory. They can be read any
 * number of times (once per uuid of a reused execution), in the order they were added.
 */
final class ExecutionEvents implements Iterable<ExecutionEvents.Event> {

  /** Events held in memory before they go to the spill: a real execution's fit several times over. */
  static final int IN_MEMORY = 1_000;

  /** Characters of the dump the events held in memory may take: a few events of large properties spill too. */
  static final long IN_MEMORY_CHARS = 4L << 20;

  /** One event of an execution: its artifact's record, made once for all of the execution's uuids. */
  record Event(String uri, Direction direction, JournalRecord artifact, Map<String, Double> metrics) {

    /**
     * The event of {@code artifact}, a journal record of an {@link ArtifactFact}; a {@code
     * Metrics} artifact's numbers are its metrics, by name as the journal keeps it (UTF-8, where a
     * lone surrogate is a '?'), in the order of the names: the same whether the artifact was held
     * or read back from the spill, whose map iterates in another order and has two names that
     * differ only in lone surrogates as one, the later written.
     */
    static Event of(final Direction direction, final JournalRecord artifact) {
      final ArtifactFact fact = (ArtifactFact) artifact.getBody();
      if (!"Metrics".equals(fact.getType())) {
        return new Event(fact.getUri(), direction, artifact, Map.of());
      }
      final Map<String, Double> metrics = new TreeMap<>();
      fact.getCustomProperties().forEach((metric, value) -> {
        if (value instanceof Number n) {
          metrics.put(asJournaled(metric), n.doubleValue());
        }
      });
      return new Event(fact.getUri(), direction, artifact, metrics);
    }

    private static String asJournaled(final String text) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.isSurrogate(text.charAt(i))) {
          return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        }
      }
      return text;
    }
  }

  private final Spill spill;
  private final int inMemory;
  private final List<Event> held = new ArrayList<>();
  /** The characters of the dump the events held took. */
  private long heldChars;
  /** Where this execution's events start in the spill, or -1 while they are all held. */
  private long start = -1;
  private long end;
  private int count;

  /** @param spill where events beyond {@code inMemory} go; null to hold them all (a dump already in memory) */
  ExecutionEvents(final Spill spill, final int inMemory) {
    this.spill = spill;
    this.inMemory = inMemory;
  }

  /** @param chars the characters of the dump the event took */
  void add(final Event event, final long chars) {
    count++;
    if (start < 0) {
      if (spill == null || held.size() < inMemory && heldChars + chars <= IN_MEMORY_CHARS) {
        held.add(event);
        heldChars += chars;
        return;
      }
      spill();
      if (start < 0) {
        start = spill.end();
      }
    }
    spill.append(event);
    end = spill.end();
  }

  /** Moves the events held in memory to the spill, if there is one: for an execution that waits long. */
  void spill() {
    if (spill == null || start >= 0 || held.isEmpty()) {
      return;
    }
    start = spill.end();
    held.forEach(spill::append);
    held.clear();
    heldChars = 0;
    end = spill.end();
  }

  /** Forgets every event added: a dump that names {@code events} twice means the last. */
  void clear() {
    release();
    count = 0;
  }

  int size() {
    return count;
  }

  /**
   * Done with these events: forgets them, and gives back their part of the spill if it is the
   * last part written (executions are released in the reverse of the order they were read).
   */
  void release() {
    if (start >= 0) {
      spill.giveBack(start, end);
    }
    start = -1;
    held.clear();
    heldChars = 0;
  }

  @Override
  public Iterator<Event> iterator() {
    return start < 0 ? Collections.unmodifiableList(held).iterator() : spill.read(start, count);
  }

  /**
   * A {@link SpoolFile} of encoded events, made when the first event is spilled. Its parts are
   * read back from their start; the last part can be given back, so a dump of large executions
   * one after another reuses the same bytes of disk.
   */
  static final class Spill implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Spill.class);

    private final Path dir;
    private final JournalCodec codec = JournalCodec.instance();
    private SpoolFile file;

    /** @param dir where the file goes */
    Spill(final Path dir) {
      this.dir = dir;
    }

    long end() {
      return file == null ? 0 : file.end();
    }

    /** The event as its direction's ordinal, then its artifact's record. */
    void append(final Event event) {
      final byte[] artifact = codec.encode(event.artifact());
      final byte[] bytes = new byte[1 + artifact.length];
      bytes[0] = (byte) event.direction().ordinal();
      System.arraycopy(artifact, 0, bytes, 1, artifact.length);
      try {
        if (file == null) {
          file = new SpoolFile(Files.createTempFile(dir, "push-", ".events"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot spill an execution's events to " + dir, e);
      }
      file.append(bytes);
    }

    /** Takes back the part from {@code start} to {@code end} if nothing was written after it. */
    void giveBack(final long start, final long end) {
      if (end == end()) {
        file.rewind(start);
      }
    }

    /** The {@code count} events from {@code start}. */
    Iterator<Event> read(final long start, final int count) {
      final Iterator<byte[]> records = file.read(start, count);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return records.hasNext();
        }

        @Override
        public Event next() {
          final byte[] bytes = records.next();
          return Event.of(Direction.values()[bytes[0]], codec.decode(Arrays.copyOfRange(bytes, 1, bytes.length)));
        }
      };
    }

    /** Deletes the file; a failure to is logged, since the translation it served is done. */
    @Override
    public void close() {
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          LOG.warn("cannot delete the spill of a push's events", e);
        }
      }
    }
  }
}
