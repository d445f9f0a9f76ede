"""Compute measurement: time, energy, memory and FLOPs of segroi's models on a CPU or a CUDA GPU.

    device.py     the device layer (CPU or CUDA); NVML only through nvml.py, RAPL through rapl.py
    timing.py     warm-up + steady-state window, CUDA events or wall clock
    energy.py     energy meters over that window (NVML counter, NVML power sampling, RAPL, none)
    monitor.py    EnergyMonitor: named, nestable windows; GPU, CPU-package and DRAM energy apart
    sampler.py    the power-sampling process for GPUs without an energy counter
    memory.py     peak memory per setting
    flops.py      FLOPs per call from torch's flop counter
    hardware.py   what it ran on (the `hardware` row)
    settings.py   the sweep: one Setting per measured configuration
    workloads.py  the models as steps (SSL U-Net; SAM encoder and decoder)
    profiler.py   profile_models(): the sweep -> `profiles` rows
    to_cost.py    stored rows -> the cost model's option `profile`

Method and pitfalls: docs/profiling.md. Importing this package imports no torch.
"""
