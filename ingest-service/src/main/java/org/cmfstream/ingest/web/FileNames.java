// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names that clients send, checked before they become part of a storage key or a path on a
 * client's disk. A name may be relative with ordinary directories ({@code
 * cmf_artifacts/python_env_<md5>.txt} is what the cmf client sends); it may not climb out ({@code
 * ..}), be absolute ({@code /x}, {@code \x}, {@code C:x}), or hold control characters. Either
 * separator counts, since Windows clients send backslashes. A bad name is a 400 of type {@code
 * invalid-file-name}.
 */
public final class FileNames {

  /** The longest segment most file systems allow, in UTF-8 bytes. */
  private static final int MAX_SEGMENT_BYTES = 255;

  private static final int MAX_PATH_BYTES = 1024;
  private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private FileNames() {}

  /** The last segment of a checked name: what the real cmf-server keeps of an uploaded file's name. */
  public static String basename(final String name, final String what) {
    final List<String> segments = segments(name, what);
    return segments.get(segments.size() - 1);
  }

  /** A checked relative path, with '/' as its separator and no empty or '.' segments. */
  public static String relativePath(final String name, final String what) {
    return String.join("/", segments(name, what));
  }

  /** One checked path segment: no separator at all, e.g. a pipeline name inside a key. */
  public static String segment(final String name, final String what) {
    if (SEPARATORS.matcher(name).find()) {
      throw invalid(what, name, "may not contain '/' or '\\'");
    }
    return basename(name, what);
  }

  private static List<String> segments(final String name, final String what) {
    if (name.isEmpty()) {
      throw invalid(what, name, "is empty");
    }
    for (int i = 0; i < name.length(); i++) {
      final char c = name.charAt(i);
      // C0 and C1 controls and DEL: invisible in logs, terminals and listings, or worse (a NUL).
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        throw invalid(what, name, "contains the control character U+" + String.format(Locale.ROOT, "%04X", (int) c));
      }
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw invalid(what, name, "is longer than " + MAX_PATH_BYTES + " bytes");
    }
    if (name.startsWith("/") || name.startsWith("\\") || DRIVE.matcher(name).matches()) {
      throw invalid(what, name, "is an absolute path; send a relative one");
    }
    final String[] raw = SEPARATORS.split(name, -1);
    final String last = raw[raw.length - 1];
    if (last.isEmpty() || last.equals(".")) {
      throw invalid(what, name, "names a directory, not a file");
    }
    final List<String> kept = new ArrayList<>();
    for (final String segment : raw) {
      if (segment.equals("..")) {
        throw invalid(what, name, "climbs out of its directory with '..'");
      }
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        throw invalid(what, name, "has a segment longer than " + MAX_SEGMENT_BYTES + " bytes");
      }
      kept.add(segment);
    }
    return kept;
  }

  private static BadInput invalid(final String what, final String name, final String why) {
    return BadInput.badRequest("invalid-file-name", what + " '" + printable(name) + "' " + why);
  }

  /** The name as it can be shown back: controls escaped, length capped. */
  private static String printable(final String name) {
    final StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && out.length() < 200; i++) {
      final char c = name.charAt(i);
      out.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
