-- segroi store, schema version 6.
-- 1. Scenarios stored before named options had exactly the options manual, sam and ssl, with no kind.
--    They get their kinds written out (manual, prompted, automatic); the numbers they give do not
--    change. The patch appends each option's "kind" and keeps the options in their stored order.
-- 2. published_accuracy: accuracy figures from the literature (one row per model, dataset, structure
--    and metric), with their citation, shown beside segroi's own measured evaluations. `segroi demo`
--    fills it from engine/reference.py.

UPDATE scenarios
SET assumptions = json_merge_patch(assumptions,
    '{"options": {"manual": {"kind": "manual"}, "sam": {"kind": "prompted"}, "ssl": {"kind": "automatic"}}}')
WHERE json_exists(assumptions, '$.options.manual') AND json_exists(assumptions, '$.options.sam')
  AND json_exists(assumptions, '$.options.ssl')
  AND NOT json_exists(assumptions, '$.options.manual.kind')
  AND NOT json_exists(assumptions, '$.options.sam.kind')
  AND NOT json_exists(assumptions, '$.options.ssl.kind');

CREATE TABLE published_accuracy (
    run_id      VARCHAR NOT NULL,               -- the segroi demo run that stored it
    model       VARCHAR NOT NULL,               -- as the source names it: fine-tuned SAM, label-free SSL, ...
    family      VARCHAR NOT NULL,               -- sam, ssl or other: which kind of option it speaks for
    dataset     VARCHAR NOT NULL,               -- EchoNet-Dynamic test set, CAMUS A4C, ...
    structure   VARCHAR,                        -- LV, ...; NULL when the figure spans structures
    metric      VARCHAR NOT NULL,               -- dice, r2, accuracy
    value       DOUBLE NOT NULL,
    sd          DOUBLE,
    low         DOUBLE,                         -- a reported range (r2 0.55-0.84), else NULL
    high        DOUBLE,
    note        VARCHAR,
    source      VARCHAR NOT NULL,
    provenance  VARCHAR NOT NULL                -- published
);
