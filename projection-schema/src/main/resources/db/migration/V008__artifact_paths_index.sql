-- SPDX-License-Identifier: Apache-2.0
-- The v1 API's artifact name filter matches a name as logged ("artifacts/data.csv:<md5>") or its
-- path (what precedes the first ':'). The path was matched by unnesting every artifact's names, an
-- OR no index could serve, so a name no artifact had read every artifact. The paths, as an
-- immutable function of the names, are indexed like the names (V003's artifacts_by_name), and the
-- filter's two halves are each an index condition.
CREATE FUNCTION artifact_paths(names text[]) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(split_part(n, ':', 1)), '{}') FROM unnest(names) AS n $$;

CREATE INDEX artifacts_by_path ON artifacts USING gin (artifact_paths(names));
