"""Cost-model inputs that can come from measured runs instead of assumptions.

Each candidate is one scenario field with the value (`leaf`, a number or a {value, low, high,
dist} range) to put there, its provenance kind (measured or simulated) and a source naming the
runs or sessions, so "Use measured values" on the Scenario page can replace the assumption and
say where the new number came from. The derivations belong to the engine; this module only
collects them:

- times and annotation failure rates: `engine.annotation.summary` (t-intervals for times,
  Wilson intervals for rates, 95 %; SAM items from random-weight sessions left out of SAM's
  failure rate). Human sessions are used when there are any; simulated ones only otherwise, and
  then labelled simulated. The two are never mixed. Human items timed the old way (server
  round-trips only, before activity was measured in the browser) are left out unless the caller
  includes them; the source says which it was.
- failure rates from accuracy runs (these win over annotation rejections): the share of
  evaluated structures whose Dice against ground truth is below a stated threshold (default
  0.8), per model family (names starting sam / ssl), by `engine.measure.failure.failure_rate`,
  the rule `segroi evaluate` stores. Random-weight rows are never used.
- compute: `engine.profiling.to_cost.latest_cost_profile` - the newest finished profile run of
  the model the scenario already names (else sam_vit_h / ssl_unet, else any of the family),
  on a GPU when one was profiled.
- training GPU-hours: the latest SSL training run on CUDA.
"""

from __future__ import annotations

import pandas as pd

from engine.costmodel import get_field, set_field
from engine.errors import SegroiError
from engine.measure.failure import DEFAULT_TOLERANCE, failure_rate
from engine.report import data
from engine.store import Store

DICE_THRESHOLD = DEFAULT_TOLERANCE
PROFILE_FIELDS = ("seconds_per_image", "joules_per_image", "seconds_per_prompt", "joules_per_prompt",
                  "average_power_watts")


def family(model: str) -> str | None:
    m = str(model).lower()
    if m.startswith("sam") or "medsam" in m:
        return "sam"
    if m.startswith("ssl") or m.startswith("unet"):
        return "ssl"
    return None


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
    """The only parts of a scenario the candidates depend on (workload, which models it names):
    callers can cache candidates on this, not on every edit of the scenario."""
    options = {}
    for fam in ("sam", "ssl"):
        model = (((raw.get("options") or {}).get(fam) or {}).get("profile") or {}).get("provenance", {}).get("model")
        if model:
            options[fam] = {"profile": {"provenance": {"model": model}}}
    return {"name": raw.get("name", "scenario"), "workload": dict(raw.get("workload") or {}), "options": options}


def candidates(store: Store, raw: dict | None = None, threshold: float = DICE_THRESHOLD,
               include_old: bool = False) -> list[dict]:
    """Every measured replacement for the scenario `raw` (the reference workload when None);
    `include_old` lets annotation items timed the old way in (see annotation_candidates)."""
    if raw is None:
        from engine import reference

        raw = reference.reference_scenario()
    out = annotation_candidates(store, raw, include_old)
    out = _failure_from_evaluations(data.evaluations(store), threshold, out)
    out += _from_profiles(store, raw)
    out += _from_training(data.training_runs(store))
    return out


def old_annotation_items(store: Store) -> int:
    """How many human annotation items were timed the old way (server round-trips only)."""
    from engine.annotation.session import TIMING_SERVER

    rows = store.query("SELECT count(*) AS n FROM annotation_items WHERE NOT simulated AND timing = ?",
                       [TIMING_SERVER])
    return int(rows[0]["n"]) if rows else 0


def annotation_candidates(store: Store, raw: dict | None, include_old: bool = False) -> list[dict]:
    """Times and rejection rates from annotation sessions (engine.annotation.summary). Human
    items timed the old way count only with `include_old`; the source says how many were left
    out, or that old and new were mixed."""
    from engine.annotation.session import session_items
    from engine.annotation.summary import scenario_update, summarize, timed_items

    ids = [r["id"] for r in store.query("SELECT id FROM annotation_sessions ORDER BY created_at")]
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
    if raw is None:  # no workload to turn review seconds per structure into per study
        estimates.pop("ssl.review_seconds_per_structure", None)
        raw = {"workload": {}}
    updated, prov, changed = scenario_update(raw, estimates, raw.get("name", "measured"))
    out = []
    for field in changed:
        leaf = get_field(updated, field)
        out.append({"field": field, "value": point(leaf), "leaf": leaf, "kind": prov[field]["kind"],
                    "source": prov[field]["source"], "basis": "annotation"})
    return out


def _failure_from_evaluations(ev: pd.DataFrame, threshold: float, have: list[dict]) -> list[dict]:
    if ev.empty or "dice" not in ev:
        return have
    scored = ev[ev["dice"].notna()]
    out = list(have)
    for fam in ("sam", "ssl"):
        mine = scored[scored["model"].map(family) == fam]
        rate, failed, n = failure_rate(mine["dice"], threshold)
        if not n:
            continue
        models = sorted(mine["model"].unique())
        kinds = set(ev.loc[ev["model"].isin(models), "provenance"])
        field = f"options.{fam}.failure_rate"
        out = [c for c in out if c["field"] != field]  # accuracy against ground truth wins
        out.append({"field": field, "value": rate, "leaf": rate,
                    "kind": "measured" if kinds == {"measured"} else "simulated", "basis": "evaluation",
                    "source": f"segroi evaluate ({', '.join(map(str, models))}): {failed} of {n} structures with Dice < {threshold:g}"})
    return out


def _profile_model(store: Store, raw: dict, fam: str) -> str | None:
    named = (((raw.get("options") or {}).get(fam) or {}).get("profile") or {}).get("provenance", {}).get("model")
    models = [r["model"] for r in store.query(
        "SELECT DISTINCT p.model FROM profiles p JOIN runs r ON r.id = p.run_id WHERE r.status = 'ok'")]
    mine = sorted(m for m in models if family(m) == fam)
    for wanted in (named, "sam_vit_h" if fam == "sam" else "ssl_unet"):
        if wanted in mine:
            return wanted
    return mine[0] if mine else None


def _from_profiles(store: Store, raw: dict) -> list[dict]:
    from engine.profiling.to_cost import latest_cost_profile

    out = []
    for fam in ("sam", "ssl"):
        model = _profile_model(store, raw, fam)
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
        source = (f"{p['source']}: {p['model']} on {p['hardware']}, weights {p['weights']}, {p['date']}; "
                  f"{p.get('note', '')}")
        for key in PROFILE_FIELDS:
            if key in profile:
                out.append({"field": f"options.{fam}.profile.{key}", "value": float(profile[key]),
                            "leaf": float(profile[key]), "kind": p["kind"], "source": source,
                            "basis": "profile", "profile_provenance": p})
    return out


def _from_training(df: pd.DataFrame) -> list[dict]:
    if df.empty:
        return []
    gpu = df[(df["device"] == "cuda") & df["seconds"].notna()]
    if gpu.empty:
        return []
    r = gpu.iloc[0]
    hours = float(r["seconds"]) / 3600
    return [{"field": "options.ssl.training_gpu_hours", "value": hours, "leaf": hours, "kind": "measured",
             "basis": "training",
             "source": f"segroi train-ssl run {str(r['run_id'])[:8]} on {r.get('device_name') or 'cuda'}, "
                       f"{int(r['images'] or 0)} images, {str(r['started_at'])[:10]}"}]


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
            node["provenance"] = {k: str(v) for k, v in c["profile_provenance"].items()
                                  if v is not None and str(v).strip()}
    return out
