"""One scenario's figures, computed once and shared by the dashboard and the PDF.

`summarize(raw)` runs the cost model (evaluate, Monte Carlo, tornado, cumulative, breakdown,
recommendation) on a validated scenario; `headline(summary, lang)` turns it into the plain
sentence and the headline numbers. Both the Overview page and the PDF print exactly these
strings, so the two never disagree.
"""

from __future__ import annotations

import json
import time

from engine import costmodel
from engine.report import i18n
from engine.report.i18n import t

MC_DRAWS = 10_000
MC_SEED = 0


def summarize(raw: dict, draws: int = MC_DRAWS, seed: int = MC_SEED, focus: str | None = None) -> dict:
    """Everything the Overview and the PDF need for one scenario. Raises costmodel.AssumptionError.

    The savings story is about `best`, the cheapest option that is not manual. `focus` is the option
    the tornado is about: `best` by default, or any other option that is not manual.
    """
    started = time.perf_counter()
    scenario = costmodel.validate(raw)
    result = costmodel.evaluate(scenario)
    uncertain = costmodel.uncertain_fields(scenario)
    mc = costmodel.monte_carlo(scenario, n=draws, seed=seed) if uncertain and draws else None
    rec = costmodel.recommendation(scenario, mc=mc)
    best = best_option(result, scenario.manual)
    focus = focus if focus in result["options"] and focus != scenario.manual else best
    return {
        "name": scenario.name,
        "currency": scenario.currency,
        "horizon_years": scenario.horizon_years,
        "mode": scenario.mode,
        "volume": scenario.point["workload.studies_per_year"],
        "options": [{"name": o.name, "kind": o.kind, "label": o.label, "automatic": o.automatic,
                     "prompted": o.prompted} for o in scenario.options],
        "manual": scenario.manual,
        "scenario": scenario,
        "assumptions": scenario.to_dict(),
        "provenance": field_provenance(scenario),
        "result": result,
        "monte_carlo": mc,
        "recommendation": rec,
        "best": best,
        "focus": focus,
        "tornado": tornado_for(scenario, focus),
        "cumulative": costmodel.cumulative(scenario),
        "breakdown": costmodel.breakdown(scenario),
        "seconds": time.perf_counter() - started,
    }


def field_provenance(scenario) -> dict[str, dict]:
    """Every assumption's {kind, source}: its own entry, else its option's profile provenance, else assumed."""
    raw = scenario.to_dict()
    out = {}
    for field in scenario.point:
        entry = scenario.provenance.get(field)
        if entry is None and ".profile." in field:
            option = field.split(".")[1]
            prof = raw.get("options", {}).get(option, {}).get("profile", {}).get("provenance")
            if prof:
                extra = ", ".join(str(prof[k]) for k in ("model", "hardware", "weights", "date", "run_id")
                                  if prof.get(k))
                source = prof.get("source") or ""
                entry = {"kind": prof["kind"], "source": f"{source} ({extra})" if extra and source else
                         (source or extra)}
        out[field] = entry or {"kind": "assumed", "source": f"scenario “{scenario.name}”"}
    for field, entry in scenario.provenance.items():
        out.setdefault(field, entry)
    return out


def tornado_for(scenario, option: str) -> list[dict]:
    """The one-way sensitivity of `option`'s NPV savings vs manual (empty without ranges)."""
    if not scenario.uncertain:
        return []
    return costmodel.tornado(scenario, output=f"{option}.npv_savings_vs_manual")


def overview_figures(summary: dict, lang: str, focus: str | None = None) -> list[list]:
    """The Overview's figures, row by row: what each option costs; the cumulative cost beside the tornado
    of `focus` (default: the summary's focus; no tornado without ranges); the cheapest option by volume."""
    from engine.report import figures

    s, cur, prov, opts = summary, summary["currency"], summary["provenance"], summary["options"]
    focus = focus or s["focus"]
    middle = [figures.cumulative_cost(s["cumulative"], cur, lang, prov, highlight=s["best"], options=opts)]
    if s["tornado"]:
        rows = s["tornado"] if focus == s["focus"] else tornado_for(s["scenario"], focus)
        middle.append(figures.tornado(rows, focus, cur, lang, prov, options=opts))
    return [[figures.costs(s["result"], s["breakdown"], cur, lang, prov, opts)], middle,
            [figures.cheapest_by_volume(s["result"]["cheapest_by_volume"], s["volume"], lang, prov, opts)]]


def best_option(result: dict, manual: str = "manual") -> str:
    """The option other than manual with the lowest present cost: the one the savings story is about."""
    opts = result["options"]
    return min((o for o in opts if o != manual), key=lambda o: opts[o]["present_cost"])


def option_names(summary: dict, lang: str, short: bool = False) -> dict[str, str]:
    """What to call each option of a summarised scenario, in its order (engine.report.figures)."""
    from engine.report.figures import option_names as names

    return names(summary["options"], lang, short)


def raw_option_names(raw: dict, lang: str, short: bool = False) -> dict[str, str]:
    """What to call each option of an assumptions dict, valid or not (the Scenario page edits both)."""
    from engine.annotation.options import kind_of
    from engine.report.figures import option_names as names

    opts = []
    for name, body in ((raw or {}).get("options") or {}).items():
        body = body if isinstance(body, dict) else {}
        label = body.get("label") if isinstance(body.get("label"), str) else None
        opts.append({"name": name, "kind": kind_of(name, body), "label": label,
                     "automatic": body.get("automatic"), "prompted": body.get("prompted")})
    return names(opts, lang, short)


def result_rows(summary: dict, lang: str, short: bool = False) -> dict[str, list[str]]:
    """The results table of the Scenario page: one row per option, formatted for `lang`."""
    res = summary["result"]["options"]
    cur, manual = summary["currency"], summary["manual"]
    names = option_names(summary, lang, short)
    return {
        t("pdf.col.option", lang): [names[o] for o in res],
        t("metric.cost_per_study", lang): [i18n.money(res[o]["cost_per_study"], cur, lang) for o in res],
        t("metric.annual_cost", lang): [i18n.money(res[o]["annual_cost"], cur, lang) for o in res],
        t("metric.setup_cost", lang): [i18n.money(res[o]["setup_cost"], cur, lang) for o in res],
        t("metric.present_cost", lang): [i18n.money(res[o]["present_cost"], cur, lang) for o in res],
        t("metric.npv_savings", lang): [i18n.money(res[o]["npv_savings_vs_manual"], cur, lang) for o in res],
        t("metric.payback_months", lang): ["" if o == manual else i18n.months(res[o]["payback_months"], lang)
                                           for o in res],
        t("metric.roi", lang): ["" if res[o]["roi"] is None else i18n.percent(res[o]["roi"], lang) for o in res],
    }


def scenario_key(raw: dict) -> str:
    """A text key for caching a scenario's summary. Key order is kept: the order of a scenario's
    options is part of its meaning (display order, ties)."""
    return json.dumps(raw, default=str)


def headline(summary: dict, lang: str = "en") -> dict:
    """The recommendation sentence and the headline figures, formatted for `lang`."""
    res = summary["result"]["options"]
    cur = summary["currency"]
    years = summary["horizon_years"]
    best, manual = summary["best"], summary["manual"]
    mc = summary["monte_carlo"]
    names = option_names(summary, lang)
    savings = res[best]["npv_savings_vs_manual"]
    payback = res[best]["payback_months"]
    p = mc["p_cheapest"][best] if mc else None
    figures = {
        "option": names[best],
        "savings": i18n.money_compact(savings, cur, lang),
        "payback": i18n.months(payback, lang),
        "p_cheapest": i18n.percent(p, lang) if p is not None else None,
        "cost_per_study": {o: i18n.money(res[o]["cost_per_study"], cur, lang) for o in res},
    }
    others = [o for o in res if o != manual]
    if savings <= 0:
        legacy = sorted(others) == ["sam", "ssl"] and manual == "manual"
        sentence = (t("rec.manual_best", lang, years=years) if legacy
                    else t("rec.manual_best_any", lang, years=years, n=len(others)))
    else:
        parts = [t("rec.saves", lang, option=figures["option"], savings=figures["savings"], years=years)]
        parts.append(t("rec.payback", lang, months=figures["payback"]) if payback is not None
                     else t("rec.payback_none", lang))
        if p is not None:
            parts.append(t("rec.cheapest_share", lang, share=figures["p_cheapest"]))
        if lang == "ja":
            sentence = parts[0] + "。" + "、".join(parts[1:]) + "です。"
        else:
            sentence = "; ".join(parts) + "."
    rest = sorted((o for o in others if o != best), key=lambda o: res[o]["present_cost"])
    if not rest:
        figures["other"] = None
    else:  # the next best option besides manual (with two such options: the other one)
        key = "rec.vs_other" if len(others) == 2 else "rec.next_best"
        figures["other"] = t(key, lang, other=names[rest[0]],
                             savings=i18n.money_compact(res[rest[0]]["npv_savings_vs_manual"], cur, lang))
    be = summary["result"].get("break_even_studies_per_year")
    short = option_names(summary, lang, short=True)
    figures["break_even"] = (t("rec.break_even", lang, a=short["sam"], b=short["ssl"], volume=i18n.number(be, lang))
                             if be is not None else None)
    figures["sentence"] = sentence
    return figures


def savings_range(summary: dict, lang: str) -> str | None:
    """The 90% Monte Carlo range of the focus option's NPV savings, or None without uncertainty."""
    mc = summary["monte_carlo"]
    if not mc:
        return None
    pct = mc["percentiles"][summary["best"]]["npv_savings_vs_manual"]
    cur = summary["currency"]
    return t("overview.range", lang, low=i18n.money_compact(pct["p5"], cur, lang),
             high=i18n.money_compact(pct["p95"], cur, lang))


def assumption_rows(summary: dict, lang: str) -> list[dict]:
    """Every assumption with its value and provenance, in the cost model's field order (PDF table)."""
    scenario = summary["scenario"]
    prov = summary["provenance"]
    labels = option_names(summary, lang, short=True)
    rows = []
    for field, spec in scenario.fields.items():
        if field not in scenario.point:
            continue
        value = scenario.point[field]
        text = _value_text(value, spec.unit, summary["currency"], lang)
        unc = scenario.uncertain.get(field)
        if unc is not None:
            text += f" ({_value_text(unc.low, spec.unit, summary['currency'], lang)}–" \
                    f"{_value_text(unc.high, spec.unit, summary['currency'], lang)})"
        p = prov.get(field) or {}
        rows.append({"field": field, "label": i18n.field_label(field, lang, labels), "value": text,
                     "kind": p.get("kind", "assumed"), "source": p.get("source", "")})
    at = 0
    for o in scenario.options:  # what each option is, before its first field
        what = i18n.t(f"kind.{o.kind}", lang)
        if o.kind == "hybrid":
            what += f" ({labels[o.automatic]} → {labels[o.prompted]})"
        mode = i18n.field_label(f"mode.{o.mode}", lang)
        where = (f"{mode}, {i18n.t('scenario.own_hardware', lang)}" if o.hardware != "hardware"
                 else i18n.t("scenario.scenario_hardware", lang))
        row = {"field": f"options.{o.name}.kind", "label": f"{labels[o.name]}: {i18n.t('scenario.option_kind', lang)}",
               "value": what if o.kind == "manual" else f"{what}; {where}",
               "kind": (prov.get(f"options.{o.name}.kind") or {}).get("kind", "assumed"),
               "source": (prov.get(f"options.{o.name}.kind") or {}).get("source", "")}
        first = next((i for i, r in enumerate(rows) if r["field"].startswith(f"options.{o.name}.")), len(rows))
        rows.insert(max(first, at), row)
        at = max(first, at) + 1
    rows.insert(0, {"field": "hardware.mode", "label": i18n.field_label("hardware.mode", lang),
                    "value": i18n.field_label(f"mode.{summary['mode']}", lang)
                    + ("" if summary["mode"] == "cloud" else
                       f" ({i18n.field_label('hardware.dedicated', lang)}: {'yes' if scenario.dedicated else 'no'})"),
                    "kind": (prov.get("hardware.mode") or {}).get("kind", "assumed"),
                    "source": (prov.get("hardware.mode") or {}).get("source", "")})
    return rows


def _value_text(value: float, unit: str, currency: str, lang: str) -> str:
    if unit.startswith("currency"):
        rest = unit[len("currency"):]
        return i18n.money(value, currency, lang) + rest
    if unit == "fraction":
        return i18n.percent(value, lang, 1 if value < 0.1 else 0)
    if unit == "1/year":
        return i18n.percent(value, lang, 1)
    return f"{i18n.quantity(value, lang)} {unit}"
