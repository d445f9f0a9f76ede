-- segroi store, schema version 8: what the anatomical QC did in label-free training (segroi train-ssl).
-- qc_rejections       one object per round (and the final network's own predictions), rule -> frames
--                     it rejected: absent, parts, area, eccentricity, solidity, sector edge, layout, cine
-- final_qc_pass_rate  share of frames whose prediction by the final network passes QC
-- qc_floor            the floor training had to clear: {"min_frames", "min_share", "min_ratio"}
-- frames_offered      frames read, before cines longer than frames_per_cine were sampled
-- frames_per_cine     the sampling limit (0: every frame)
-- cines               cines (source files) the frames came from
-- A run stopped by the floor or by a collapsed self-training round has no training_runs row:
-- its runs row has status 'failed' and the reason (the rules that rejected most frames).

ALTER TABLE training_runs ADD COLUMN qc_rejections JSON;
ALTER TABLE training_runs ADD COLUMN final_qc_pass_rate DOUBLE;
ALTER TABLE training_runs ADD COLUMN qc_floor JSON;
ALTER TABLE training_runs ADD COLUMN frames_offered INTEGER;
ALTER TABLE training_runs ADD COLUMN frames_per_cine INTEGER;
ALTER TABLE training_runs ADD COLUMN cines INTEGER;
