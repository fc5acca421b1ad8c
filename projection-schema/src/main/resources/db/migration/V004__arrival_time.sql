-- SPDX-License-Identifier: Apache-2.0
-- synced: when a change of the entity last reached this server, for the incremental pull
-- (mlmd_pull with last_sync_time, cmf-protocol.md section 4.3: a peer keeps the server's now_ms of
-- its last sync, and gets what changed here after it). V003's updated is the newest event time,
-- the sites' clocks: an entity logged at a site before a peer's last sync but uploaded after it
-- would never reach that peer. The PostgreSQL sink sets synced to the greatest Kafka timestamp of
-- the cmf.entities.v1 records it applied for the entity: the time ingest-service took the upload,
-- which Kafka keeps with each record, so a rebuild from the topic gives the same values.
-- Rows written before this migration get their update time until they change or are rebuilt.
--
-- Since this version the sink also keeps a double that JSON cannot hold (NaN, an infinity) in
-- jsonb as the object {"$double": "NaN"} (or "Infinity", "-Infinity"), which query-service reads
-- back as the double, instead of V002's plain string, which cannot be told from a string value.
ALTER TABLE pipelines  ADD COLUMN synced bigint;
ALTER TABLE stages     ADD COLUMN synced bigint;
ALTER TABLE executions ADD COLUMN synced bigint;
ALTER TABLE artifacts  ADD COLUMN synced bigint;

UPDATE pipelines  SET synced = updated;
UPDATE stages     SET synced = updated;
UPDATE executions SET synced = updated;
UPDATE artifacts  SET synced = updated;
