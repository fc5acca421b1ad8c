CREATE TABLE runs (
  id       bigint PRIMARY KEY,
  pipeline text   NOT NULL,
  stage    text   NOT NULL
);
