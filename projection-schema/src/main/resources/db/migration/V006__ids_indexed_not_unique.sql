-- SPDX-License-Identifier: Apache-2.0
-- V003's ids are the first 52 bits of the SHA-256 of an entity's identity: among ten million
-- artifacts two share an id with a chance of about 1%. Under a unique index such a pair made the
-- PostgreSQL sink refuse its batch on every retry, and its partition stopped for good. The ids
-- stay indexed, no longer unique (as executions_by_id already was: a reused execution's uuids
-- share one); a read by id that finds two rows takes the first seen (query-service's
-- ProjectionStore.artifactById).
DROP INDEX pipelines_by_id;
CREATE INDEX pipelines_by_id ON pipelines (id);
DROP INDEX stages_by_id;
CREATE INDEX stages_by_id ON stages (id);
DROP INDEX artifacts_by_id;
CREATE INDEX artifacts_by_id ON artifacts (id);
