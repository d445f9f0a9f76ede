-- segroi store, schema version 7: where a profile was measured, and runs brought from other stores.
-- profiles.host / hardware.host  the machine the row was measured on (socket host name). Rows measured
--                                before version 7 take their run's host; published anchors stay NULL.
-- runs.import_id                 the bundle import that brought the run into this store (segroi runs
--                                import); NULL for runs made here. host, pid and dates stay the origin's.
-- bundle_imports                 one row per import that added runs: where the bundle came from, the
--                                segroi and schema versions that wrote it, and its manifest.

ALTER TABLE profiles ADD COLUMN host VARCHAR;
ALTER TABLE hardware ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN import_id VARCHAR;

UPDATE profiles SET host = (SELECT r.host FROM runs r WHERE r.id = profiles.run_id)
WHERE host IS NULL AND run_id IN (SELECT id FROM runs WHERE kind = 'profile');
UPDATE hardware SET host = (SELECT r.host FROM runs r WHERE r.id = hardware.run_id)
WHERE host IS NULL AND run_id IN (SELECT id FROM runs WHERE kind = 'profile');

CREATE TABLE bundle_imports (
    id                     VARCHAR PRIMARY KEY,
    imported_at            TIMESTAMP NOT NULL,
    source                 VARCHAR,             -- the bundle's folder or file name
    bundle_segroi_version  VARCHAR,
    bundle_schema_version  INTEGER,
    exported_at            TIMESTAMP,
    exported_from_host     VARCHAR,
    runs_added             INTEGER NOT NULL,
    runs_present           INTEGER NOT NULL,    -- runs of the bundle this store already had
    manifest               JSON
);
