// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.receipt;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.cmfstream.ingest.web.Problems;

/**
 * {@code GET /api/v1/receipts/{id}}: PENDING, or APPLIED with the counts of new, duplicate and
 * conflicting records. Receipts are the ids that uploads answer with.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
final class ReceiptController {

  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Optional<ReceiptRepository> repository;

  ReceiptController(final Optional<ReceiptRepository> repository) {
    this.repository = repository;
  }

  @Get(uris = {"/api/v1/receipts/{id}", "/v1/receipts/{id}"}, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> receipt(@PathVariable final String id) {
    if (!ID.matcher(id).matches()) {
      return Problems.problem(400, "invalid-receipt", "'" + id + "' is not a receipt id (a lower-case UUID)");
    }
    if (repository.isEmpty()) {
      return Problems.problem(503, "no-projection", "this ingest-service has no database to read receipts from");
    }
    try {
      return HttpResponse.ok(repository.get().find(id));
    } catch (SQLException | org.neo4j.driver.exceptions.Neo4jException e) {
      return Problems.problem(503, "database-unavailable", "receipts cannot be read now: " + e.getMessage()).header("Retry-After", "5");
    }
  }
}
