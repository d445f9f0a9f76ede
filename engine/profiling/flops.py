"""FLOPs per call, counted by torch.utils.flop_counter.FlopCounterMode.

Counting runs on "meta" tensors where the model allows it (shapes only: instant, no memory), so
even SAM ViT-H at 1024x1024 is counted in well under a second on a CPU. The counter reports
2 FLOPs per multiply-add of matrix products and convolutions (attention included); element-wise
work (norms, activations, interpolation) is not counted.
"""

from __future__ import annotations

from typing import Callable


def count_flops(fn: Callable[[], object]) -> float:
    """FLOPs of calling `fn()` once (forward only, no gradients)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        fn()
    return float(counter.get_total_flops())
