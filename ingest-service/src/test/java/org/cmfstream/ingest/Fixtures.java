// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.cmfstream.ingest.web.Json;

/** The cmf fixtures under {@code src/test/resources/cmf}. */
public final class Fixtures {

  public static final String REAL_DUMP = "mlmd_export_Test-env_pr339.json";
  public static final String SYNTHETIC_DUMP = "synthetic_dumptojson_Test-env.json";
  public static final String SYNTHETIC_PUSH_BODY = "synthetic_mlmd_push_request_body.json";

  private Fixtures() {}

  public static byte[] bytes(final String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/cmf/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(final String name) {
    return Json.parse(bytes(name), 400, name);
  }
}
