-- segroi store, schema version 3: every profile setting and method as a column (segroi profile).
-- dtype_mode     how the dtype was applied: fp32, autocast (fp32 weights, bf16 compute), weights
--                (weights and inputs cast to bf16).
-- recipe         the sweep recipe the row came from: plain, channels_last, tuned, compile,
--                cuda_graphs, max_autotune (see docs/profiling.md).
-- attention      SAM encoder only: default (segment-anything's own) or sdpa.
-- compile_mode   NULL when eager, else torch.compile's mode (default, reduce-overhead, max-autotune).
-- reduced_input  TRUE when the input is smaller than the model's published size (a CPU smoke run):
--                such compute figures are not the published model's.
-- For SAM decoder rows (component decoder) batch is prompts per call and the per-prompt columns
-- are filled; images_per_second / seconds_per_image / joules_per_image stay NULL.

ALTER TABLE profiles ADD COLUMN dtype_mode VARCHAR;
ALTER TABLE profiles ADD COLUMN recipe VARCHAR;
ALTER TABLE profiles ADD COLUMN attention VARCHAR;
ALTER TABLE profiles ADD COLUMN compile_mode VARCHAR;
ALTER TABLE profiles ADD COLUMN compile_seconds DOUBLE;
ALTER TABLE profiles ADD COLUMN cudnn_benchmark BOOLEAN;
ALTER TABLE profiles ADD COLUMN matmul_precision VARCHAR;
ALTER TABLE profiles ADD COLUMN threads INTEGER;
ALTER TABLE profiles ADD COLUMN reduced_input BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE profiles ADD COLUMN parameters BIGINT;
ALTER TABLE profiles ADD COLUMN timing_method VARCHAR;
ALTER TABLE profiles ADD COLUMN warmup_seconds DOUBLE;
ALTER TABLE profiles ADD COLUMN warmup_iterations INTEGER;
ALTER TABLE profiles ADD COLUMN energy_window_seconds DOUBLE;
ALTER TABLE profiles ADD COLUMN energy_joules DOUBLE;
ALTER TABLE profiles ADD COLUMN power_samples INTEGER;
ALTER TABLE profiles ADD COLUMN prompts_per_second DOUBLE;
ALTER TABLE profiles ADD COLUMN joules_per_prompt_idle_subtracted DOUBLE;
ALTER TABLE profiles ADD COLUMN memory_method VARCHAR;
ALTER TABLE profiles ADD COLUMN note VARCHAR;
