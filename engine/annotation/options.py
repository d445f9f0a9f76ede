"""Which options of a scenario a measurement speaks for.

Annotation sessions time a task (manual tracing, SAM prompting, SSL review), evaluations and
profiles measure a model (ssl_unet, sam_vit_b, ...); a scenario names its options freely. These
helpers map one to the other, for `engine.annotation.summary.scenario_update` and
`engine.report.measured`:

- `option_model`: the model an option runs - the model its profile's provenance names
  ("sam_vit_b encoder bf16 ..." -> sam_vit_b), else a SAM variant in its name (an option called
  `sam_vit_l`), else ssl_unet for an automatic option; None for a prompted option with none of these.
- `targets`: the fields an annotation estimate fills. Manual tracing time: the manual option.
  Prompting time: every prompted option (the time is the person's). SAM rejection rate: the prompted
  options of the sessions' SAM variant (or of no known variant). SSL review time and rejection
  rate: every automatic option. A hybrid is built from other options and takes nothing itself.
"""

from __future__ import annotations

from typing import Mapping

LEGACY_KINDS = {"manual": "manual", "sam": "prompted", "ssl": "automatic"}
VARIANTS = ("vit_b", "vit_l", "vit_h")


def family(model: str) -> str | None:
    """sam or ssl, from a model name (sam_vit_b, medsam..., ssl_unet, unet32)."""
    m = str(model).lower()
    if m.startswith("sam") or "medsam" in m:
        return "sam"
    if m.startswith("ssl") or m.startswith("unet"):
        return "ssl"
    return None


def variant(model: str | None) -> str | None:
    """vit_b / vit_l / vit_h when `model` names a SAM variant."""
    m = str(model or "").lower()
    return next((v for v in VARIANTS if v in m), None)


def kind_of(name: str, body) -> str | None:
    return (body or {}).get("kind") if isinstance(body, dict) and "kind" in body else LEGACY_KINDS.get(name)


def option_model(name: str, body: dict) -> str | None:
    """The model option `name` runs (see the module docstring), or None when it is not known."""
    prov = ((body or {}).get("profile") or {}).get("provenance") or {}
    named = str(prov.get("model") or "").split(" ")[0] if isinstance(prov, dict) else ""
    if named:
        return named
    v = variant(name)
    if v:
        return f"sam_{v}"
    return "ssl_unet" if kind_of(name, body) == "automatic" else None


def options_of(raw: Mapping) -> list[tuple[str, str | None, str | None]]:
    """(name, kind, model) of every option of the assumptions dict `raw`, in order."""
    out = []
    for name, body in ((raw or {}).get("options") or {}).items():
        if isinstance(body, dict):
            kind = kind_of(name, body)
            out.append((name, kind, option_model(name, body) if kind in ("prompted", "automatic") else None))
    return out


def targets(field: str, raw: Mapping, sam_variant: str | None = None) -> list[str]:
    """The fields of `raw` an annotation estimate fills; `field` as engine.annotation.summary keys it."""
    opts = options_of(raw)
    key = field.rsplit(".", 1)[-1]
    if field == "options.manual.seconds_per_structure":
        return [f"options.{n}.{key}" for n, k, _ in opts if k == "manual"]
    if field == "options.sam.prompt_seconds_per_structure":
        return [f"options.{n}.{key}" for n, k, _ in opts if k == "prompted"]
    if field == "options.sam.failure_rate":
        return [
            f"options.{n}.{key}"
            for n, k, m in opts
            if k == "prompted" and (sam_variant is None or variant(m) in (None, sam_variant))
        ]
    if field == "ssl.review_seconds_per_structure":
        return [f"options.{n}.review_seconds_per_study" for n, k, _ in opts if k == "automatic"]
    if field == "options.ssl.failure_rate":
        return [f"options.{n}.{key}" for n, k, _ in opts if k == "automatic"]
    return []
