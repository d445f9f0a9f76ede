"""What a profile sweeps: one `Setting` per measured configuration, every field a stored column.

Recipes (`--modes`), each applied to every dtype and batch size asked for unless noted:

    plain          PyTorch defaults: eager, NCHW, cudnn.benchmark off; bf16 through autocast.
    channels_last  plain + channels_last memory format (convolutional models only).
    tuned          the fastest eager setup: cudnn.benchmark on; bf16 *weights* (no autocast);
                   U-Net: channels_last; SAM encoder: attention through scaled_dot_product_attention.
    compile        tuned + torch.compile (default mode), largest batch only.
    cuda_graphs    tuned + torch.compile(mode="reduce-overhead") = compiled kernels replayed as CUDA
                   graphs, largest batch only; GPU only.
    max_autotune   tuned + torch.compile(mode="max-autotune") (autotuned kernels + CUDA graphs),
                   largest batch only; GPU only; compiles for minutes.
    autotune       tuned + torch.compile(mode="max-autotune-no-cudagraphs"): autotuned kernels,
                   launched one by one; largest batch only; GPU only; compiles for minutes.

SAM's decoder (prompt encoder + mask decoder) runs in fp32 or under autocast: its prompt code
builds fp32 tensors internally, so bf16 weights do not apply, and its `tuned` setting is its
`plain` one (compiled recipes still apply to it). Settings that come out identical
under two recipes are measured once, under the first recipe named.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MODES = ("plain", "channels_last", "tuned", "compile", "cuda_graphs", "max_autotune", "autotune")
DTYPES = ("fp32", "bf16")
COMPILE_MODES = {
    "compile": "default",
    "cuda_graphs": "reduce-overhead",
    "max_autotune": "max-autotune",
    "autotune": "max-autotune-no-cudagraphs",
}
GPU_ONLY = ("cuda_graphs", "max_autotune", "autotune")


@dataclass(frozen=True)
class Setting:
    component: str  # full (U-Net), encoder, decoder
    dtype: str  # fp32, bf16
    dtype_mode: str  # fp32, autocast, weights
    batch: int  # images per call (decoder: prompts per call)
    recipe: str  # the MODES entry it came from
    channels_last: bool = False
    attention: str | None = None  # SAM encoder: default or sdpa
    compile_mode: str | None = None
    cudnn_benchmark: bool = False

    @property
    def compiled(self) -> bool:
        return self.compile_mode is not None

    @property
    def cuda_graphs(self) -> bool:
        return self.compile_mode in ("reduce-overhead", "max-autotune")

    def key(self) -> tuple:
        return (
            self.component,
            self.dtype,
            self.dtype_mode,
            self.batch,
            self.channels_last,
            self.attention,
            self.compile_mode,
            self.cudnn_benchmark,
        )

    def label(self) -> str:
        bits = [
            self.component,
            self.dtype if self.dtype_mode != "weights" else "bf16-weights",
            f"b{self.batch}",
            self.recipe,
        ]
        return " ".join(bits)


def _base(component: str, dtype: str, batch: int, recipe: str) -> Setting:
    mode = "fp32" if dtype == "fp32" else "autocast"
    attention = "default" if component == "encoder" else None
    return Setting(component, dtype, mode, batch, recipe, attention=attention)


def _tuned(s: Setting, conv: bool) -> Setting:
    if s.component == "decoder":
        return s  # nothing to tune eagerly: fp32 or autocast only, no attention switch
    s = replace(s, cudnn_benchmark=True)
    if s.component != "decoder" and s.dtype != "fp32":
        s = replace(s, dtype_mode="weights")
    if conv:
        s = replace(s, channels_last=True)
    if s.component == "encoder":
        s = replace(s, attention="sdpa")
    return s


def plan(
    components: list[str],
    conv: bool,
    device_type: str,
    dtypes: list[str],
    batches: list[int],
    prompt_batches: list[int],
    modes: list[str],
) -> list[Setting]:
    """The settings to measure for one model, in order, duplicates removed.

    `conv` says the model is convolutional (channels_last applies); components are "full" for
    the U-Net or "encoder"/"decoder" for SAM.
    """
    out: list[Setting] = []
    seen: set[tuple] = set()
    for mode in modes:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if mode in GPU_ONLY and device_type != "cuda":
            continue
        if mode == "channels_last" and not conv:
            continue
        for component in components:
            sizes = prompt_batches if component == "decoder" else batches
            if mode in COMPILE_MODES and component != "decoder":
                sizes = [max(sizes)]
            for dtype in dtypes:
                for b in sizes:
                    s = _base(component, dtype, b, mode)
                    if mode == "channels_last":
                        s = replace(s, channels_last=True)
                    elif mode != "plain":
                        s = _tuned(s, conv)
                    if mode in COMPILE_MODES:
                        s = replace(s, compile_mode=COMPILE_MODES[mode])
                    if s.key() not in seen:
                        seen.add(s.key())
                        out.append(s)
    return out
