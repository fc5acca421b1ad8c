CREATE INDEX runs_by_pipeline ON runs (pipeline, stage);
INSERT INTO runs VALUES (1, 'Test-env', 'Prepare'), (2, 'Test-env', 'Train'), (3, 'Other', 'Prepare');
