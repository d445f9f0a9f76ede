"""Peak memory over one measured setting.

The profiler calls `mark()` before a setting builds anything, `reset()` once it is built (its own
copy of the weights and its inputs exist, the transient copies made while casting are gone) and
`peak()` after the timed window.

- cuda_peak_above_baseline  the CUDA caching allocator's peak of live tensor bytes on the device
                      (torch.cuda.max_memory_allocated) minus what was already allocated at
                      `mark()`: the setting's own weights, inputs, activations and workspaces,
                      without the master copy of the model it was made from or anything else
                      left on the device. Memory the allocator reserved but did not use, and the
                      CUDA context (~0.5 GB), are not included.
- process_peak_rss    on the CPU: the process's peak resident set (VmHWM), reset before each
                      setting through /proc/self/clear_refs. It includes Python, torch and the
                      model weights, so it is an upper bound on what the model itself needs.
- not_measured        neither is available: peak is None.
"""

from __future__ import annotations

from pathlib import Path

CUDA_ALLOCATED = "cuda_peak_above_baseline"
PROCESS_RSS = "process_peak_rss"
NOT_MEASURED = "not_measured"


class CudaPeakMemory:
    method = CUDA_ALLOCATED

    def __init__(self, device):
        import torch

        self.torch = torch
        self.device = device
        self.baseline = 0

    def mark(self) -> None:
        self.torch.cuda.synchronize(self.device)
        self.baseline = int(self.torch.cuda.memory_allocated(self.device))

    def reset(self) -> None:
        self.torch.cuda.synchronize(self.device)
        self.torch.cuda.reset_peak_memory_stats(self.device)

    def peak(self) -> int | None:
        self.torch.cuda.synchronize(self.device)
        return max(0, int(self.torch.cuda.max_memory_allocated(self.device)) - self.baseline)


def _read_hwm(status: Path) -> int | None:
    try:
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class ProcessPeakRss:
    def __init__(self, proc: Path | str = "/proc/self"):
        self.proc = Path(proc)
        self.method = PROCESS_RSS if _read_hwm(self.proc / "status") is not None else NOT_MEASURED
        self._reset_ok = False

    def mark(self) -> None:
        pass  # the process's peak includes everything it holds; there is no baseline to take off

    def reset(self) -> None:
        try:
            (self.proc / "clear_refs").write_text("5")  # 5: reset the peak RSS to the current RSS
            self._reset_ok = True
        except OSError:
            self._reset_ok = False

    def peak(self) -> int | None:
        # Without a reset the high-water mark is the whole process's; do not pass it off as this
        # setting's peak.
        if self.method == NOT_MEASURED or not self._reset_ok:
            return None
        return _read_hwm(self.proc / "status")
