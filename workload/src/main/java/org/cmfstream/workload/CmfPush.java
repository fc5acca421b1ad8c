// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.workload;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code cmf metadata push} of one pipeline: the {@code dumptojson} document and the body the
 * client posts to {@code /api/mlmd_push}.
 *
 * @param site the generated site the pipeline belongs to (a cmf push itself names no site)
 * @param pipelineName the {@code pipeline_name} of the request
 * @param dump the {@code dumptojson} document, as the client's {@code json.dumps} writes it (bare
 *     {@code NaN} tokens included)
 * @param executions the executions of the dump, one per uuid (a reused execution counts once per
 *     uuid, as the server counts them)
 * @param records the journal records the push translates into (pipeline, stages, executions,
 *     distinct artifacts, events and metric points)
 */
public record CmfPush(String site, String pipelineName, String dump, int executions, long records) {

  /**
   * The request body the cmf client posts ({@code Content-Type: application/json}): {@code
   * {"exec_uuid": null, "json_payload": "<the dump as a string>", "pipeline_name": "..."}}; the
   * payload is double-encoded, as cmf-protocol.md section 1.1 says.
   */
  public String requestBody() {
    return requestBody(null);
  }

  /** The request body of {@code cmf metadata push -e <execUuid>}: the whole dump, one execution selected. */
  public String requestBody(final String execUuid) {
    final Map<String, Object> body = new LinkedHashMap<>();
    body.put("exec_uuid", execUuid);
    body.put("json_payload", dump);
    body.put("pipeline_name", pipelineName);
    return JsonText.python(body);
  }
}
