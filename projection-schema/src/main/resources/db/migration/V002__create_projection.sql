-- SPDX-License-Identifier: Apache-2.0
-- The queryable projection of cmf.entities.v1 (DESIGN.md, "Stores"). Each table holds the latest
-- merged state of its entities; the PostgreSQL sink writes them together with its consumed offsets
-- (sink_offsets) in one transaction. Property values that JSON cannot hold (NaN, infinities) are
-- stored as the strings "NaN", "Infinity" and "-Infinity".

CREATE TABLE pipelines (
  name              text PRIMARY KEY,
  custom_properties jsonb  NOT NULL DEFAULT '{}',
  first_seen        bigint
);

CREATE TABLE stages (
  name              text PRIMARY KEY,
  pipeline          text,
  custom_properties jsonb  NOT NULL DEFAULT '{}',
  created           bigint,
  first_seen        bigint
);
CREATE INDEX stages_by_pipeline ON stages (pipeline, name);

CREATE TABLE executions (
  uuid              text PRIMARY KEY,
  pipeline          text,
  stage             text,
  type              text,
  name              text,
  properties        jsonb  NOT NULL DEFAULT '{}',
  custom_properties jsonb  NOT NULL DEFAULT '{}',
  uuids             text[] NOT NULL DEFAULT '{}',
  created           bigint,
  first_seen        bigint
);
-- Pages of a stage's executions, newest first, keyset-paged by (created, uuid).
CREATE INDEX executions_by_stage ON executions (pipeline, stage, created DESC, uuid);

CREATE TABLE artifacts (
  uri               text PRIMARY KEY,
  type              text,
  names             text[] NOT NULL DEFAULT '{}',
  properties        jsonb  NOT NULL DEFAULT '{}',
  custom_properties jsonb  NOT NULL DEFAULT '{}',
  sets              jsonb  NOT NULL DEFAULT '{}',
  created           bigint,
  first_seen        bigint
);
CREATE INDEX artifacts_by_type ON artifacts (type, uri);

CREATE TABLE events (
  execution_uuid text   NOT NULL,
  artifact_uri   text   NOT NULL,
  direction      text   NOT NULL,
  first_seen     bigint,
  PRIMARY KEY (execution_uuid, artifact_uri, direction)
);
CREATE INDEX events_by_artifact ON events (artifact_uri, direction, execution_uuid);

CREATE TABLE metrics (
  execution_uuid text   NOT NULL,
  name           text   NOT NULL,
  step           bigint NOT NULL,
  value          double precision,
  first_seen     bigint,
  PRIMARY KEY (execution_uuid, name, step)
);

-- Immutable facts that disagree: every value, side by side, per entity and field.
CREATE TABLE conflicts (
  entity_key text  NOT NULL,
  field      text  NOT NULL,
  vals       jsonb NOT NULL,
  PRIMARY KEY (entity_key, field)
);

CREATE TABLE site_watermarks (
  site             text PRIMARY KEY,
  complete_through bigint NOT NULL,
  gaps             text[] NOT NULL DEFAULT '{}'
);

-- An upload is applied in PostgreSQL when every partition of cmf.entities.v1 has marked it here.
CREATE TABLE barriers (
  upload     text    NOT NULL,
  partition  integer NOT NULL,
  partitions integer NOT NULL,
  site       text    NOT NULL,
  records    bigint  NOT NULL,
  fresh      bigint  NOT NULL,
  duplicates bigint  NOT NULL,
  conflicts  bigint  NOT NULL,
  PRIMARY KEY (upload, partition)
);
