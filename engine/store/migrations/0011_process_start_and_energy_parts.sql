-- segroi store, schema version 11: which process a running run belongs to, and energy by part.
-- runs.process_started_at        when the run's process started (UTC, from /proc on Linux). A run
--                                stays `running` only while a process with its pid and this start
--                                time exists: a pid the system gave to a new process no longer keeps
--                                a dead run running. NULL for runs started before version 11 or where
--                                the start time cannot be read; those are judged by the pid alone.
-- profiles.gpu_joules            the GPU's energy over the measured window (NVML), when measured;
-- profiles.cpu_package_joules    the CPU packages' (RAPL package zones) over the same window;
-- profiles.dram_joules           the memory's (RAPL dram zones) over the same window.
--                                energy_joules stays the device's own figure (the GPU on cuda, the
--                                packages and memory on cpu), which the per-image figures divide.
--                                NULL where that part was not measured, and on rows from before 11.

ALTER TABLE runs ADD COLUMN process_started_at TIMESTAMP;
ALTER TABLE profiles ADD COLUMN gpu_joules DOUBLE;
ALTER TABLE profiles ADD COLUMN cpu_package_joules DOUBLE;
ALTER TABLE profiles ADD COLUMN dram_joules DOUBLE;
