// SPDX-License-Identifier: Apache-2.0
// Copyright the cmf-stream authors
package org.cmfstream.ingest.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import org.cmfstream.deploy.stack.StackEndpoints;
import org.cmfstream.testing.SharedLocalStack;
import org.cmfstream.testing.UniqueNames;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Receipts read from the real PostgreSQL, by a PostgreSQL sink of the version before this one. */
class ReceiptRepositoryIT {

  /**
   * An ingest upgraded before the replay reads barriers before the replay's migration V007 added
   * {@code refused}: every receipt answered 503, and every cmf push {@code success} unapplied.
   */
  @Test
  void shouldReadAReceiptFromBarriersWrittenBeforeRefusalsWereCounted() throws Exception {
    // given: the barriers table as V002 made it, in a schema of its own, and an upload marked on both of two partitions
    final StackEndpoints stack = SharedLocalStack.endpoints();
    final String schema = UniqueNames.identifier("before_v007");
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword()); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
      s.execute("CREATE TABLE " + schema + ".barriers (upload text NOT NULL, partition integer NOT NULL, partitions integer NOT NULL, site text NOT NULL, "
          + "records bigint NOT NULL, fresh bigint NOT NULL, duplicates bigint NOT NULL, conflicts bigint NOT NULL, PRIMARY KEY (upload, partition))");
      s.execute("INSERT INTO " + schema + ".barriers VALUES ('u-1', 0, 2, 'edge', 3, 2, 1, 0), ('u-1', 1, 2, 'edge', 3, 0, 0, 0)");
    }
    final PGSimpleDataSource old = new PGSimpleDataSource();
    old.setUrl(stack.jdbcUrl());
    old.setUser(stack.jdbcUser());
    old.setPassword(stack.jdbcPassword());
    old.setCurrentSchema(schema);

    // when
    final ReceiptView receipt = new ReceiptRepository(old, Optional.empty()).find("u-1");

    // then
    assertThat(receipt).isEqualTo(new ReceiptView("u-1", ReceiptView.APPLIED, 2, 2, 3, 2, 1, 0, 0));
  }
}
