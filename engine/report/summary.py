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


def summarize(raw: dict, draws: int = MC_DRAWS, seed: int = MC_SEED) -> dict:
    """Everything the Overview and the PDF need for one scenario. Raises costmodel.AssumptionError."""
    started = time.perf_counter()
    scenario = costmodel.validate(raw)
    result = costmodel.evaluate(scenario)
    uncertain = costmodel.uncertain_fields(scenario)
    mc = costmodel.monte_carlo(scenario, n=draws, seed=seed) if uncertain and draws else None
    rec = costmodel.recommendation(scenario, mc=mc)
    focus = best_option(result)
    tor = costmodel.tornado(scenario, output=f"{focus}.npv_savings_vs_manual") if uncertain else []
    return {
        "name": scenario.name,
        "currency": scenario.currency,
        "horizon_years": scenario.horizon_years,
        "mode": scenario.mode,
        "scenario": scenario,
        "assumptions": scenario.to_dict(),
        "provenance": field_provenance(scenario),
        "result": result,
        "monte_carlo": mc,
        "recommendation": rec,
        "focus": focus,
        "tornado": tor,
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


def best_option(result: dict) -> str:
    """The automated option (sam or ssl) with the lower present cost: the one the savings story is about."""
    opts = result["options"]
    return min(("sam", "ssl"), key=lambda o: opts[o]["present_cost"])


def scenario_key(raw: dict) -> str:
    """A stable text key for caching a scenario's summary."""
    return json.dumps(raw, sort_keys=True, default=str)


def headline(summary: dict, lang: str = "en") -> dict:
    """The recommendation sentence and the headline figures, formatted for `lang`."""
    res = summary["result"]["options"]
    cur = summary["currency"]
    years = summary["horizon_years"]
    focus = summary["focus"]
    mc = summary["monte_carlo"]
    savings = res[focus]["npv_savings_vs_manual"]
    payback = res[focus]["payback_months"]
    p = mc["p_cheapest"][focus] if mc else None
    figures = {
        "option": i18n.option_name(focus, lang),
        "savings": i18n.money_compact(savings, cur, lang),
        "payback": i18n.months(payback, lang),
        "p_cheapest": i18n.percent(p, lang) if p is not None else None,
        "cost_per_study": {o: i18n.money(res[o]["cost_per_study"], cur, lang) for o in costmodel.OPTIONS},
    }
    if savings <= 0:
        sentence = t("rec.manual_best", lang, years=years)
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
    other = "sam" if focus == "ssl" else "ssl"
    other_savings = res[other]["npv_savings_vs_manual"]
    figures["other"] = t("rec.vs_other", lang, other=i18n.option_name(other, lang),
                         savings=i18n.money_compact(other_savings, cur, lang))
    be = summary["result"].get("break_even_studies_per_year")
    figures["break_even"] = (t("rec.break_even", lang, a=i18n.option_name("sam", lang, short=True),
                               b=i18n.option_name("ssl", lang, short=True), volume=i18n.number(be, lang))
                             if be is not None else None)
    figures["sentence"] = sentence
    return figures


def savings_range(summary: dict, lang: str) -> str | None:
    """The 90% Monte Carlo range of the focus option's NPV savings, or None without uncertainty."""
    mc = summary["monte_carlo"]
    if not mc:
        return None
    pct = mc["percentiles"][summary["focus"]]["npv_savings_vs_manual"]
    cur = summary["currency"]
    return t("overview.range", lang, low=i18n.money_compact(pct["p5"], cur, lang),
             high=i18n.money_compact(pct["p95"], cur, lang))


def assumption_rows(summary: dict, lang: str) -> list[dict]:
    """Every assumption with its value and provenance, in the cost model's field order (PDF table)."""
    scenario = summary["scenario"]
    prov = summary["provenance"]
    rows = []
    for field in costmodel.FIELDS:
        if field not in scenario.point:
            continue
        value = scenario.point[field]
        spec = costmodel.FIELDS[field]
        text = _value_text(value, spec.unit, summary["currency"], lang)
        unc = scenario.uncertain.get(field)
        if unc is not None:
            text += f" ({_value_text(unc.low, spec.unit, summary['currency'], lang)}–" \
                    f"{_value_text(unc.high, spec.unit, summary['currency'], lang)})"
        p = prov.get(field) or {}
        rows.append({"field": field, "label": i18n.field_label(field, lang), "value": text,
                     "kind": p.get("kind", "assumed"), "source": p.get("source", "")})
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
