-- SPDX-License-Identifier: Apache-2.0
-- What the read side needs beyond V002 (query-service, issue #5):
--  * id: a stable integer per pipeline, stage, execution and artifact. The cmf routes speak in
--    MLMD-style integer ids (execution_id, artifact_id, model-card?modelId=, Context_ID). The sink
--    derives each from the entity's identity (the first 52 bits of SHA-256, so it fits a
--    JavaScript number), so every replay copy, and every rebuild, gives the same id.
--  * updated: the newest event time among the entity's mutable values, for the dumps'
--    last_update_time_since_epoch and the incremental pull (last_sync_time).
--  * indexes behind the cmf and v1 reads: ids, names of artifacts, events by execution, property
--    filters.
ALTER TABLE pipelines  ADD COLUMN id bigint, ADD COLUMN updated bigint;
ALTER TABLE stages     ADD COLUMN id bigint, ADD COLUMN updated bigint;
ALTER TABLE executions ADD COLUMN id bigint, ADD COLUMN updated bigint;
ALTER TABLE artifacts  ADD COLUMN id bigint, ADD COLUMN updated bigint;

CREATE UNIQUE INDEX pipelines_by_id  ON pipelines (id);
CREATE UNIQUE INDEX stages_by_id     ON stages (id);
CREATE INDEX executions_by_id        ON executions (id);
CREATE UNIQUE INDEX artifacts_by_id  ON artifacts (id);

-- The v1 API's keyset pages, newest first by first_seen (never null, unlike created): of a
-- stage, of a pipeline, of everything.
CREATE INDEX executions_v1_by_stage ON executions (pipeline, stage, first_seen DESC, uuid);
CREATE INDEX executions_v1_by_pipeline ON executions (pipeline, first_seen DESC, uuid);
CREATE INDEX executions_v1 ON executions (first_seen DESC, uuid);
-- Artifacts by type and in all, newest first; a name's lookup.
CREATE INDEX artifacts_v1_by_type ON artifacts (type, first_seen DESC, uri);
CREATE INDEX artifacts_v1 ON artifacts (first_seen DESC, uri);
CREATE INDEX artifacts_by_name ON artifacts USING gin (names);
-- Property filters: custom_properties @> '{"k": v}'.
CREATE INDEX executions_custom ON executions USING gin (custom_properties jsonb_path_ops);
CREATE INDEX artifacts_custom ON artifacts USING gin (custom_properties jsonb_path_ops);
