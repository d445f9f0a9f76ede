"""Reference data shipped with segroi: the reference scenario, the H100 compute anchors and the
published accuracy figures.

Every default carries its provenance - measured / published / simulated / assumed - and a
source: a citation for published figures, docs/reference-measurements.md (method, card, date, raw rows)
for the H100 compute anchors, the reasoning for assumed ones. Plain data, read from here by tests, the
cost command and the dashboard; `seed(store)` writes it into a store (`segroi demo`, and the dashboard
when its store is empty). `preferred_scenario` is the one rule for which stored scenario to show when
none is named.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

REFERENCE_NAME = "reference"
ANCHOR_DATE = "2026-11-26"
ANCHOR_DEVICE = "NVIDIA H100 80GB HBM3"
ANCHOR_SOURCE = f"H100 80GB HBM3, random weights, {ANCHOR_DATE}"
ANCHOR_TORCH = "2.11.0+cu130"
ANCHOR_IDLE_WATTS = 70.677
ANCHOR_DOC = "docs/reference-measurements.md"  # method, card and date of the anchors, and their raw rows

CHAO = "Chao et al., npj Digit Med (2025), doi 10.1038/s41746-025-01730-y; medRxiv 10.1101/2023.09.19.23295772"
BLS = "US BLS OEWS, diagnostic medical sonographers (29-2032), May 2021"
NICE = "NICE discounting convention: 3.5 %/yr, 1.5 % as a sensitivity case"
FERREIRA_SSL = (
    "Ferreira, Lau, Salaymang & Arnaout, Nat Commun 16, 4070 (2025); arXiv:2210.04979: "
    "trained on 450 echocardiograms with no manual labels"
)
FERREIRA_SAM = "Ferreira & Arnaout, arXiv:2311.04847 (2023): SAM performed poorly and needed more labelling than SSL"
CAMUS = "CAMUS layout: ED and ES frames of A2C and A4C views; LV cavity, myocardium and LA labelled"
SEGROI = "segroi reference scenario (set by the segroi authors; change it to your site's figure)"


@dataclass(frozen=True)
class _Ref:
    value: float | str | bool
    kind: str
    source: str
    low: float | None = None
    high: float | None = None
    dist: str = "triangular"

    def leaf(self):
        if self.low is None:
            return self.value
        return {"value": self.value, "low": self.low, "high": self.high, "dist": self.dist}


def _a(value, why: str, low=None, high=None, dist="triangular") -> _Ref:
    return _Ref(value, "assumed", f"{SEGROI}: {why}", low, high, dist)


def _anchor_source(what: str) -> str:
    return f"{ANCHOR_SOURCE} ({ANCHOR_DOC}: {what})"


_SAM_ENC_S = 396.06317138671875 / 1000 / 8  # ViT-H encoder, bf16, batch 8
_SSL_S = 60.07867431640625 / 1000 / 256  # 5-level 32->512 U-Net, bf16, batch 256
_SAM_DEC_S = 4.855249685834544 / 1000  # ViT-H decoder + prompt encoder, per box, fp32

_TREE: dict[str, Any] = {
    "horizon_years": _a(5, "a five-year planning horizon for an IT investment"),
    "discount_rate": _Ref(0.035, "published", f"{NICE} (range 1.5-3.5 %)", 0.015, 0.035),
    "workload": {
        "studies_per_year": _a(10000, "a mid-size echo lab's annual studies"),
        "frames_per_study": _Ref(4, "assumed", f"{CAMUS}; 2 views x 2 phases"),
        "structures_per_frame": _Ref(3, "assumed", f"{CAMUS}; 3 structures per frame"),
    },
    "labour": {
        "clinician_wage_per_hour": _Ref(
            37.38, "published", f"{BLS}: median $37.38/h, 10th-90th percentile $28.67-$48.87", 28.67, 48.87
        ),
        "engineer_wage_per_hour": _a(60, "ML/IT engineer wage, range 45-90", 45, 90),
        "overhead_fraction": _a(0.3, "benefits and overhead, range 20-50 %", 0.2, 0.5),
    },
    "hardware": {
        "mode": _a("cloud", "rented GPUs"),
        "gpu_price_per_hour": _Ref(
            3.99,
            "published",
            "Lambda H100 SXM $3.99/GPU-h (2026-09); high end Azure NC40ads H100 v5 "
            "$6.98/h (2026-11), AWS p5 $6.88/GPU-h (2026-11)",
            3.99,
            6.98,
        ),
        "utilization": _a(0.5, "share of paid GPU time doing useful work, range 0.2-0.8", 0.2, 0.8),
        "energy_price_per_kwh": _a(0.15, "electricity price, range 0.10-0.30", 0.10, 0.30),
        "pue": _a(1.5, "machine-room power usage effectiveness, range 1.2-2.0", 1.2, 2.0),
        "server_capex": _a(45000, "one GPU server, range 30k-60k", 30000, 60000),
        "amortization_years": _a(4, "server written off over four years"),
        "dedicated": _a(True, "one server per option when on-prem"),
    },
    "options": {
        "manual": {
            "seconds_per_structure": _Ref(
                11.6, "published", f"{CHAO}: manual LV tracing 11.6 +- 4.5 s per frame; range = +-1 SD", 7.1, 16.1
            ),
        },
        "sam": {
            "prompt_seconds_per_structure": _Ref(
                5.7, "published", f"{CHAO}: SAM-assisted LV annotation 5.7 +- 1.7 s; range = +-1 SD", 4.0, 7.4
            ),
            "failure_rate": _Ref(
                0.3,
                "assumed",
                f"{SEGROI}: share of SAM outputs re-traced, range 0.1-0.6; context: {FERREIRA_SAM}",
                0.1,
                0.6,
            ),
            "review_seconds_per_study": _a(30, "human review per study, range 15-60", 15, 60),
            "engineering_hours": _a(40, "deploying a pretrained SAM, range 20-80", 20, 80),
            "maintenance_hours_per_year": _a(20, "upkeep per year, range 10-40", 10, 40),
            "label_images": _a(0, "SAM used zero-shot with prompts, no labelled set"),
            "training_gpu_hours": _a(0, "no fine-tuning"),
            "profile": {
                "seconds_per_image": _Ref(
                    round(_SAM_ENC_S, 6), "measured", _anchor_source("SAM ViT-H encoder, bf16, batch 8, 20.2 img/s")
                ),
                "joules_per_image": _Ref(
                    29.4, "measured", _anchor_source("SAM ViT-H encoder, bf16, batch 8, 29.4 J/img")
                ),
                "seconds_per_prompt": _Ref(
                    round(_SAM_DEC_S, 6), "measured", _anchor_source("SAM decoder + prompt encoder, per box, fp32")
                ),
                "joules_per_prompt": _Ref(
                    0.74, "measured", _anchor_source("SAM decoder + prompt encoder, per box, 0.74 J")
                ),
                "average_power_watts": _Ref(595, "measured", _anchor_source("SAM ViT-H encoder, bf16, batch 8, 595 W")),
            },
        },
        "ssl": {
            "failure_rate": _Ref(
                0.1,
                "assumed",
                f"{SEGROI}: share of SSL outputs re-traced, range 0.05-0.3; "
                "context: external LV Dice 0.89 in Ferreira et al. 2025",
                0.05,
                0.3,
            ),
            "review_seconds_per_study": _a(30, "human review per study, range 15-60", 15, 60),
            "engineering_hours": _a(80, "building the label-free pipeline, range 40-160", 40, 160),
            "maintenance_hours_per_year": _a(20, "upkeep per year, range 10-40", 10, 40),
            "label_images": _Ref(0, "published", FERREIRA_SSL),
            "training_gpu_hours": _a(
                12, "pseudo-labels, U-Net and a self-training round on one GPU, range 6-48", 6, 48
            ),
            "profile": {
                "seconds_per_image": _Ref(
                    round(_SSL_S, 8),
                    "measured",
                    _anchor_source("unet32 (SSL architecture), bf16, batch 256, 4,261 img/s"),
                ),
                "joules_per_image": _Ref(0.142, "measured", _anchor_source("unet32, bf16, batch 256, 0.142 J/img")),
                "average_power_watts": _Ref(605, "measured", _anchor_source("unet32, bf16, batch 256, 605 W")),
                "seconds_per_prompt": _a(0, "the SSL model runs without prompts"),
                "joules_per_prompt": _a(0, "the SSL model runs without prompts"),
            },
        },
    },
}

_PROFILE_PROVENANCE = {
    "sam": {
        "kind": "measured",
        "source": ANCHOR_SOURCE,
        "model": "sam_vit_h encoder bf16 batch 8 + decoder per box fp32",
        "hardware": ANCHOR_DEVICE,
        "date": ANCHOR_DATE,
        "weights": "random",
    },
    "ssl": {
        "kind": "measured",
        "source": ANCHOR_SOURCE,
        "model": "ssl_unet bf16 batch 256",
        "hardware": ANCHOR_DEVICE,
        "date": ANCHOR_DATE,
        "weights": "random",
    },
}


def _split(tree: dict, prefix: str = "") -> tuple[dict, dict]:
    values, prov = {}, {}
    for key, node in tree.items():
        path = f"{prefix}{key}"
        if isinstance(node, dict):
            values[key], sub = _split(node, path + ".")
            prov.update(sub)
        else:
            values[key] = node.leaf()
            prov[path] = {"kind": node.kind, "source": node.source}
    return values, prov


KINDS = {"manual": "manual", "sam": "prompted", "ssl": "automatic"}


def reference_parts() -> tuple[dict, dict]:
    """(assumptions without the provenance map, provenance map) of the reference scenario."""
    values, prov = _split(_TREE)
    values["options"] = {name: {"kind": KINDS[name], **body} for name, body in values["options"].items()}
    assumptions = {
        "name": REFERENCE_NAME,
        "currency": "USD",
        "note": "segroi reference scenario: published figures (each cited), the H100 compute anchors "
        "(docs/reference-measurements.md), and stated assumptions",
        **values,
    }
    for opt, p in _PROFILE_PROVENANCE.items():
        assumptions["options"][opt]["profile"]["provenance"] = dict(p)
    prov["currency"] = {"kind": "assumed", "source": f"{SEGROI}: US dollars, as the wage and price sources"}
    return assumptions, prov


def reference_scenario() -> dict:
    """The reference assumptions dict, provenance included (valid input for costmodel.validate)."""
    assumptions, prov = reference_parts()
    return {**copy.deepcopy(assumptions), "provenance": prov}


# The H100 anchor rows of docs/anchors-h100.json (docs/reference-measurements.md): (model, component, dtype, batch, input CxHxW,
# ms per batch, joules per image (per box for decoders), average watts, peak GiB, GFLOP per image).
_ANCHORS = [
    (
        "ssl_unet",
        "full",
        "fp32",
        1,
        "1x256x256",
        1.9849830264136905,
        0.4183603174603175,
        210.76266743508515,
        0.08005428314208984,
        24.083693568,
    ),
    (
        "ssl_unet",
        "full",
        "fp32",
        64,
        "1x256x256",
        24.553375244140625,
        0.22667412860576922,
        590.8411404347022,
        3.29465389251709,
        24.083693568,
    ),
    (
        "ssl_unet",
        "full",
        "fp32",
        256,
        "1x256x256",
        95.14112200055804,
        0.23039048549107144,
        619.9208401743291,
        13.09152889251709,
        24.083693568,
    ),
    (
        "deeplabv3_r50",
        "full",
        "fp32",
        1,
        "3x112x112",
        4.709770030545113,
        0.7212781954887219,
        153.14509855277169,
        0.17493629455566406,
        15.654053888,
    ),
    (
        "deeplabv3_r50",
        "full",
        "fp32",
        64,
        "3x112x112",
        11.06969358209978,
        0.08872293037280701,
        512.956162855463,
        0.5421209335327148,
        15.654053888,
    ),
    (
        "ssl_unet",
        "full",
        "bf16",
        1,
        "1x256x256",
        2.9455403072733275,
        0.48059976525821596,
        163.16183624155016,
        0.054663658142089844,
        24.083693568,
    ),
    (
        "ssl_unet",
        "full",
        "bf16",
        64,
        "1x256x256",
        16.05378136268029,
        0.13913932291666667,
        554.6927833069685,
        1.6696538925170898,
        24.083693568,
    ),
    (
        "ssl_unet",
        "full",
        "bf16",
        256,
        "1x256x256",
        60.07867431640625,
        0.14198464133522729,
        605.0078267438114,
        6.59152889251709,
        24.083693568,
    ),
    (
        "deeplabv3_r50",
        "full",
        "bf16",
        1,
        "3x112x112",
        6.10729506409284,
        0.8689101941747572,
        142.27414674680085,
        0.17026138305664062,
        15.654053888,
    ),
    (
        "deeplabv3_r50",
        "full",
        "bf16",
        64,
        "3x112x112",
        8.679797702365452,
        0.05497325303819445,
        405.34218827307774,
        0.35266780853271484,
        15.654053888,
    ),
    (
        "sam_vit_b",
        "encoder",
        "fp32",
        1,
        "3x1024x1024",
        41.5234489440918,
        23.999109375,
        577.9652217067276,
        2.7119855880737305,
        972.077334528,
    ),
    (
        "sam_vit_b",
        "encoder",
        "fp32",
        8,
        "3x1024x1024",
        275.68560791015625,
        23.61226041666667,
        685.1938509423159,
        19.39948558807373,
        972.077334528,
    ),
    (
        "sam_vit_b",
        "encoder",
        "bf16",
        1,
        "3x1024x1024",
        27.074961344401043,
        11.852239583333334,
        437.7564729481807,
        2.2940168380737305,
        972.077334528,
    ),
    (
        "sam_vit_b",
        "encoder",
        "bf16",
        8,
        "3x1024x1024",
        157.5755157470703,
        11.4351953125,
        580.5569606818872,
        15.92878246307373,
        972.077334528,
    ),
    (
        "sam_vit_b",
        "decoder",
        "fp32",
        1,
        "1x1x4",
        3.8186360926715874,
        0.5927745398773006,
        155.23200574542957,
        0.4205460548400879,
        3.624702976,
    ),
    (
        "sam_vit_l",
        "encoder",
        "fp32",
        1,
        "3x1024x1024",
        97.422607421875,
        60.011250000000004,
        615.9889535714196,
        4.3076171875,
        2985.680306176,
    ),
    (
        "sam_vit_l",
        "encoder",
        "fp32",
        8,
        "3x1024x1024",
        700.92529296875,
        60.878375,
        694.8343923176326,
        26.5302734375,
        2985.680306176,
    ),
    (
        "sam_vit_l",
        "encoder",
        "bf16",
        1,
        "3x1024x1024",
        44.36344807942708,
        21.982466666666667,
        495.5085237583397,
        3.7509765625,
        2985.680306176,
    ),
    (
        "sam_vit_l",
        "encoder",
        "bf16",
        8,
        "3x1024x1024",
        290.03306070963544,
        21.326572916666667,
        588.2521906843612,
        21.9033203125,
        2985.680306176,
    ),
    (
        "sam_vit_l",
        "decoder",
        "fp32",
        1,
        "1x1x4",
        3.6685398391812867,
        0.6124385964912281,
        166.94342254380612,
        1.2349276542663574,
        3.624702976,
    ),
    (
        "sam_vit_h",
        "encoder",
        "fp32",
        1,
        "3x1024x1024",
        194.1242218017578,
        115.0151875,
        592.4824137477033,
        5.603337287902832,
        5961.082830848,
    ),
    (
        "sam_vit_h",
        "encoder",
        "fp32",
        8,
        "3x1024x1024",
        1263.7572021484375,
        109.01925,
        690.1278176830989,
        28.056462287902832,
        5961.082830848,
    ),
    (
        "sam_vit_h",
        "encoder",
        "bf16",
        1,
        "3x1024x1024",
        65.1246826171875,
        32.022925,
        491.7171756250312,
        5.040349006652832,
        5961.082830848,
    ),
    (
        "sam_vit_h",
        "encoder",
        "bf16",
        8,
        "3x1024x1024",
        396.06317138671875,
        29.44675,
        594.7889554466652,
        23.335270881652832,
        5961.082830848,
    ),
    (
        "sam_vit_h",
        "decoder",
        "fp32",
        1,
        "1x1x4",
        4.855249685834544,
        0.7368158914728682,
        151.7565396528563,
        2.5106282234191895,
        3.624702976,
    ),
]

# Parameter counts (millions) from the same file; a decoder row counts the whole SAM model.
_PARAMS_M = {
    ("ssl_unet", "full"): 7.762597,
    ("deeplabv3_r50", "full"): 39.633729,
    ("sam_vit_b", "encoder"): 89.670912,
    ("sam_vit_b", "decoder"): 93.735472,
    ("sam_vit_l", "encoder"): 308.278272,
    ("sam_vit_l", "decoder"): 312.342832,
    ("sam_vit_h", "encoder"): 637.026048,
    ("sam_vit_h", "decoder"): 641.090608,
}

# The same day's second probe (cudnn.benchmark on, bf16, batch 256): simple optimisations of the U-Net.
# (recipe, dtype_mode, img/s, J/img, setup); power and memory were not recorded for these. How bf16 was
# applied in the channels_last row is not recorded (dtype_mode left empty).
_PROBE = [
    ("channels_last", None, 5311.0, 0.112, "channels_last"),
    (
        "compile",
        "weights",
        8968.0,
        0.078,
        "bf16 weights + channels_last + torch.compile (default mode), compile took 18 s",
    ),
]


def anchor_profile_rows() -> list[dict]:
    """The H100 anchors as rows of the store's `profiles` table (without run_id)."""
    measured_at = dt.datetime.fromisoformat(ANCHOR_DATE)
    common = {
        "weights": "random",
        "device": "cuda",
        "device_name": ANCHOR_DEVICE,
        "torch_version": ANCHOR_TORCH,
        "idle_power_watts": ANCHOR_IDLE_WATTS,
        "energy_method": "nvml_energy_counter",
        "provenance": "measured",
        "source": ANCHOR_SOURCE,
        "measured_at": measured_at,
        "compiled": False,
        "channels_last": False,
        "cuda_graphs": False,
    }
    rows = []
    for model, comp, dtype, batch, size, ms, joules, watts, gib, gflop in _ANCHORS:
        # bf16 here was autocast: the second probe's "autocast NCHW" U-Net row reproduces it, and its
        # SAM row with bf16 weights is marked "not autocast". These are the naive settings (segroi's
        # `plain` recipe): cudnn.benchmark off (the second probe turned it on as an optimisation),
        # NCHW, eager, and segment-anything's own attention in the SAM encoder.
        row = {
            **common,
            "model": model,
            "component": comp,
            "dtype": dtype,
            "batch": batch,
            "dtype_mode": "autocast" if dtype == "bf16" else "fp32",
            "recipe": "plain",
            "cudnn_benchmark": False,
            "attention": "default" if comp == "encoder" else None,
            "input_size": size,
            "average_power_watts": watts,
            "timing_method": "cuda_events",
            "peak_memory_bytes": int(round(gib * 2**30)),
            "flops_per_image": gflop * 1e9,
            "parameters": int(round(_PARAMS_M[(model, comp)] * 1e6)),
        }
        if comp == "decoder":  # one box prompt per call
            row.update(seconds_per_prompt=ms / 1000, joules_per_prompt=joules, prompts_per_second=1000 / ms)
        else:
            row.update(
                seconds_per_image=ms / 1000 / batch, images_per_second=batch * 1000 / ms, joules_per_image=joules
            )
        rows.append(row)
    for recipe, dtype_mode, ips, joules, setup in _PROBE:
        compiled = recipe == "compile"
        rows.append(
            {
                **common,
                "model": "ssl_unet",
                "component": "full",
                "dtype": "bf16",
                "batch": 256,
                "dtype_mode": dtype_mode,
                "recipe": recipe,
                "cudnn_benchmark": True,
                "compile_mode": "default" if compiled else None,
                "compile_seconds": 18.0 if compiled else None,
                "timing_method": "cuda_events",
                "parameters": int(round(_PARAMS_M[("ssl_unet", "full")] * 1e6)),
                "input_size": "1x256x256",
                "channels_last": True,
                "compiled": compiled,
                "images_per_second": ips,
                "seconds_per_image": 1 / ips,
                "joules_per_image": joules,
                # power was not recorded: left NULL; cost profiles derive it as J/img x img/s and say so
                "average_power_watts": None,
                "note": "average power and peak memory not recorded",
                "flops_per_image": 24.083693568e9,
                "source": f"{ANCHOR_SOURCE} (second probe, cudnn.benchmark on, bf16: {setup})",
            }
        )
    return rows


def _sam_profile(model: str) -> tuple[dict, dict, dict]:
    """(profile, provenance of its fields, profile provenance) of a SAM variant from the H100 anchors:
    encoder bf16 batch 8, decoder + prompt encoder fp32 per box."""
    enc = next(a for a in _ANCHORS if a[0] == model and a[1] == "encoder" and a[2] == "bf16" and a[3] == 8)
    dec = next(a for a in _ANCHORS if a[0] == model and a[1] == "decoder")
    profile = {
        "seconds_per_image": round(enc[5] / 1000 / enc[3], 6),
        "joules_per_image": round(enc[6], 4),
        "seconds_per_prompt": round(dec[5] / 1000, 6),
        "joules_per_prompt": round(dec[6], 4),
        "average_power_watts": round(enc[7], 1),
    }
    variant = model.split("_", 1)[1].replace("_", "-").upper().replace("VIT", "ViT")
    what = {
        "seconds_per_image": f"SAM {variant} encoder, bf16, batch 8, {1000 * enc[3] / enc[5]:.1f} img/s",
        "joules_per_image": f"SAM {variant} encoder, bf16, batch 8, {enc[6]:.1f} J/img",
        "seconds_per_prompt": "SAM decoder + prompt encoder, per box, fp32",
        "joules_per_prompt": f"SAM decoder + prompt encoder, per box, {dec[6]:.2f} J",
        "average_power_watts": f"SAM {variant} encoder, bf16, batch 8, {enc[7]:.0f} W",
    }
    prov = {f"profile.{k}": {"kind": "measured", "source": _anchor_source(v)} for k, v in what.items()}
    header = {
        "kind": "measured",
        "source": ANCHOR_SOURCE,
        "model": f"{model} encoder bf16 batch 8 + decoder per box fp32",
        "hardware": ANCHOR_DEVICE,
        "date": ANCHOR_DATE,
        "weights": "random",
    }
    return profile, prov, header


_SAM_HUMAN = {
    "prompt_seconds_per_structure": _TREE["options"]["sam"]["prompt_seconds_per_structure"],
    "review_seconds_per_study": _TREE["options"]["sam"]["review_seconds_per_study"],
    "engineering_hours": _TREE["options"]["sam"]["engineering_hours"],
    "maintenance_hours_per_year": _TREE["options"]["sam"]["maintenance_hours_per_year"],
}

# Templates of the options a site may compare: (kind, English and Japanese names, tree of the fields
# that are not a compute profile; the compute profile of a SAM variant comes from its anchors).
TEMPLATES: dict[str, tuple[str, str, str, str | None]] = {
    "sam_vit_b": ("prompted", "SAM ViT-B (prompted)", "SAM ViT-B（プロンプト）", "sam_vit_b"),
    "sam_vit_l": ("prompted", "SAM ViT-L (prompted)", "SAM ViT-L（プロンプト）", "sam_vit_l"),
    "sam_vit_h": ("prompted", "SAM ViT-H (prompted)", "SAM ViT-H（プロンプト）", "sam_vit_h"),
    "sam_finetuned": (
        "prompted",
        "Fine-tuned SAM (MedSAM-style, ViT-B)",
        "ファインチューニング済み SAM（MedSAM 型、ViT-B）",
        "sam_vit_b",
    ),
    "ssl": ("automatic", "Label-free SSL", "ラベル不要 SSL", "ssl_unet"),
    "hybrid": ("hybrid", "Hybrid: SSL first, SAM for what it fails", "ハイブリッド：SSL で処理し失敗分を SAM で", None),
}

_FINETUNED = {
    "failure_rate": _Ref(
        0.15,
        "assumed",
        f"{SEGROI}: share of fine-tuned SAM outputs re-traced, range 0.05-0.3; "
        f"context: fine-tuned SAM Dice 0.911 on the EchoNet test set, {CHAO}",
        0.05,
        0.3,
    ),
    "label_images": _a(1000, "hand-labelled frames for fine-tuning, range 500-3000", 500, 3000),
    "training_gpu_hours": _a(20, "fine-tuning SAM ViT-B on one GPU, range 8-80", 8, 80),
    "engineering_hours": _a(120, "fine-tuning pipeline and validation, range 60-240", 60, 240),
}
_HYBRID = {
    "review_seconds_per_study": _a(30, "human review per study of the combined output, range 15-60", 15, 60),
    "engineering_hours": _a(20, "joining the two models, range 10-60", 10, 60),
    "maintenance_hours_per_year": _a(10, "upkeep of the hand-over, range 5-20", 5, 20),
}


def option_template(template: str, raw: dict | None = None) -> tuple[dict, dict]:
    """(option body, provenance relative to the option) for one of TEMPLATES. A hybrid joins the
    first automatic and the first prompted option of `raw`; ValueError when it has none."""
    kind, _, _, model = TEMPLATES[template]
    if kind == "hybrid":
        kinds = {n: (b or {}).get("kind", KINDS.get(n)) for n, b in ((raw or {}).get("options") or {}).items()}
        auto = next((n for n, k in kinds.items() if k == "automatic"), None)
        prompted = next((n for n, k in kinds.items() if k == "prompted"), None)
        if auto is None or prompted is None:
            raise ValueError("a hybrid needs an automatic and a prompted option to join; add them first")
        body, prov = _split(_HYBRID)
        return {"kind": "hybrid", "automatic": auto, "prompted": prompted, **body}, prov
    if kind == "automatic":
        body, prov = _split(_TREE["options"]["ssl"])
        body["profile"]["provenance"] = dict(_PROFILE_PROVENANCE["ssl"])
        return {"kind": kind, **body}, prov
    tree = {
        **_SAM_HUMAN,
        "failure_rate": _TREE["options"]["sam"]["failure_rate"],
        "label_images": _TREE["options"]["sam"]["label_images"],
        "training_gpu_hours": _TREE["options"]["sam"]["training_gpu_hours"],
    }
    if template == "sam_finetuned":
        tree.update(_FINETUNED)
    body, prov = _split(tree)
    assert model is not None  # every template but the hybrid names its model
    profile, profile_prov, header = _sam_profile(model)
    body["profile"] = {**profile, "provenance": header}
    prov.update(profile_prov)
    return {"kind": kind, **body}, prov


def add_option_from_template(raw: dict, template: str, name: str | None = None) -> dict:
    """A copy of `raw` with an option made from `template` (named `name`, else after the template)."""
    from engine import costmodel

    if template not in TEMPLATES:
        raise ValueError(f"no option template {template!r:.40}; there are {', '.join(TEMPLATES)}")
    body, prov = option_template(template, raw)
    return costmodel.add_option(raw, name or costmodel.free_name(raw, template), body, prov)


# Published accuracy, one row per model, dataset, structure and metric (REFERENCES.md, "Accuracy
# references" and the SSL method's paper); `segroi demo` stores them beside measured evaluations.
FERREIRA_NATCOMMS = "Ferreira, Lau, Salaymang & Arnaout, Nat Commun 16, 4070 (2025); arXiv:2210.04979"
OUYANG = "Ouyang et al., Nature 580, 252-256 (2020) (EchoNet-Dynamic)"
PUBLISHED_ACCURACY: list[dict[str, Any]] = [
    {
        "model": "fine-tuned SAM",
        "family": "sam",
        "dataset": "EchoNet-Dynamic test",
        "structure": "LV",
        "metric": "dice",
        "value": 0.911,
        "sd": 0.045,
        "source": CHAO,
    },
    {
        "model": "EchoNet model",
        "family": "other",
        "dataset": "EchoNet-Dynamic test",
        "structure": "LV",
        "metric": "dice",
        "value": 0.915,
        "sd": 0.047,
        "source": CHAO,
    },
    {
        "model": "fine-tuned SAM",
        "family": "sam",
        "dataset": "CAMUS A4C",
        "structure": "LV",
        "metric": "dice",
        "value": 0.897,
        "source": CHAO,
    },
    {
        "model": "EchoNet model",
        "family": "other",
        "dataset": "CAMUS A4C",
        "structure": "LV",
        "metric": "dice",
        "value": 0.850,
        "source": CHAO,
    },
    {
        "model": "fine-tuned SAM",
        "family": "sam",
        "dataset": "CAMUS A2C",
        "structure": "LV",
        "metric": "dice",
        "value": 0.891,
        "source": CHAO,
    },
    {
        "model": "EchoNet model",
        "family": "other",
        "dataset": "CAMUS A2C",
        "structure": "LV",
        "metric": "dice",
        "value": 0.752,
        "source": CHAO,
    },
    {
        "model": "EchoNet-Dynamic",
        "family": "other",
        "dataset": "EchoNet-Dynamic",
        "structure": "LV",
        "metric": "dice",
        "value": 0.92,
        "source": OUYANG,
    },
    {
        "model": "label-free SSL",
        "family": "ssl",
        "dataset": "EchoNet-Dynamic (external)",
        "structure": "LV",
        "metric": "dice",
        "value": 0.89,
        "source": FERREIRA_NATCOMMS,
        "note": "trained on 450 echocardiograms with no manual labels",
    },
    {
        "model": "label-free SSL",
        "family": "ssl",
        "dataset": "internal and external test sets",
        "structure": None,
        "metric": "r2",
        "value": 0.695,
        "low": 0.55,
        "high": 0.84,
        "source": FERREIRA_NATCOMMS,
        "note": "agreement with clinical measurements, r2 0.55-0.84 across measurements (value: the middle)",
    },
    {
        "model": "label-free SSL",
        "family": "ssl",
        "dataset": "internal and external test sets",
        "structure": None,
        "metric": "accuracy",
        "value": 0.85,
        "source": FERREIRA_NATCOMMS,
        "note": "accuracy in detecting an abnormal chamber",
    },
]


def published_accuracy_rows() -> list[dict]:
    """PUBLISHED_ACCURACY as rows of the store's `published_accuracy` table (without run_id)."""
    keys = ("model", "family", "dataset", "structure", "metric", "value", "sd", "low", "high", "note", "source")
    return [{**{k: r.get(k) for k in keys}, "provenance": "published"} for r in PUBLISHED_ACCURACY]


def anchor_hardware_row() -> dict:
    return {
        "device_type": "cuda",
        "device_name": ANCHOR_DEVICE,
        "cuda_version": "13.0",
        "torch_version": ANCHOR_TORCH,
        "idle_power_watts": ANCHOR_IDLE_WATTS,
    }


def preferred_scenario(names: Sequence[str]) -> str | None:
    """Of the stored scenarios' names, the one to use when none is named: the reference scenario (the
    first name starting with "reference", any case), else the only one; None when that leaves a choice."""
    names = list(names)
    return next((n for n in names if n.lower().startswith(REFERENCE_NAME)), names[0] if len(names) == 1 else None)


def seed(store, force: bool = False) -> list[str]:
    """Write the reference data into `store`, idempotently; one line per part saying what was done.

    The reference scenarios (`reference` in US dollars, `reference-ja` in yen) are written when missing;
    a stored one that differs (someone edited it) is kept unless `force`. The anchors and the published
    figures that are missing are added in one `demo` run. Raises if the shipped data are not valid
    (costmodel.AssumptionError).
    """
    from engine import costmodel, reference_ja
    from engine.store import RunKind, results

    lines = []
    stored = {r["name"]: r for r in store.scenarios()}
    for name, (assumptions, provenance) in (
        (REFERENCE_NAME, reference_parts()),
        (reference_ja.REFERENCE_JA_NAME, reference_ja.reference_parts()),
    ):
        costmodel.validate({**assumptions, "provenance": provenance})  # the shipped data must be valid
        old = stored.get(name)
        if old is None or force:
            store.save_scenario(
                name, assumptions, provenance, note="built-in reference scenario (segroi demo)", saved_by="segroi demo"
            )
            lines.append(f"scenario {name!r}: {'reset' if old else 'added'}")
        elif old["assumptions"] == assumptions and old["provenance"] == provenance:
            lines.append(f"scenario {name!r}: already present")
        else:
            lines.append(f"scenario {name!r}: a changed copy is stored; kept it (`segroi demo --force` resets it)")

    anchors = not results.demo_profiles_present(store, ANCHOR_SOURCE)
    published = not results.published_accuracy_count(store)
    rows = anchor_profile_rows() if anchors else []
    figures = published_accuracy_rows() if published else []
    if anchors or published:
        settings = {
            "what": "reference data",
            "profiles": len(rows),
            "published_accuracy": len(figures),
            "source": ANCHOR_SOURCE,
        }
        with store.run(RunKind.DEMO, settings=settings) as run:
            if anchors:
                run.add("hardware", anchor_hardware_row())
                run.add("profiles", rows)
            run.add("published_accuracy", figures)
    lines.append(
        f"H100 compute anchors: added {len(rows)} profile rows (measured, {ANCHOR_SOURCE})"
        if anchors
        else f"H100 compute anchors: already present ({ANCHOR_SOURCE})"
    )
    lines.append(
        f"published accuracy: added {len(figures)} figures (published, with their citations)"
        if published
        else "published accuracy: already present"
    )
    return lines


def default_sources() -> frozenset[str]:
    """The sources of every figure segroi assumes on a site's behalf (its reference scenarios and option
    templates, kind "assumed"): an input whose provenance is still one of these is segroi's default,
    not the site's own figure."""
    return _default_sources()


@lru_cache(maxsize=1)
def _default_sources() -> frozenset[str]:
    from engine import reference_ja

    provs = [reference_parts()[1], reference_ja.reference_parts()[1]]
    raw = reference_scenario()
    for template in TEMPLATES:
        provs.append(option_template(template, raw)[1])
    return frozenset(p["source"] for prov in provs for p in prov.values() if p.get("kind") == "assumed")
