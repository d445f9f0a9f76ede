"""Cost-model inputs that can come from measured runs instead of assumptions.

Each candidate is one scenario field with the value (`leaf`, a number or a {value, low, high,
dist} range) to put there, its provenance kind (measured or simulated) and a source naming the
runs or sessions, so "Use measured values" on the Scenario page can replace the assumption and
say where the new number came from. The derivations belong to the engine; this module only
collects them and sends each to the options it measured:

- Which model an option runs (`option_model`): the model its profile's provenance names
  ("sam_vit_b encoder bf16 ..." -> sam_vit_b), else a SAM variant in its name (an option called
  `sam_vit_l`), else ssl_unet for an automatic option; a prompted option with none of these has
  no known variant. Hybrids are built from other options and take nothing directly.
- times and annotation failure rates: `engine.annotation.summary` (lognormal ranges for times,
  Jeffreys betas for rates, 95 %; SAM items from random-weight sessions feed neither). Human
  sessions are used when there are any; simulated ones only otherwise, and then labelled simulated
  (applied only when picked: `picked_by_default`). The two are never mixed. Human items timed the old way (server
  round-trips only, before activity was measured in the browser) are left out unless the caller
  includes them; the source says which it was. Manual tracing times go to the manual option,
  prompting times to every prompted option (they are the person's), SAM rejection rates to the
  prompted options of the session's SAM variant (or of no known variant), review times and SSL
  rejection rates to every automatic option.
- failure rates from accuracy runs (these win over annotation rejections): the share of
  evaluated structures whose Dice against ground truth is below a stated threshold (default
  0.8), per model (SAM per variant, from the model name or the run's --sam-variant), by
  `engine.measure.failure.failure_rate`, the rule `segroi evaluate` stores, as a Jeffreys beta.
  Random-weight rows are never used.
- compute: `engine.profiling.to_cost.latest_cost_profile` - the newest finished profile run of
  the option's own model (SAM ViT-B rows fill a ViT-B option, never a ViT-H one), on a GPU when one
  was profiled. An option whose variant is unknown takes sam_vit_h, else any SAM profiled.
- training GPU-hours: the latest SSL training run on CUDA, for every automatic option.
"""

from __future__ import annotations

import pandas as pd

from engine.annotation.options import family, kind_of, option_model, options_of, variant  # noqa: F401 (re-exported)
from engine.costmodel import get_field, set_field
from engine.errors import SegroiError
from engine.measure.failure import DEFAULT_TOLERANCE, failure_rate
from engine.store import annotation as stored_annotation
from engine.store import results
from engine.store import Store

DICE_THRESHOLD = DEFAULT_TOLERANCE
PROFILE_FIELDS = (
    "seconds_per_image",
    "joules_per_image",
    "seconds_per_prompt",
    "joules_per_prompt",
    "average_power_watts",
)


def point(leaf) -> float:
    return float(leaf["value"]) if isinstance(leaf, dict) else float(leaf)


def failure_table(evaluations: pd.DataFrame, threshold: float = DICE_THRESHOLD) -> pd.DataFrame:
    """Per model: evaluated structures, how many fell below the Dice threshold, and the rate."""
    columns = ["model", "structures", "failed", "failure_rate"]
    if evaluations.empty or "dice" not in evaluations:
        return pd.DataFrame(columns=columns)
    rows = []
    for model, group in evaluations.groupby("model"):
        rate, failed, n = failure_rate(group["dice"], threshold)
        if n:
            rows.append({"model": model, "structures": n, "failed": failed, "failure_rate": rate})
    return pd.DataFrame(rows, columns=columns)


def basis(raw: dict) -> dict:
    """The only parts of a scenario the candidates depend on (workload, its options' names, kinds and
    models): callers can cache candidates on this, not on every edit of the scenario."""
    options = {}
    for name, body in (raw.get("options") or {}).items():
        if not isinstance(body, dict):
            continue
        entry: dict = {"kind": kind_of(name, body)}
        model = ((body.get("profile") or {}).get("provenance") or {}).get("model")
        if model:
            entry["profile"] = {"provenance": {"model": model}}
        options[name] = entry
    return {"name": raw.get("name", "scenario"), "workload": dict(raw.get("workload") or {}), "options": options}


def candidates(
    store: Store, raw: dict | None = None, threshold: float = DICE_THRESHOLD, include_old: bool = False
) -> list[dict]:
    """Every measured replacement for the scenario `raw` (the reference scenario when None);
    `include_old` lets annotation items timed the old way in (see annotation_candidates)."""
    if raw is None:
        from engine import reference

        raw = reference.reference_scenario()
    opts = options_of(raw)
    out = annotation_candidates(store, raw, include_old)
    out = _failure_from_evaluations(results.evaluations(store), threshold, out, opts)
    out += _from_profiles(store, opts)
    out += _from_training(results.training_runs(store), opts)
    return out


def old_annotation_items(store: Store) -> int:
    """How many human annotation items were timed the old way (server round-trips only)."""
    from engine.annotation.session import TIMING_SERVER

    return stored_annotation.human_item_count(store, TIMING_SERVER)


def annotation_candidates(store: Store, raw: dict | None, include_old: bool = False) -> list[dict]:
    """Times and rejection rates from annotation sessions (engine.annotation.summary), in the options
    of `raw` (the reference scenario when None) they measure. Human items timed the old way count
    only with `include_old`; the source says how many were left out, or that old and new were mixed."""
    from engine.annotation.session import session_items
    from engine.annotation.summary import scenario_update, summarize, timed_items

    ids = stored_annotation.session_ids(store)
    items = session_items(store, ids)
    if not items:
        return []
    human = [i for i in items if not i["simulated"]]
    use, note = timed_items(human or items, include_old)
    sessions = sorted({i["session_id"] for i in use})
    who = "human annotation sessions" if human else "simulated annotator (segroi annotate-sim)"
    source = f"{who} {', '.join(s[:8] for s in sessions[:6])}{' …' if len(sessions) > 6 else ''}"
    if note:
        source += f" ({note})"
    estimates = summarize(use, source=source, include_old=True)  # already chosen above
    variants = {i.get("sam_variant") for i in use if i["task"] == "sam" and i.get("sam_weights") != "random"}
    sam_variant = next(iter(variants)) if len(variants) == 1 else None
    if raw is None:
        from engine import reference

        raw = reference.reference_scenario()
    if "ssl.review_seconds_per_structure" in estimates and not (raw.get("workload") or {}):
        estimates.pop("ssl.review_seconds_per_structure")  # no workload to turn it into per study
    try:
        updated, prov, changed = scenario_update(raw, estimates, raw.get("name", "measured"), sam_variant)
    except SegroiError:
        return []
    out = []
    for field in changed:
        value = get_field(updated, field)
        out.append(
            {
                "field": field,
                "value": point(value),
                "leaf": value,
                "kind": prov[field]["kind"],
                "source": prov[field]["source"],
                "basis": "annotation",
            }
        )
    return out


def _failure_from_evaluations(ev: pd.DataFrame, threshold: float, have: list[dict], opts) -> list[dict]:
    from engine.annotation.summary import JEFFREYS_METHOD, rate_leaf

    if ev.empty or "dice" not in ev:
        return have
    scored = ev[ev["dice"].notna()].copy()
    scored["family"] = scored["model"].map(family)
    settings_variant = scored["sam_variant"] if "sam_variant" in scored else pd.Series(None, index=scored.index)
    scored["variant"] = [variant(m) or v for m, v in zip(scored["model"], settings_variant)]
    out = list(have)
    for name, kind, model in opts:
        if kind == "prompted":
            v = variant(model)
            mine = scored[(scored["family"] == "sam") & ((scored["variant"] == v) if v else True)]
        elif kind == "automatic":
            mine = scored[scored["family"] == "ssl"]
        else:
            continue
        rate, failed, n = failure_rate(mine["dice"], threshold)
        if not n:
            continue
        models = sorted(mine["model"].unique())
        kinds = set(mine["provenance"])
        field = f"options.{name}.failure_rate"
        out = [c for c in out if c["field"] != field]  # accuracy against ground truth wins
        leaf = rate_leaf(failed, n)
        out.append(
            {
                "field": field,
                "value": rate,
                "leaf": leaf,
                "kind": "measured" if kinds == {"measured"} else "simulated",
                "basis": "evaluation",
                "source": f"segroi evaluate ({', '.join(map(str, models))}): {failed} of {n} structures "
                f"with Dice < {threshold:g}, {JEFFREYS_METHOD}",
            }
        )
    return out


def _profile_model(store: Store, kind: str, model: str | None) -> str | None:
    models = results.profiled_models(store)
    fam = "sam" if kind == "prompted" else "ssl"
    mine = sorted(m for m in models if family(m) == fam)
    if model is not None:  # the option's own model, or nothing: ViT-B rows never fill a ViT-H option
        return model if model in mine else None
    for wanted in ("sam_vit_h", "ssl_unet"):
        if wanted in mine:
            return wanted
    return mine[0] if mine else None


def _from_profiles(store: Store, opts) -> list[dict]:
    from engine.profiling.to_cost import latest_cost_profile

    out = []
    for name, kind, model in opts:
        if kind not in ("prompted", "automatic"):
            continue
        model = _profile_model(store, kind, model)
        if model is None:
            continue
        profile = None
        for device in ("cuda", None):
            try:
                profile = latest_cost_profile(store, model, device)
                break
            except SegroiError:
                continue  # no usable row on that device (e.g. energy not measured): try the next
        if profile is None:
            continue
        p = profile["provenance"]
        source = (
            f"{p['source']}: {p['model']} on {p['hardware']}, weights {p['weights']}, {p['date']}; {p.get('note', '')}"
        )
        for key in PROFILE_FIELDS:
            if key in profile:
                out.append(
                    {
                        "field": f"options.{name}.profile.{key}",
                        "value": float(profile[key]),
                        "leaf": float(profile[key]),
                        "kind": p["kind"],
                        "source": source,
                        "basis": "profile",
                        "profile_provenance": p,
                    }
                )
    return out


def _from_training(df: pd.DataFrame, opts) -> list[dict]:
    if df.empty:
        return []
    gpu = df[(df["device"] == "cuda") & df["seconds"].notna()]
    if gpu.empty:
        return []
    r = gpu.iloc[0]
    hours = float(r["seconds"]) / 3600
    source = (
        f"segroi train-ssl run {str(r['run_id'])[:8]} on {r.get('device_name') or 'cuda'}, "
        f"{int(r['images'] or 0)} images, {str(r['started_at'])[:10]}"
    )
    return [
        {
            "field": f"options.{n}.training_gpu_hours",
            "value": hours,
            "leaf": hours,
            "kind": "measured",
            "basis": "training",
            "source": source,
        }
        for n, k, _ in opts
        if k == "automatic"
    ]


def picked_by_default(candidate: dict) -> bool:
    """Whether "Use measured values" applies a candidate unless the reader unticks it: measured values
    yes; simulated ones (a simulated annotator, phantom data, simulated prompts) only when ticked."""
    return candidate.get("kind") == "measured"


def apply(raw: dict, cands: list[dict]) -> dict:
    """A copy of `raw` with every candidate's leaf in place and its provenance recorded."""
    import copy

    out = copy.deepcopy(raw)
    prov = out.setdefault("provenance", {})
    for c in cands:
        set_field(out, c["field"], copy.deepcopy(c["leaf"]))
        prov[c["field"]] = {"kind": c["kind"], "source": c["source"]}
        if c.get("profile_provenance"):
            node = get_field(out, c["field"].rsplit(".", 1)[0])
            node["provenance"] = {
                k: str(v) for k, v in c["profile_provenance"].items() if v is not None and str(v).strip()
            }
    return out
