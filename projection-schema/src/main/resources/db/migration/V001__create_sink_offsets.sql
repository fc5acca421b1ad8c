-- SPDX-License-Identifier: Apache-2.0
-- The consumed offsets of each sink, written in the same transaction as the rows they produced,
-- so that a sink restarted after a crash resumes exactly where its last commit ended: nothing
-- lost, nothing applied twice (DESIGN.md, "Stores").
CREATE TABLE sink_offsets (
  sink        text    NOT NULL,
  topic       text    NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint  NOT NULL CHECK (next_offset >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sink, topic, partition)
);
