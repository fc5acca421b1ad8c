// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.gateway;

/** Which service answers a request behind the front door. */
enum Route {
  /** ingest-service: uploads, pushes, side files, artifact bytes, the native journal API. */
  INGEST,
  /** query-service: every read, the cmf pull included, and the web UI. */
  QUERY
}
