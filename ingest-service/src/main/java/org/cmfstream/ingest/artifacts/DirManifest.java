// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.artifacts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.cmfstream.ingest.web.BadInput;
import org.cmfstream.ingest.web.FileNames;
import org.cmfstream.ingest.web.Json;

/**
 * A folder's {@code .dir} manifest as DVC writes it: a JSON array of {@code {"md5": "<32 hex>",
 * "relpath": "a/b.txt"}}, one per file, other fields allowed. It is read as a stream, one entry at
 * a time, so that a manifest of a million files needs no more memory than one of ten. A {@code
 * relpath} must be a relative path that stays inside the folder, since clients write each member
 * to {@code <folder>/<relpath>}.
 */
final class DirManifest {

  private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

  private DirManifest() {}

  /**
   * One file of the folder.
   *
   * @param md5 the member's md5, lower case: its object is at {@code files/md5/...} like any other
   * @param relpath its path inside the folder, as the manifest has it
   */
  record Entry(String md5, String relpath) {

    ContentAddress address() {
      return new ContentAddress(md5, false);
    }
  }

  /**
   * Reads every entry of the manifest in {@code in}, in order, checking each.
   *
   * @return how many entries there are
   * @throws BadInput 422 {@code invalid-dir-manifest} naming the first thing wrong
   */
  static long read(final InputStream in, final Consumer<Entry> each) throws IOException {
    // A strict decoder: Jackson's byte parser reads an overlong '/' (C0 AF) as '/' and does not
    // check what it skips; DVC's Python, reading the manifest back, would refuse both.
    final InputStreamReader utf8 =
        new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    try (JsonParser p = Json.textFactory().createParser(utf8)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw invalid("a .dir manifest is a JSON array of {\"md5\": ..., \"relpath\": ...} objects");
      }
      long count = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t != JsonToken.START_OBJECT) {
          throw invalid("entry " + count + " is not an object");
        }
        each.accept(entry(p, count));
        count++;
      }
      if (p.nextToken() != null) {
        throw invalid("there is content after the manifest's array");
      }
      return count;
    } catch (JsonProcessingException e) {
      throw invalid("it is not valid JSON: " + e.getOriginalMessage());
    } catch (CharacterCodingException e) {
      throw invalid("it holds bytes that are not UTF-8");
    }
  }

  private static Entry entry(final JsonParser p, final long index) throws IOException {
    String md5 = null;
    String relpath = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      final String field = p.currentName();
      final JsonToken value = p.nextToken();
      switch (field) {
        case "md5" -> md5 = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "relpath" -> relpath = value == JsonToken.VALUE_STRING ? p.getText() : null;
        default -> p.skipChildren();
      }
    }
    if (md5 == null || !MD5.matcher(md5).matches()) {
      throw invalid("entry " + index + " has no \"md5\" of 32 hex digits");
    }
    if (relpath == null) {
      throw invalid("entry " + index + " has no \"relpath\" string");
    }
    try {
      FileNames.relativePath(relpath, "relpath");
    } catch (BadInput bad) {
      throw invalid("entry " + index + ": " + bad.detail());
    }
    return new Entry(md5.toLowerCase(Locale.ROOT), relpath);
  }

  private static BadInput invalid(final String why) {
    return BadInput.unprocessable("invalid-dir-manifest", "not a DVC .dir manifest: " + why);
  }
}
