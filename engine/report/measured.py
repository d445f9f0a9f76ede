"""Cost-model inputs that can come from measured runs instead of assumptions.

Each candidate is one scenario field with a value, its provenance (measured or simulated) and
a source that names the run(s), so "Use measured values" on the Scenario page can replace the
assumption and say where the new number came from. Rules (stated on the pages that use them):

- times (annotation items): mean active seconds per structure item of the task
  (manual -> manual.seconds_per_structure, sam -> sam.prompt_seconds_per_structure); review
  seconds per study (ssl review items) = mean over studies of the summed review seconds.
  Human items are preferred; simulated items are used only when there are no human ones and
  are labelled simulated. The two are never mixed.
- failure rates (evaluations): share of evaluated structures with Dice below the threshold
  (default 0.8), per model family (names starting sam / ssl). Without evaluations, the share of
  annotation items that were not accepted as the model gave them.
- compute (profiles of finished runs): the fastest stored row per family that has a measured
  energy figure, GPU rows before CPU rows; SAM's per-prompt figures from its decoder rows.
- training GPU-hours: the latest SSL training run on CUDA.
"""

from __future__ import annotations

import math

import pandas as pd

from engine.report import data
from engine.store import Store

DICE_THRESHOLD = 0.8


def _family(model: str) -> str | None:
    m = str(model).lower()
    if m.startswith("sam") or "medsam" in m:
        return "sam"
    if m.startswith("ssl") or m.startswith("unet"):
        return "ssl"
    return None


def _ci(values: pd.Series) -> tuple[float, float] | None:
    n = len(values)
    if n < 2:
        return None
    mean = float(values.mean())
    half = 1.96 * float(values.std(ddof=1)) / math.sqrt(n)
    return max(0.0, mean - half), mean + half


def failure_table(evaluations: pd.DataFrame, threshold: float = DICE_THRESHOLD) -> pd.DataFrame:
    """Per model: evaluated structures, how many fell below the Dice threshold, and the rate."""
    if evaluations.empty or "dice" not in evaluations:
        return pd.DataFrame(columns=["model", "structures", "failed", "failure_rate"])
    ev = evaluations[evaluations["dice"].notna()]
    out = ev.groupby("model").agg(structures=("dice", "size"),
                                  failed=("dice", lambda d: int((d < threshold).sum()))).reset_index()
    out["failure_rate"] = out["failed"] / out["structures"]
    return out


def candidates(store: Store, threshold: float = DICE_THRESHOLD) -> list[dict]:
    out: list[dict] = []
    out += annotation_candidates(data.annotation_items(store))
    out += _failure_from_evaluations(data.evaluations(store), threshold, have=out)
    out += _from_profiles(data.profiles(store))
    out += _from_training(data.training_runs(store))
    return out


def annotation_candidates(items: pd.DataFrame) -> list[dict]:
    if items.empty:
        return []
    human = items[~items["simulated"].astype(bool)]
    use, kind = (human, "measured") if len(human) else (items, "simulated")
    who = "human annotation sessions" if kind == "measured" else "simulated annotator (segroi annotate-sim)"
    out = []

    def add(field, series, what):
        series = series.dropna()
        if len(series):
            ci = _ci(series)
            out.append({"field": field, "value": float(series.mean()), "kind": kind, "n": len(series),
                        "ci": ci, "source": f"{who}: mean of {len(series)} {what}"})

    add("options.manual.seconds_per_structure", use.loc[use["task"] == "manual", "active_seconds"],
        "manual traces (active seconds)")
    add("options.sam.prompt_seconds_per_structure", use.loc[use["task"] == "sam", "active_seconds"],
        "SAM-prompted structures (active seconds)")
    ssl = use[use["task"] == "ssl"]
    if len(ssl):
        col = "review_seconds" if "review_seconds" in ssl and ssl["review_seconds"].notna().any() \
            else "active_seconds"
        key = ssl["study"].fillna(ssl["frame"]) if "study" in ssl else ssl["frame"]
        per_study = ssl.assign(_k=key).groupby(["session_id", "_k"])[col].sum()
        add("options.ssl.review_seconds_per_study", per_study, "studies reviewed (summed review seconds)")
    for task in ("sam", "ssl"):
        t = use[use["task"] == task]
        if len(t):
            rejected = (~t["accepted"].astype(bool)).astype(float)
            out.append({"field": f"options.{task}.failure_rate", "value": float(rejected.mean()), "kind": kind,
                        "n": len(t), "ci": None, "basis": "annotation",
                        "source": f"{who}: {int(rejected.sum())} of {len(t)} {task} items not accepted as given"})
    return out


def _failure_from_evaluations(ev: pd.DataFrame, threshold: float, have: list[dict]) -> list[dict]:
    table = failure_table(ev, threshold)
    if table.empty:
        return []
    out = []
    prov = ev.groupby("model")["provenance"].agg(lambda s: "measured" if (s == "measured").all() else s.iloc[0])
    for fam in ("sam", "ssl"):
        rows = table[table["model"].map(_family) == fam]
        if rows.empty:
            continue
        n, failed = int(rows["structures"].sum()), int(rows["failed"].sum())
        models = ", ".join(rows["model"].astype(str))
        kind = "measured" if all(prov.get(m) == "measured" for m in rows["model"]) else "simulated"
        # evaluations against ground truth take precedence over annotation rejections
        have[:] = [c for c in have if c["field"] != f"options.{fam}.failure_rate"]
        out.append({"field": f"options.{fam}.failure_rate", "value": failed / n, "kind": kind, "n": n,
                    "ci": None, "basis": "evaluation",
                    "source": f"segroi evaluate ({models}): {failed} of {n} structures with Dice < {threshold:g}"})
    return out


def _from_profiles(df: pd.DataFrame) -> list[dict]:
    if df.empty:
        return []
    out = []
    df = df.assign(family=df["model"].map(_family))
    for fam in ("sam", "ssl"):
        rows = df[(df["family"] == fam) & (df["component"] != "decoder")
                  & df["seconds_per_image"].notna() & df["joules_per_image"].notna()]
        if rows.empty:
            continue
        rows = rows.assign(_gpu=(rows["device"] == "cuda").astype(int))
        best = rows.sort_values(["_gpu", "seconds_per_image"], ascending=[False, True]).iloc[0]
        src = _profile_source(best)
        kind = best["provenance"]
        p = f"options.{fam}.profile"
        out.append({"field": f"{p}.seconds_per_image", "value": float(best["seconds_per_image"]), "kind": kind,
                    "n": 1, "ci": None, "source": src, "run_id": best["run_id"]})
        out.append({"field": f"{p}.joules_per_image", "value": float(best["joules_per_image"]), "kind": kind,
                    "n": 1, "ci": None, "source": src, "run_id": best["run_id"]})
        if pd.notna(best.get("average_power_watts")):
            out.append({"field": f"{p}.average_power_watts", "value": float(best["average_power_watts"]),
                        "kind": kind, "n": 1, "ci": None, "source": src, "run_id": best["run_id"]})
        if fam == "sam":
            dec = df[(df["family"] == "sam") & (df["component"] == "decoder") & df["seconds_per_prompt"].notna()
                     & (df["device"] == best["device"])]
            if len(dec):
                d = dec.sort_values("seconds_per_prompt").iloc[0]
                dsrc = _profile_source(d)
                out.append({"field": f"{p}.seconds_per_prompt", "value": float(d["seconds_per_prompt"]),
                            "kind": d["provenance"], "n": 1, "ci": None, "source": dsrc, "run_id": d["run_id"]})
                if pd.notna(d.get("joules_per_prompt")):
                    out.append({"field": f"{p}.joules_per_prompt", "value": float(d["joules_per_prompt"]),
                                "kind": d["provenance"], "n": 1, "ci": None, "source": dsrc,
                                "run_id": d["run_id"]})
    return out


def _profile_source(row) -> str:
    when = row.get("measured_at")
    when = when if pd.notna(when) else row.get("run_started_at")
    date = str(when)[:10] if when is not None and pd.notna(when) else "?"
    dev = row.get("device_name") if pd.notna(row.get("device_name")) else row.get("device")
    return (f"segroi profile run {str(row['run_id'])[:8]}: {row['model']} {row['component']} {row['dtype']} "
            f"batch {int(row['batch'])}, {dev}, weights {row['weights']}, {date}")


def _from_training(df: pd.DataFrame) -> list[dict]:
    if df.empty:
        return []
    gpu = df[(df["device"] == "cuda") & df["seconds"].notna()]
    if gpu.empty:
        return []
    r = gpu.iloc[0]
    return [{"field": "options.ssl.training_gpu_hours", "value": float(r["seconds"]) / 3600, "kind": "measured",
             "n": 1, "ci": None, "run_id": r["run_id"],
             "source": f"segroi train-ssl run {str(r['run_id'])[:8]} on {r.get('device_name') or 'cuda'}, "
                       f"{int(r['images'] or 0)} images, {str(r['started_at'])[:10]}"}]


def as_update(cands: list[dict]) -> tuple[dict[str, float], dict[str, dict]]:
    """Values and provenance for `summary.apply_values`."""
    values = {c["field"]: c["value"] for c in cands}
    prov = {c["field"]: {"kind": c["kind"], "source": c["source"]} for c in cands}
    return values, prov
