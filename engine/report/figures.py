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

from engine.report import escape, i18n
from engine.report.i18n import t

PART_COLORS = {"labour": "#5b8db8", "compute": "#e0a339", "maintenance": "#9b7bb8", "setup": "#6c7a89"}
BADGE_COLORS = {
    "measured": "#1e8449",
    "published": "#2e6fb5",
    "simulated": "#b9770e",
    "assumed": "#7f8c8d",
    "mixed": "#5d6d7e",
}
FONT = "IPAexGothic, Noto Sans CJK JP, Arial, sans-serif"


TOP = 72  # px above the plot area: title row (with the badge at its right), then the legend row


def _layout(fig: go.Figure, title: str, height: int = 360, legend_below: bool = False) -> go.Figure:
    legend = (
        {"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.3, "yanchor": "top"}
        if legend_below
        else {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"}
    )
    fig.update_layout(
        title={
            "text": title,
            "x": 0.01,
            "xref": "container",
            "xanchor": "left",
            "y": 1.0,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 10},
            "font": {"size": 15},
        },
        template="plotly_white",
        height=height,
        font={"family": FONT, "size": 12},
        margin={"l": 60, "r": 20, "t": TOP, "b": 110 if legend_below else 50},
        legend=legend,
    )
    return fig


def nice_ticks(lo: float, hi: float, target: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(1, target)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    return [round(k * step, 10) for k in range(first, int(math.floor(hi / step + 1e-9)) + 1)]


def money_axis(fig: go.Figure, lo: float, hi: float, currency: str, lang: str, axis: str = "x", **where) -> None:
    """Ticks of a money axis written like every other amount (i18n.money_compact): `$6K`, `-$15K`,
    `￥630万`. Plotly's own ticks would say "6000" beside "$6.29K" and use another minus sign."""
    ticks = nice_ticks(lo, hi)
    text = [
        i18n.money_compact(v, currency, lang) if abs(v) >= 1 or v == 0 else i18n.money(v, currency, lang) for v in ticks
    ]
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickvals=ticks, ticktext=text, range=[lo, hi], **where)


def number_axis(fig: go.Figure, lo: float, hi: float, lang: str, axis: str = "y", **where) -> None:
    """Ticks of a plain number axis in i18n's format (one minus sign across segroi's figures)."""
    ticks = nice_ticks(lo, hi)
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickvals=ticks, ticktext=[i18n.quantity(v, lang) for v in ticks], range=[lo, hi], **where)


def _padded(values, pad: float = 0.06, zero: bool = True) -> tuple[float, float]:
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))] or [0.0]
    lo, hi = min(vals), max(vals)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = (hi - lo) or abs(hi) or 1.0
    return lo - (pad * span if lo < 0 else 0.0), hi + pad * span


# -- provenance badge -----------------------------------------------------------------


def provenance_summary(provenance: dict | None, fields=None) -> dict:
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
            lines.append(f"{i18n.provenance_name(kind, lang)}: {escape.html(src)}")
    if len(lines) > limit:
        lines = lines[:limit] + ["…"]
    return "<br>".join(lines)


def add_badge(fig: go.Figure, summary: dict, lang: str) -> go.Figure:
    """A small labelled box at the top right; hovering shows the sources."""
    color = BADGE_COLORS.get(summary["kind"], BADGE_COLORS["mixed"])
    fig.update_layout(meta={"provenance_kind": summary["kind"]})
    fig.add_annotation(
        text=badge_text(summary, lang),
        hovertext=badge_hover(summary, lang),
        xref="paper",
        yref="paper",
        x=1.0,
        y=1.0,
        xanchor="right",
        yanchor="top",
        yshift=TOP - 9,
        showarrow=False,
        font={"size": 10, "color": "white"},
        bgcolor=color,
        bordercolor=color,
        borderpad=3,
        borderwidth=1,
        name="provenance",
    )
    return fig


# -- cost figures ---------------------------------------------------------------------
# Every cost figure takes `options`: the scenario's options in order, [{"name", "kind", "label"}]
# (summary["options"]); without it the options are the data's keys, kinds as in files before named
# options. Options keep one colour each across figures; manual is always grey.

MANUAL_COLOR = "#8a8f98"
PALETTE = ("#e07b39", "#1f6f8b", "#2e9d5b", "#b5479b", "#c9a227", "#5b6abf", "#8c564b", "#17becf")
LEGACY_KINDS = {"manual": "manual", "sam": "prompted", "ssl": "automatic"}
COLORS = {"manual": MANUAL_COLOR, "sam": PALETTE[0], "ssl": PALETTE[1]}  # the reference layout's
# Scenarios side by side (compare_scenarios): one colour each, none of them an option's.
SCENARIO_COLORS = ("#34495e", "#d4a017", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d")


def _options(keys, options: list[dict] | None) -> list[dict]:
    if options is not None:
        return options
    return [{"name": n, "kind": LEGACY_KINDS.get(n, "automatic"), "label": None} for n in keys]


def option_colors(options: list[dict]) -> dict[str, str]:
    colors, i = {}, 0
    for o in options:
        if o["kind"] == "manual":
            colors[o["name"]] = MANUAL_COLOR
        else:
            colors[o["name"]] = PALETTE[i % len(PALETTE)]
            i += 1
    return colors


def option_names(options: list[dict], lang: str, short: bool = False) -> dict[str, str]:
    """What to call each option: its label, else its translated name, else its name; a hybrid without
    a label is named after its two parts ("Hybrid: SSL → SAM")."""
    out = {o["name"]: i18n.option_name(o["name"], lang, short=short, label=o.get("label")) for o in options}
    for o in options:
        if o["kind"] == "hybrid" and not o.get("label") and o.get("automatic") in out and o.get("prompted") in out:
            parts = {o["automatic"]: None, o["prompted"]: None}
            a, p = (
                i18n.option_name(n, lang, short=True, label=x.get("label"))
                for n in parts
                for x in options
                if x["name"] == n
            )
            out[o["name"]] = i18n.t("option.hybrid_of.short" if short else "option.hybrid_of", lang, a=a, p=p)
    return out


def _fit(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _height(n: int, per: int = 34, base: int = 150) -> int:
    return max(300, base + per * n)


def costs(
    result: dict,
    breakdown: dict,
    currency: str,
    lang: str,
    provenance: dict | None = None,
    options: list[dict] | None = None,
) -> go.Figure:
    """One figure, one row per option (first option at the top), three panels sharing the names:
    cost per study, the annual running cost stacked into labour, compute and maintenance, and the
    one-off setup. One set of names for up to eight options keeps them legible in one column."""
    currency = escape.html(currency)  # the scenario's own text, and Plotly draws some HTML
    opts = _options(result["options"], options)
    names, colors = option_names(opts, lang, short=True), option_colors(opts)
    order = [o["name"] for o in opts][::-1]  # plotly draws the first category at the bottom
    labels = [_fit(names[o], 28) for o in order]
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        column_widths=[0.27, 0.46, 0.27],
        horizontal_spacing=0.045,
        subplot_titles=[t("overview.cost_per_study_running", lang), t("cost.annual", lang), t("cost.setup", lang)],
    )
    per_study = [result["options"][o]["cost_per_study"] for o in order]
    fig.add_trace(
        go.Bar(
            y=labels,
            x=per_study,
            orientation="h",
            marker_color=[colors[o] for o in order],
            showlegend=False,
            text=[i18n.money(v, currency, lang) for v in per_study],
            textposition="outside",
            cliponaxis=False,
            name=t("overview.cost_per_study", lang),
            hovertemplate="%{y}: %{text}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for part in ("labour", "compute", "maintenance"):
        vals = [breakdown[o][part] for o in order]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=vals,
                orientation="h",
                name=t(f"cost.{part}", lang),
                marker_color=PART_COLORS[part],
                customdata=[i18n.money(v, currency, lang) for v in vals],
                hovertemplate="%{y} · " + t(f"cost.{part}", lang) + ": %{customdata}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    totals = [breakdown[o]["annual"] for o in order]
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=totals,
            mode="text",
            text=[i18n.money_compact(v, currency, lang) for v in totals],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        ),
        row=1,
        col=2,
    )
    setups = [breakdown[o]["setup"] for o in order]
    fig.add_trace(
        go.Bar(
            y=labels,
            x=setups,
            orientation="h",
            name=t("cost.setup", lang),
            marker_color=PART_COLORS["setup"],
            text=[i18n.money_compact(v, currency, lang) for v in setups],
            textposition="outside",
            cliponaxis=False,
            customdata=[i18n.money(v, currency, lang) for v in setups],
            showlegend=False,
            hovertemplate="%{y} · " + t("cost.setup", lang) + ": %{customdata}<extra></extra>",
        ),
        row=1,
        col=3,
    )
    height = _height(len(order), per=32, base=200)
    plot_height = height - TOP - 95
    _layout(fig, t("overview.costs", lang), height=height, legend_below=True)
    # the legend 62 px under the plot, below the axis titles, whatever the number of options
    fig.update_layout(
        barmode="stack",
        legend={"traceorder": "normal", "font": {"size": 11}, "y": -62 / plot_height},
        margin={"l": 10, "b": 95},
    )
    fig.update_traces(constraintext="none", selector={"type": "bar"})
    fig.update_annotations(font={"size": 12}, yshift=4)  # the panel titles
    money_axis(
        fig,
        0,
        max(per_study) * 1.45 or 1,
        currency,
        lang,
        row=1,
        col=1,
        title=t("axis.per_study", lang, currency=currency),
    )
    money_axis(
        fig, 0, max(totals) * 1.3 or 1, currency, lang, row=1, col=2, title=t("axis.per_year", lang, currency=currency)
    )
    money_axis(
        fig, 0, max(setups) * 1.45 or 1, currency, lang, row=1, col=3, title=t("axis.once", lang, currency=currency)
    )
    fig.update_yaxes(automargin=True, row=1, col=1)
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


def cumulative_cost(
    cum: dict,
    currency: str,
    lang: str,
    provenance: dict | None = None,
    highlight: str | None = None,
    options: list[dict] | None = None,
) -> go.Figure:
    """Undiscounted cumulative cost by year end (setup at year 0); where each option's line falls below
    manual's is marked, with the month written out for the highlighted option."""
    currency = escape.html(currency)  # the scenario's own text, and Plotly draws some HTML
    opts = _options(cum["options"], options)
    names, colors = option_names(opts, lang, short=True), option_colors(opts)
    manual = next(o["name"] for o in opts if o["kind"] == "manual")
    years = cum["years"]
    fig = go.Figure()
    for o in (x["name"] for x in opts):
        vals = cum["options"][o]["undiscounted"]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=vals,
                mode="lines+markers",
                name=_fit(names[o], 26),
                line={"color": colors[o], "width": 3.5 if o == highlight else 1.8},
                marker={"size": 6 if o == highlight else 4},
                customdata=[i18n.money(v, currency, lang) for v in vals],
                hovertemplate=t("axis.year", lang) + " %{x}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    for o in (x["name"] for x in opts if x["name"] != manual):
        for x in crossovers(cum, o, against=manual):
            y = _interp(years, cum["options"][o]["undiscounted"], x)
            months = i18n.months(x * 12, lang)
            labelled = o == highlight
            fig.add_trace(
                go.Scatter(
                    x=[x],
                    y=[y],
                    mode="markers",
                    showlegend=False,
                    marker={
                        "symbol": "diamond",
                        "size": 12 if labelled else 9,
                        "color": colors[o],
                        "line": {"color": "white", "width": 1},
                    },
                    text=[t("overview.crossover_at", lang, months=months)],
                    hovertemplate=f"{names[o]} · {t('overview.crossover_at', lang, months=months)}<extra></extra>",
                )
            )
            if labelled:  # written out above and right of the marker, inside the plot, on a white ground
                fig.add_annotation(
                    x=x,
                    y=y,
                    text=t("overview.crossover_at", lang, months=months),
                    showarrow=True,
                    arrowhead=0,
                    arrowcolor=colors[o],
                    ax=40,
                    ay=-40,
                    xanchor="left",
                    yanchor="bottom",
                    bgcolor="rgba(255,255,255,0.9)",
                    font={"size": 11, "color": "#1b2631"},
                    name="crossover",
                )
    many = len(opts) > 3
    _layout(fig, t("overview.cumulative", lang, years=years[-1]), height=420 if many else 340, legend_below=many)
    if many:  # under the plot, two names a row: legible in half a page or half a dashboard
        fig.update_layout(
            legend={"y": -0.22, "font": {"size": 10}, "entrywidth": 0.5, "entrywidthmode": "fraction"},
            margin={"b": 130},
        )
    fig.update_xaxes(title=t("axis.year", lang), dtick=1)
    top = max(max(cum["options"][o]["undiscounted"]) for o in cum["options"])
    money_axis(fig, 0, top * 1.08 or 1, currency, lang, axis="y", title=t("axis.cost", lang, currency=currency))
    return add_badge(fig, provenance_summary(provenance), lang)


def _interp(xs, ys, x):
    for i in range(1, len(xs)):
        if xs[i - 1] <= x <= xs[i]:
            f = (x - xs[i - 1]) / (xs[i] - xs[i - 1])
            return ys[i - 1] + f * (ys[i] - ys[i - 1])
    return ys[-1]


def tornado(
    rows: list[dict],
    option: str,
    currency: str,
    lang: str,
    provenance: dict | None = None,
    top: int = 5,
    options: list[dict] | None = None,
) -> go.Figure:
    """One-way sensitivity of `option`'s NPV savings vs manual: each input at its low and its high."""
    currency = escape.html(currency)  # the scenario's own text, and Plotly draws some HTML
    rows = rows[:top]
    opts = _options([option], options)
    short = option_names(opts, lang, short=True)
    fig = go.Figure()
    if rows:
        base = rows[0]["base"]
        labels = [i18n.field_label(r["field"], lang, short) for r in rows][::-1]
        for which, color in (("low", "#5b8db8"), ("high", "#e0a339")):
            deltas = [r[f"output_at_{which}"] - base for r in rows][::-1]
            inputs = [i18n.quantity(r[which], lang) for r in rows][::-1]
            outs = [i18n.money(r[f"output_at_{which}"], currency, lang) for r in rows][::-1]
            fig.add_trace(
                go.Bar(
                    y=labels,
                    x=deltas,
                    base=base,
                    orientation="h",
                    name=t(f"tornado.{which}", lang),
                    marker_color=color,
                    customdata=list(zip(inputs, outs)),
                    hovertemplate="%{y} = %{customdata[0]} → %{customdata[1]}<extra></extra>",
                )
            )
        fig.add_vline(x=base, line={"color": "#444", "width": 1, "dash": "dot"})
    name = option_names(opts, lang).get(option) or i18n.option_name(option, lang)
    _layout(fig, t("overview.tornado", lang, option=_fit(name, 40)), height=320)
    fig.update_layout(barmode="overlay", margin={"l": 10})
    if rows:
        lo, hi = _padded([r[f"output_at_{w}"] for r in rows for w in ("low", "high")] + [rows[0]["base"]], zero=False)
        money_axis(fig, lo, hi, currency, lang, title=t("axis.savings", lang, currency=currency))
    else:
        fig.update_xaxes(title=t("axis.savings", lang, currency=currency))
    fig.update_yaxes(automargin=True)
    fields = {r["field"] for r in rows}
    return add_badge(fig, provenance_summary(provenance, fields), lang)


VOLUME_AXIS = (1.0, 1e8)


def cheapest_by_volume(
    pieces: list[dict], volume: float, lang: str, provenance: dict | None = None, options: list[dict] | None = None
) -> go.Figure:
    """Which option is cheapest at each yearly volume (the cost model's cheapest_by_volume), as bands
    on a logarithmic volume axis from 1 to 10^8 studies a year, with the scenario's own volume marked."""
    opts = _options(dict.fromkeys(p["option"] for p in pieces), options)
    names, colors = option_names(opts, lang, short=True), option_colors(opts)
    lo_axis, hi_axis = VOLUME_AXIS
    fig = go.Figure()
    shown: set[str] = set()
    for p in pieces:
        lo = max(p["from_studies_per_year"], lo_axis)
        hi = hi_axis if p["to_studies_per_year"] is None else min(p["to_studies_per_year"], hi_axis)
        if hi <= lo:
            continue
        o = p["option"]
        upper = i18n.number(p["to_studies_per_year"], lang) if p["to_studies_per_year"] is not None else "∞"
        span = f"{i18n.number(p['from_studies_per_year'], lang)}–{upper}"
        fig.add_trace(
            go.Bar(
                y=[""],
                x=[hi - lo],
                base=[lo],
                orientation="h",
                name=_fit(names[o], 26),
                marker={"color": colors[o], "line": {"color": "white", "width": 1}},
                text=[_fit(names[o], 18)],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": "white", "size": 12},
                showlegend=o not in shown,
                legendgroup=o,
                hovertemplate=f"{names[o]}: {span} {t('axis.studies_per_year', lang)}<extra></extra>",
            )
        )
        shown.add(o)
    for p in pieces[1:]:
        v = p["from_studies_per_year"]
        if lo_axis < v < hi_axis:
            fig.add_annotation(
                x=math.log10(v),
                y=-0.5,
                yref="y",
                text=i18n.number(v, lang),
                showarrow=False,
                yanchor="top",
                font={"size": 10, "color": "#444"},
            )
    fig.add_vline(x=volume, line={"color": "#1b2631", "width": 2, "dash": "dash"})
    fig.add_annotation(
        x=math.log10(volume),
        y=0.5,
        yref="y",
        yanchor="bottom",
        xanchor="left",
        xshift=4,
        text=t("volume.yours", lang, volume=i18n.number(volume, lang)),
        showarrow=False,
        font={"size": 11, "color": "#1b2631"},
    )
    _layout(fig, t("overview.cheapest_by_volume", lang), height=260, legend_below=True)
    fig.update_layout(barmode="overlay", bargap=0.25, legend={"y": -0.45}, margin={"b": 100, "l": 20})
    decades = [10**k for k in range(int(math.log10(lo_axis)), int(math.log10(hi_axis)) + 1)]
    fig.update_xaxes(
        type="log",
        range=[math.log10(lo_axis), math.log10(hi_axis)],
        title=t("axis.studies_per_year", lang),
        tickvals=decades,
        ticktext=[i18n.count_compact(v, lang) for v in decades],
    )
    fig.update_yaxes(showticklabels=False, range=[-0.9, 0.9])
    return add_badge(fig, provenance_summary(provenance), lang)


def compare_scenarios(
    results: dict[str, dict], metric: str, currency: str, lang: str, labels: dict[str, str | None] | None = None
) -> go.Figure:
    """Grouped bars: one group per option name (every option of every scenario), one bar per scenario."""
    currency = escape.html(currency)  # the scenario's own text, and Plotly draws some HTML
    names: list[str] = []
    for res in results.values():
        names.extend(o for o in res["options"] if o not in names)
    labels = labels or {}
    fig = go.Figure()
    everything = []
    for i, (name, res) in enumerate(results.items()):
        vals = [res["options"].get(o, {}).get(metric) for o in names]
        everything += [v for v in vals if v is not None]
        fig.add_trace(
            go.Bar(
                x=[_fit(i18n.option_name(o, lang, short=True, label=labels.get(o)), 18) for o in names],
                y=vals,
                name=escape.html(name),
                marker_color=SCENARIO_COLORS[i % len(SCENARIO_COLORS)],
                text=[i18n.money_compact(v, currency, lang) if v is not None else "" for v in vals],
                textposition="outside",
                cliponaxis=False,
            )
        )
    _layout(fig, t(f"metric.{metric}", lang) if i18n.has(f"metric.{metric}") else metric, height=360)
    fig.update_layout(barmode="group")
    lo, hi = _padded(everything, pad=0.15)
    money_axis(fig, lo, hi, currency, lang, axis="y", title=t("axis.cost", lang, currency=currency))
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


# Benchmarks series keep their look from one session to the next: a colour per model (fixed for the models
# segroi profiles, from a hash of the name for others), a dash per data type, a marker per machine.
MODEL_COLOR = {
    "ssl_unet": "#1f6f8b",
    "sam_vit_b": "#e07b39",
    "sam_vit_l": "#b5479b",
    "sam_vit_h": "#c0392b",
    "deeplabv3_r50": "#2e9d5b",
}
EXTRA_COLORS = ("#5b6abf", "#8c564b", "#17becf", "#c9a227", "#7f8c8d", "#34495e")
DTYPE_DASH = {"fp32": "solid", "bf16": "dash", "fp16": "dot"}
HARDWARE_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")


def series_style(model: str, dtype: str, hardware: str, machines: list[str]) -> dict:
    """Line colour, dash and marker of one Benchmarks series, the same in every session: `machines` is
    every hardware name in the chart, sorted, so a machine keeps its marker whatever is filtered."""
    import zlib

    color = MODEL_COLOR.get(model) or EXTRA_COLORS[zlib.crc32(str(model).encode()) % len(EXTRA_COLORS)]
    symbol = HARDWARE_SYMBOLS[machines.index(hardware) % len(HARDWARE_SYMBOLS)] if hardware in machines else "circle"
    return {
        "line": {"color": color, "dash": DTYPE_DASH.get(dtype, "dashdot")},
        "marker": {"symbol": symbol, "size": 7, "color": color},
    }


def profile_chart(df, metric: str, lang: str, machines: list[str] | None = None) -> go.Figure:
    """`metric` (images_per_second or joules_per_image) against batch, one line per model, dtype and
    hardware (the device's name, so that machines measured with `profile --ray` or imported from
    other stores are compared; the device type where no name was recorded)."""
    title = t("bench.throughput" if metric == "images_per_second" else "bench.energy", lang)
    fig = go.Figure()
    data = df[df[metric].notna()] if len(df) else df
    if len(data):
        names = data["device_name"] if "device_name" in data.columns else data["device"]
        data = data.assign(hardware=names.where(names.notna() & (names.astype(str) != ""), data["device"]))
        data = (
            data.sort_values(["model", "dtype", "batch"])
            .groupby(["model", "component", "dtype", "hardware", "batch"], as_index=False)[metric]
            .median()
        )
        machines = sorted(machines or set(data["hardware"].astype(str)))
        for (model, comp, dtype, device), g in data.groupby(["model", "component", "dtype", "hardware"]):
            name = escape.html(f"{model}{'' if comp == 'full' else ' ' + comp} · {dtype} · {device}")
            batch = t("axis.batch", lang)
            fig.add_trace(
                go.Scatter(
                    x=g["batch"],
                    y=g[metric],
                    mode="lines+markers",
                    name=name,
                    **series_style(model, dtype, str(device), machines),
                    hovertemplate=name + "<br>" + batch + " %{x}: %{y:,.4g}<extra></extra>",
                )
            )
    _layout(fig, title, height=520, legend_below=True)
    fig.update_xaxes(title=t("axis.batch", lang), type="log")
    fig.update_yaxes(
        title=t("axis.images_per_second" if metric == "images_per_second" else "axis.joules_per_image", lang),
        type="log",
    )
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
        set(df["structure"]) - set(STRUCTURE_ORDER)
    )
    fig.update_xaxes(categoryorder="array", categoryarray=cats)
    fig.update_yaxes(title=t("axis.dice", lang), range=[0, 1.02])
    prov = {
        f"{m}{i}": {"kind": k, "source": f"{m}: run {str(r)[:8]}"}
        for i, (m, k, r) in enumerate(df[["model", "provenance", "run_id"]].drop_duplicates().itertuples(index=False))
    }
    return add_badge(fig, provenance_summary(prov), lang)


def published_and_measured_dice(published, evaluations, lang: str) -> go.Figure:
    """Dice per model and dataset: published figures (mean, with one SD where reported) and segroi's
    own measured rows beside them (mean Dice per model over the structures it evaluated)."""
    fig = go.Figure()
    pub = published[published["metric"] == "dice"] if len(published) else published
    rows: list[str] = []
    if len(pub):
        labels = [f"{m} · {d}" for m, d in zip(pub["model"], pub["dataset"])]
        rows += labels
        sd = [x if x == x else None for x in pub["sd"]] if "sd" in pub else None
        fig.add_trace(
            go.Scatter(
                x=list(pub["value"]),
                y=labels,
                mode="markers",
                name=t("acc.published", lang),
                marker={"symbol": "diamond", "size": 11, "color": BADGE_COLORS["published"]},
                error_x={"type": "data", "array": sd, "visible": True}
                if sd and any(v is not None for v in sd)
                else None,
                customdata=list(pub["source"]),
                hovertemplate="%{y}: %{x:.3f}<br>%{customdata}<extra></extra>",
            )
        )
    if evaluations is not None and len(evaluations) and "dice" in evaluations:
        # segroi's own rows, measured or simulated (phantom data, simulated prompts), each said so
        mean = evaluations.groupby(["provenance", "model"])["dice"].agg(["mean", "count"]).reset_index()
        for kind, group in mean.groupby("provenance"):
            labels = [f"segroi: {m} · {i18n.provenance_name(kind, lang)}" for m in group["model"]]
            rows += labels
            fig.add_trace(
                go.Scatter(
                    x=list(group["mean"]),
                    y=labels,
                    mode="markers",
                    name=t("acc.by_segroi", lang, kind=i18n.provenance_name(kind, lang)),
                    marker={"symbol": "circle", "size": 11, "color": BADGE_COLORS.get(kind, BADGE_COLORS["mixed"])},
                    customdata=list(group["count"]),
                    hovertemplate="%{y}: %{x:.3f} (n = %{customdata})<extra></extra>",
                )
            )
    _layout(fig, t("acc.published_title", lang), height=max(260, 120 + 30 * len(rows)))
    fig.update_xaxes(title=t("axis.dice", lang), range=[0.5, 1.0])
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=rows[::-1])
    fig.update_layout(margin={"l": 10})
    prov = {f"p{i}": {"kind": "published", "source": src} for i, src in enumerate(pub["source"])} if len(pub) else {}
    if evaluations is not None and len(evaluations):
        prov.update(
            {
                f"m{i}": {"kind": k, "source": f"{m}: run {str(r)[:8]}"}
                for i, (m, k, r) in enumerate(
                    evaluations[["model", "provenance", "run_id"]].drop_duplicates().itertuples(index=False)
                )
            }
        )
    return add_badge(fig, provenance_summary(prov), lang)


def bland_altman_stats(values, references) -> dict:
    """Bias and 95% limits of agreement, from engine.measure.agreement (NaN where undefined)."""
    from engine.measure.agreement import bland_altman as ba

    r = ba(list(values), list(references))
    nan = math.nan
    return {
        "n": r["n"],
        "bias": nan if r["bias"] is None else r["bias"],
        "low": nan if r["loa_low"] is None else r["loa_low"],
        "high": nan if r["loa_high"] is None else r["loa_high"],
    }


def _measure_badge(df) -> dict:
    prov = {
        f"{m}{i}": {"kind": k, "source": f"{m}: run {str(r)[:8]}"}
        for i, (m, k, r) in enumerate(df[["model", "provenance", "run_id"]].drop_duplicates().itertuples(index=False))
    }
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
        fig.add_trace(
            go.Scatter(
                x=[lo, hi],
                y=[lo, hi],
                mode="lines",
                name=t("acc.identity", lang),
                line={"color": "#444", "dash": "dot"},
            )
        )
    _layout(
        fig,
        t("measure.titled", lang, title=t("acc.scatter", lang), name=i18n.measurement_name(measurement, lang)),
        height=380,
    )
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
        fig.add_trace(go.Scatter(x=mean, y=diff, mode="markers", name=str(model), opacity=0.75, marker_color=color))
        s = bland_altman_stats(list(g["value"]), list(g["reference"]))
        if math.isnan(s["low"]):
            continue  # one pair: no spread to draw
        for y, label in (
            (s["bias"], t("acc.bias", lang, bias=i18n.quantity(s["bias"], lang))),
            (s["low"], f"-1.96 SD {i18n.quantity(s['low'], lang)}"),
            (s["high"], f"+1.96 SD {i18n.quantity(s['high'], lang)}"),
        ):
            fig.add_hline(
                y=y,
                line={"dash": dashes[i % 3], "width": 1, "color": color},
                annotation_text=f"{model}: {label}",
                annotation_position="top left",
                annotation_font={"size": 10, "color": color},
            )
    _layout(
        fig,
        t("measure.titled", lang, title=t("acc.bland_altman", lang), name=i18n.measurement_name(measurement, lang)),
        height=380,
    )
    fig.update_xaxes(title=t("axis.mean", lang))
    fig.update_yaxes(title=t("axis.difference", lang))
    return add_badge(fig, _measure_badge(d), lang) if len(d) else fig
