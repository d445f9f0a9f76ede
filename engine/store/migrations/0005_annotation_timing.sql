-- segroi store, schema version 5: how each annotation item was timed.
-- timing: 'browser'   activity measured in the browser (every pointer event on the canvas and page
--                     visibility, with the browser's timestamps) besides the server's events;
--         'server'    server round-trips only (display, a closed polygon, a finished box, widgets,
--                     accept): a trace reached the server only when it was closed, so a trace slower
--                     than the idle threshold counted as idle. Every human item stored before this
--                     version was timed so.
--         'simulated' the simulated annotator's time model (segroi annotate-sim).
-- hidden_seconds: the part of idle_seconds when the page was hidden (browser timing only).
-- compute_seconds: SAM computing masks while the item was on screen, in neither active nor idle
--                  (browser timing only; NULL where it was not measured).

ALTER TABLE annotation_items ADD COLUMN timing VARCHAR;
ALTER TABLE annotation_items ADD COLUMN hidden_seconds DOUBLE;
ALTER TABLE annotation_items ADD COLUMN compute_seconds DOUBLE;
UPDATE annotation_items SET timing = CASE WHEN simulated THEN 'simulated' ELSE 'server' END;
