"""Plotly figure builders shared by the dashboard and the PDF.

Every builder takes plain data (the cost model's dicts, store frames) plus `lang` and
`currency`, and returns a `plotly.graph_objects.Figure` whose text is formatted by
`engine.report.i18n`. Figures that show numbers carry a provenance badge (top right):
what kind of source their inputs have, with the sources themselves on hover.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.report import i18n
from engine.report.i18n import t

OPTIONS = ("manual", "sam", "ssl")
COLORS = {"manual": "#8a8f98", "sam": "#e07b39", "ssl": "#1f6f8b"}
PART_COLORS = {"labour": "#5b8db8", "compute": "#e0a339", "maintenance": "#9b7bb8", "setup": "#6c7a89"}
BADGE_COLORS = {"measured": "#1e8449", "published": "#2e6fb5", "simulated": "#b9770e",
                "assumed": "#7f8c8d", "mixed": "#5d6d7e"}
FONT = "IPAexGothic, Noto Sans CJK JP, Arial, sans-serif"


TOP = 72  # px above the plot area: title row (with the badge at its right), then the legend row


def _layout(fig: go.Figure, title: str, height: int = 360, legend_below: bool = False) -> go.Figure:
    legend = ({"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.3, "yanchor": "top"} if legend_below
              else {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"})
    fig.update_layout(
        title={"text": title, "x": 0.01, "xref": "container", "xanchor": "left", "y": 1.0, "yref": "container",
               "yanchor": "top", "pad": {"t": 10}, "font": {"size": 15}},
        template="plotly_white", height=height, font={"family": FONT, "size": 12},
        margin={"l": 60, "r": 20, "t": TOP, "b": 110 if legend_below else 50}, legend=legend,
    )
    return fig


# -- provenance badge -----------------------------------------------------------------

def provenance_summary(provenance: dict, fields=None) -> dict:
    """{"kind": one kind or "mixed", "counts": {kind: n}, "sources": {kind: [source, ...]}}.

    `provenance` maps dotted fields to {"kind", "source"}; `fields` limits it to the ones behind a figure.
    """
    items = [(f, p) for f, p in (provenance or {}).items() if fields is None or f in fields]
    counts = Counter(p.get("kind", "assumed") for _, p in items)
    sources: dict[str, list[str]] = defaultdict(list)
    for _, p in items:
        src = p.get("source") or ""
        kind = p.get("kind", "assumed")
        if src and src not in sources[kind]:
            sources[kind].append(src)
    kind = next(iter(counts)) if len(counts) == 1 else ("mixed" if counts else "assumed")
    return {"kind": kind, "counts": dict(counts), "sources": dict(sources)}



def badge_text(summary: dict, lang: str) -> str:
    if summary["kind"] != "mixed":
        return i18n.provenance_name(summary["kind"], lang)
    order = [k for k in ("measured", "published", "simulated", "assumed") if k in summary["counts"]]
    return " · ".join(f"{i18n.provenance_name(k, lang)} {summary['counts'][k]}" for k in order)


def badge_hover(summary: dict, lang: str, limit: int = 14) -> str:
    lines = [t("prov.badge_help", lang) + ":"]
    for kind in ("measured", "published", "simulated", "assumed"):
        for src in summary["sources"].get(kind, []):
            lines.append(f"{i18n.provenance_name(kind, lang)}: {src}")
    if len(lines) > limit:
        lines = lines[:limit] + ["…"]
    return "<br>".join(lines)


def add_badge(fig: go.Figure, summary: dict, lang: str) -> go.Figure:
    """A small labelled box at the top right; hovering shows the sources."""
    color = BADGE_COLORS.get(summary["kind"], BADGE_COLORS["mixed"])
    fig.update_layout(meta={"provenance_kind": summary["kind"]})
    fig.add_annotation(
        text=badge_text(summary, lang), hovertext=badge_hover(summary, lang),
        xref="paper", yref="paper", x=1.0, y=1.0, xanchor="right", yanchor="top", yshift=TOP - 9,
        showarrow=False, font={"size": 10, "color": "white"}, bgcolor=color, bordercolor=color,
        borderpad=3, borderwidth=1, name="provenance",
    )
    return fig


# -- cost figures ---------------------------------------------------------------------

def cost_per_study(result: dict, currency: str, lang: str, provenance: dict | None = None) -> go.Figure:
    opts = result["options"]
    values = [opts[o]["cost_per_study"] for o in OPTIONS]
    fig = go.Figure(go.Bar(
        x=[i18n.option_name(o, lang) for o in OPTIONS], y=values,
        marker_color=[COLORS[o] for o in OPTIONS],
        text=[i18n.money(v, currency, lang) for v in values], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    _layout(fig, t("overview.cost_per_study", lang), height=320)
    fig.update_yaxes(title=t("axis.cost_per_study", lang, currency=currency), rangemode="tozero")
    fig.update_layout(showlegend=False)
    return add_badge(fig, provenance_summary(provenance), lang)


def annual_breakdown(breakdown: dict, currency: str, lang: str, provenance: dict | None = None) -> go.Figure:
    """Stacked annual running cost per option (left) and the one-off setup beside it (right)."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.64, 0.36], horizontal_spacing=0.12)
    names = [i18n.option_name(o, lang, short=True) for o in OPTIONS]
    for part in ("labour", "compute", "maintenance"):
        vals = [breakdown[o][part] for o in OPTIONS]
        fig.add_trace(go.Bar(
            x=names, y=vals, name=t(f"cost.{part}", lang), marker_color=PART_COLORS[part],
            customdata=[i18n.money(v, currency, lang) for v in vals],
            hovertemplate="%{x} · " + t(f"cost.{part}", lang) + ": %{customdata}<extra></extra>",
        ), row=1, col=1)
    totals = [breakdown[o]["annual"] for o in OPTIONS]
    fig.add_trace(go.Scatter(
        x=names, y=totals, mode="text", text=[i18n.money_compact(v, currency, lang) for v in totals],
        textposition="top center", showlegend=False, hoverinfo="skip", cliponaxis=False,
    ), row=1, col=1)
    setups = [breakdown[o]["setup"] for o in OPTIONS]
    fig.add_trace(go.Bar(
        x=names, y=setups, name=t("cost.setup", lang), marker_color=PART_COLORS["setup"],
        text=[i18n.money_compact(v, currency, lang) for v in setups], textposition="outside", cliponaxis=False,
        textfont={"size": 10},
        customdata=[i18n.money(v, currency, lang) for v in setups],
        hovertemplate="%{x} · " + t("cost.setup", lang) + ": %{customdata}<extra></extra>",
    ), row=1, col=2)
    _layout(fig, t("overview.annual_breakdown", lang), height=360, legend_below=True)
    fig.update_layout(barmode="stack")
    fig.update_traces(constraintext="none", selector={"type": "bar"})
    fig.update_layout(legend={"traceorder": "normal"})
    fig.update_xaxes(title=t("cost.annual", lang), row=1, col=1)
    fig.update_xaxes(title=t("cost.setup", lang), row=1, col=2)
    fig.update_yaxes(range=[0, max(totals) * 1.15 or 1], row=1, col=1)
    fig.update_yaxes(range=[0, max(setups) * 1.18 or 1], row=1, col=2)
    fig.update_yaxes(title=t("axis.cost", lang, currency=currency), row=1, col=1)
    return add_badge(fig, provenance_summary(provenance), lang)


def crossovers(cum: dict, option: str, against: str = "manual") -> list[float]:
    """Years (fractional) at which `option`'s cumulative cost falls to `against`'s, from below-to-above.

    The cumulative lines are straight between year ends, so linear interpolation is exact there.
    """
    a = cum["options"][option]["undiscounted"]
    b = cum["options"][against]["undiscounted"]
    years = cum["years"]
    out = []
    for i in range(1, len(years)):
        d0, d1 = a[i - 1] - b[i - 1], a[i] - b[i]
        if d0 > 0 and d1 <= 0:
            out.append(years[i - 1] + (years[i] - years[i - 1]) * d0 / (d0 - d1))
    return out


def cumulative_cost(cum: dict, currency: str, lang: str, provenance: dict | None = None,
                    highlight: str | None = None) -> go.Figure:
    """Undiscounted cumulative cost by year end (setup at year 0), each option's crossover with manual marked."""
    years = cum["years"]
    fig = go.Figure()
    for o in OPTIONS:
        vals = cum["options"][o]["undiscounted"]
        fig.add_trace(go.Scatter(
            x=years, y=vals, mode="lines+markers", name=i18n.option_name(o, lang),
            line={"color": COLORS[o], "width": 3 if o == highlight else 2},
            customdata=[i18n.money(v, currency, lang) for v in vals],
            hovertemplate=t("axis.year", lang) + " %{x}: %{customdata}<extra>%{fullData.name}</extra>",
        ))
    for o in ("sam", "ssl"):
        for x in crossovers(cum, o):
            y = _interp(years, cum["options"][o]["undiscounted"], x)
            months = i18n.months(x * 12, lang)
            fig.add_trace(go.Scatter(
                x=[x], y=[y], mode="markers+text", showlegend=False,
                marker={"symbol": "diamond", "size": 12, "color": COLORS[o], "line": {"color": "white", "width": 1}},
                text=[f"{t('overview.crossover', lang)} {months}"], textposition="bottom right",
                hovertemplate=f"{i18n.option_name(o, lang)} · {t('overview.crossover', lang)}: {months}<extra></extra>",
            ))
    _layout(fig, t("overview.cumulative", lang, years=years[-1]), height=320)
    fig.update_xaxes(title=t("axis.year", lang), dtick=1)
    fig.update_yaxes(title=t("axis.cost", lang, currency=currency), rangemode="tozero")
    return add_badge(fig, provenance_summary(provenance), lang)


def _interp(xs, ys, x):
    for i in range(1, len(xs)):
        if xs[i - 1] <= x <= xs[i]:
            f = (x - xs[i - 1]) / (xs[i] - xs[i - 1])
            return ys[i - 1] + f * (ys[i] - ys[i - 1])
    return ys[-1]


def tornado(rows: list[dict], option: str, currency: str, lang: str, provenance: dict | None = None,
            top: int = 5) -> go.Figure:
    """One-way sensitivity of `option`'s NPV savings vs manual: each input at its low and its high."""
    rows = rows[:top]
    fig = go.Figure()
    if rows:
        base = rows[0]["base"]
        labels = [i18n.field_label(r["field"], lang) for r in rows][::-1]
        for which, color in (("low", "#5b8db8"), ("high", "#e0a339")):
            deltas = [r[f"output_at_{which}"] - base for r in rows][::-1]
            inputs = [i18n.quantity(r[which], lang) for r in rows][::-1]
            outs = [i18n.money(r[f"output_at_{which}"], currency, lang) for r in rows][::-1]
            fig.add_trace(go.Bar(
                y=labels, x=deltas, base=base, orientation="h", name=t(f"tornado.{which}", lang),
                marker_color=color, customdata=list(zip(inputs, outs)),
                hovertemplate="%{y} = %{customdata[0]} → %{customdata[1]}<extra></extra>",
            ))
        fig.add_vline(x=base, line={"color": "#444", "width": 1, "dash": "dot"})
    _layout(fig, t("overview.tornado", lang, option=i18n.option_name(option, lang)), height=320)
    fig.update_layout(barmode="overlay", margin={"l": 10})
    fig.update_xaxes(title=t("axis.savings", lang, currency=currency))
    fig.update_yaxes(automargin=True)
    fields = {r["field"] for r in rows}
    return add_badge(fig, provenance_summary(provenance, fields), lang)


def compare_scenarios(results: dict[str, dict], metric: str, currency: str, lang: str) -> go.Figure:
    """Grouped bars: one group per option, one bar per scenario, for `metric` (e.g. present_cost)."""
    fig = go.Figure()
    for name, res in results.items():
        vals = [res["options"][o][metric] for o in OPTIONS]
        fig.add_trace(go.Bar(
            x=[i18n.option_name(o, lang, short=True) for o in OPTIONS], y=vals, name=name,
            text=[i18n.money_compact(v, currency, lang) for v in vals], textposition="outside", cliponaxis=False,
        ))
    _layout(fig, t(f"metric.{metric}", lang) if f"metric.{metric}" in i18n.LABELS else metric, height=340)
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=t("axis.cost", lang, currency=currency), rangemode="tozero")
    return fig


# -- compute profiles ----------------------------------------------------------------

def _profile_badge(df) -> dict:
    prov = {}
    for i, r in enumerate(df.itertuples(index=False)):
        src = getattr(r, "source", None) or f"run {str(r.run_id)[:8]}"
        weights = getattr(r, "weights", "")
        dev = getattr(r, "device_name", None) or getattr(r, "device", "")
        prov[f"row{i}"] = {"kind": r.provenance, "source": f"{src} ({dev}, weights {weights})"}
    return provenance_summary(prov)


def profile_chart(df, metric: str, lang: str) -> go.Figure:
    """`metric` (images_per_second or joules_per_image) against batch, one line per model, dtype and
    hardware (the device's name, so that machines measured with `profile --ray` or imported from
    other stores are compared; the device type where no name was recorded)."""
    title = t("bench.throughput" if metric == "images_per_second" else "bench.energy", lang)
    fig = go.Figure()
    data = df[df[metric].notna()] if len(df) else df
    if len(data):
        names = data["device_name"] if "device_name" in data.columns else data["device"]
        data = data.assign(hardware=names.where(names.notna() & (names.astype(str) != ""), data["device"]))
        data = (data.sort_values(["model", "dtype", "batch"])
                .groupby(["model", "component", "dtype", "hardware", "batch"], as_index=False)[metric].median())
        for (model, comp, dtype, device), g in data.groupby(["model", "component", "dtype", "hardware"]):
            name = f"{model}{'' if comp == 'full' else ' ' + comp} · {dtype} · {device}"
            fig.add_trace(go.Scatter(
                x=g["batch"], y=g[metric], mode="lines+markers", name=name,
                line={"dash": "solid" if dtype == "fp32" else "dash"},
                hovertemplate=name + "<br>batch %{x}: %{y:,.4g}<extra></extra>",
            ))
    _layout(fig, title, height=520, legend_below=True)
    fig.update_xaxes(title="batch", type="log")
    fig.update_yaxes(title=t("axis.images_per_second" if metric == "images_per_second" else "axis.joules_per_image",
                             lang), type="log")
    fig.update_layout(legend={"y": -0.2, "font": {"size": 10}}, margin={"b": 150})
    if len(data):
        add_badge(fig, _profile_badge(df[df[metric].notna()]), lang)
    return fig


# -- accuracy -------------------------------------------------------------------------

STRUCTURE_ORDER = ["LV", "LA", "RV", "RA"]
MODEL_COLORS = ["#1f6f8b", "#e07b39", "#5b8db8", "#9b7bb8", "#1e8449", "#b9770e"]


def dice_box(df, lang: str) -> go.Figure:
    fig = go.Figure()
    for model, g in df.groupby("model"):
        fig.add_trace(go.Box(x=g["structure"], y=g["dice"], name=str(model), boxmean=True))
    _layout(fig, t("acc.dice", lang), height=330)
    fig.update_layout(boxmode="group")
    cats = [s for s in STRUCTURE_ORDER if s in set(df["structure"])] + sorted(
        set(df["structure"]) - set(STRUCTURE_ORDER))
    fig.update_xaxes(categoryorder="array", categoryarray=cats)
    fig.update_yaxes(title=t("axis.dice", lang), range=[0, 1.02])
    prov = {f"{m}{i}": {"kind": k, "source": f"{m}: run {str(r)[:8]}"}
            for i, (m, k, r) in enumerate(df[["model", "provenance", "run_id"]].drop_duplicates().itertuples(index=False))}
    return add_badge(fig, provenance_summary(prov), lang)


def bland_altman_stats(values, references) -> dict:
    """Bias and 95% limits of agreement, from engine.measure.agreement (NaN where undefined)."""
    from engine.measure.agreement import bland_altman as ba

    r = ba(list(values), list(references))
    nan = math.nan
    return {"n": r["n"], "bias": nan if r["bias"] is None else r["bias"],
            "low": nan if r["loa_low"] is None else r["loa_low"],
            "high": nan if r["loa_high"] is None else r["loa_high"]}


def _measure_badge(df) -> dict:
    prov = {f"{m}{i}": {"kind": k, "source": f"{m}: run {str(r)[:8]}"}
            for i, (m, k, r) in enumerate(df[["model", "provenance", "run_id"]].drop_duplicates().itertuples(index=False))}
    return provenance_summary(prov)


def agreement_scatter(df, measurement: str, lang: str) -> go.Figure:
    """Model value against reference for one measurement, with the identity line."""
    d = df[df["name"] == measurement]
    unit = d["unit"].dropna().iloc[0] if d["unit"].notna().any() else ""
    fig = go.Figure()
    for model, g in d.groupby("model"):
        fig.add_trace(go.Scatter(x=g["reference"], y=g["value"], mode="markers", name=str(model), opacity=0.75))
    if len(d):
        lo = float(min(d["reference"].min(), d["value"].min()))
        hi = float(max(d["reference"].max(), d["value"].max()))
        fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name=t("acc.identity", lang),
                                 line={"color": "#444", "dash": "dot"}))
    _layout(fig, f"{t('acc.scatter', lang)}: {measurement}", height=380)
    suffix = f" ({unit})" if unit else ""
    fig.update_xaxes(title=t("axis.reference", lang) + suffix)
    fig.update_yaxes(title=t("axis.model_value", lang) + suffix, scaleanchor="x", scaleratio=1)
    return add_badge(fig, _measure_badge(d), lang) if len(d) else fig


def bland_altman(df, measurement: str, lang: str) -> go.Figure:
    """Difference against mean, per model, with each model's bias and 95% limits of agreement."""
    d = df[df["name"] == measurement]
    fig = go.Figure()
    dashes = ("solid", "dash", "dot")
    for i, (model, g) in enumerate(d.groupby("model")):
        mean = (g["value"] + g["reference"]) / 2
        diff = g["value"] - g["reference"]
        color = MODEL_COLORS[i % len(MODEL_COLORS)]
        fig.add_trace(go.Scatter(x=mean, y=diff, mode="markers", name=str(model), opacity=0.75,
                                 marker_color=color))
        s = bland_altman_stats(list(g["value"]), list(g["reference"]))
        if math.isnan(s["low"]):
            continue  # one pair: no spread to draw
        for y, label in ((s["bias"], t("acc.bias", lang, bias=i18n.quantity(s["bias"], lang))),
                         (s["low"], f"-1.96 SD {i18n.quantity(s['low'], lang)}"),
                         (s["high"], f"+1.96 SD {i18n.quantity(s['high'], lang)}")):
            fig.add_hline(y=y, line={"dash": dashes[i % 3], "width": 1, "color": color},
                          annotation_text=f"{model}: {label}", annotation_position="top left",
                          annotation_font={"size": 10, "color": color})
    _layout(fig, f"{t('acc.bland_altman', lang)}: {measurement}", height=380)
    fig.update_xaxes(title=t("axis.mean", lang))
    fig.update_yaxes(title=t("axis.difference", lang))
    return add_badge(fig, _measure_badge(d), lang) if len(d) else fig
