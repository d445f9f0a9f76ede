-- segroi store, schema version 4: annotator pseudonyms that cannot be guessed back.
-- Until now a pseudonym was 'ann-' + 10 hex of an unsalted SHA-256 of the typed name, so anyone
-- with the store could try names until one matched. From now on it is 'ann-' + 12 hex of an
-- HMAC-SHA256 keyed with the install's salt (engine.annotation.session.pseudonym).
-- The names were never stored, so the old pseudonyms cannot be re-keyed. Each one is replaced by a
-- random 'ann-x' + 11 hex, the same for all of its sessions (and in scenario provenance, sources and
-- notes that quote it), so those sessions still group by annotator; a person who annotates again
-- gets a keyed pseudonym that is not linked to their earlier sessions.

CREATE TEMP TABLE _segroi_pseudonyms AS
    SELECT old, 'ann-x' || substr(replace(CAST(gen_random_uuid() AS VARCHAR), '-', ''), 1, 11) AS new
    FROM (SELECT DISTINCT annotator AS old FROM annotation_sessions
          WHERE regexp_full_match(annotator, 'ann-[0-9a-f]{10}'));

UPDATE annotation_sessions SET annotator = m.new
    FROM _segroi_pseudonyms m WHERE annotation_sessions.annotator = m.old;

UPDATE scenarios SET
    assumptions = CAST(list_reduce((SELECT list(struct_pack(o := old, n := new)) FROM _segroi_pseudonyms),
                                   lambda acc, x: replace(acc, x.o, x.n), CAST(assumptions AS VARCHAR)) AS JSON),
    provenance = CAST(list_reduce((SELECT list(struct_pack(o := old, n := new)) FROM _segroi_pseudonyms),
                                  lambda acc, x: replace(acc, x.o, x.n), CAST(provenance AS VARCHAR)) AS JSON),
    note = list_reduce((SELECT list(struct_pack(o := old, n := new)) FROM _segroi_pseudonyms),
                       lambda acc, x: replace(acc, x.o, x.n), note)
    WHERE EXISTS (SELECT 1 FROM _segroi_pseudonyms);

-- An old pseudonym quoted by a scenario whose session is gone: nothing to group it with.
UPDATE scenarios SET
    assumptions = CAST(regexp_replace(CAST(assumptions AS VARCHAR), '\bann-[0-9a-f]{10}\b', 'ann-removed', 'g') AS JSON),
    provenance = CAST(regexp_replace(CAST(provenance AS VARCHAR), '\bann-[0-9a-f]{10}\b', 'ann-removed', 'g') AS JSON),
    note = regexp_replace(note, '\bann-[0-9a-f]{10}\b', 'ann-removed', 'g');

DROP TABLE _segroi_pseudonyms;
