-- segroi store: every saved version of a scenario (the audit trail).
-- scenario_versions  one row per save: the scenario's name and version number (1, 2, ...), when it was saved,
--                    who saved it (the login name, a pseudonym, or the command that saved it; shown escaped),
--                    its assumptions and provenance as saved, its note, and which inputs changed from the
--                    previous version (dotted fields whose value, range or source differ).
-- Scenarios stored before this version get their current state as version 1, saved by nobody known.

CREATE TABLE scenario_versions (
    name         VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    saved_at     TIMESTAMP NOT NULL,
    saved_by     VARCHAR,
    assumptions  JSON NOT NULL,
    provenance   JSON,
    note         VARCHAR,
    changed      JSON,                           -- ["labour.clinician_wage_per_hour", ...]
    PRIMARY KEY (name, version)
);

INSERT INTO scenario_versions (name, version, saved_at, saved_by, assumptions, provenance, note, changed)
SELECT name, 1, updated_at, NULL, assumptions, provenance, note, '[]' FROM scenarios;
