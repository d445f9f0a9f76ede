-- segroi store, schema version 2: annotation sessions.
-- run_id links a simulated session (segroi annotate-sim) and its items to the run that wrote them
-- in one transaction; browser sessions leave it NULL (their items are written one by one).
-- review_seconds: in an ssl review item, the active seconds from display to the accept/correct
-- decision (for an accepted item it equals active_seconds; for a corrected one the rest was tracing).
-- prompt: how the structure was given: polygon, box, points, box+points, or review.

ALTER TABLE annotation_sessions ADD COLUMN run_id VARCHAR;
ALTER TABLE annotation_items ADD COLUMN run_id VARCHAR;
ALTER TABLE annotation_items ADD COLUMN review_seconds DOUBLE;
ALTER TABLE annotation_items ADD COLUMN prompt VARCHAR;
