"""Figure builders: numbers on the figures are the cost model's, formatted by i18n; badges carry sources."""

import pandas as pd
import pytest
from hand_costs import reference_by_hand

from engine import reference
from engine.report import figures, i18n
from engine.report.summary import summarize


@pytest.fixture(scope="module")
def ref():
    return summarize(reference.reference_scenario(), draws=500)


def _badge(fig):
    return next(a for a in fig.layout.annotations if a.name == "provenance")


def test_costs_show_each_options_cost_per_study_year_and_setup(ref):
    fig = figures.costs(ref["result"], ref["breakdown"], ref["currency"], "en", ref["provenance"])
    per_study = fig.data[0]
    # horizontal bars, the scenario's first option at the top (plotly draws the first category lowest)
    assert list(per_study.y) == ["SSL", "SAM", "Manual"]
    hand = reference_by_hand(ref["scenario"].point)
    volume = ref["volume"]
    assert per_study.x[0] == pytest.approx(hand["ssl_annual"] / volume, rel=1e-9)
    assert per_study.x[2] == pytest.approx(hand["manual_annual"] / volume, rel=1e-9)
    assert per_study.text[0] == f"${hand['ssl_annual'] / volume:.2f}"
    assert per_study.text[2] == f"${hand['manual_annual'] / volume:.2f}"
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    for i, o in enumerate(("ssl", "sam", "manual")):
        stacked = sum(bars[n].x[i] for n in ("Labour", "Compute", "Maintenance"))
        assert stacked == pytest.approx(ref["breakdown"][o]["annual"])
        assert bars["Setup (one-off)"].x[i] == ref["breakdown"][o]["setup"]
    assert bars["Labour"].xaxis == "x2" and bars["Setup (one-off)"].xaxis == "x3"
    badge = _badge(fig)
    counts = figures.provenance_summary(ref["provenance"])["counts"]
    assert badge.text == figures.badge_text({"kind": "mixed", "counts": counts}, "en")
    assert "published: " + reference.BLS in badge.hovertext


def test_japanese_figures_use_japanese_labels(ref):
    fig = figures.costs(ref["result"], ref["breakdown"], ref["currency"], "ja", ref["provenance"])
    assert fig.layout.title.text == "選択肢ごとのコスト"
    assert list(fig.data[0].y) == ["SSL", "SAM", "手動"]
    assert "実測" in _badge(fig).text


def test_crossover_is_where_cumulative_costs_meet():
    cum = {
        "years": [0, 1, 2, 3],
        "options": {
            "manual": {"undiscounted": [0, 100, 200, 300]},
            "sam": {"undiscounted": [50, 130, 210, 290]},  # meets manual at 2.5 years
            "ssl": {"undiscounted": [150, 190, 230, 270]},
        },
    }  # 150 - 60 y = 0 at 2.5 years
    assert figures.crossovers(cum, "sam") == [pytest.approx(2.5)]
    assert figures.crossovers(cum, "ssl") == [pytest.approx(2.5)]
    assert figures.crossovers(cum, "manual", against="sam") == []


def test_cumulative_marks_the_crossover_at_the_payback_month(ref):
    fig = figures.cumulative_cost(ref["cumulative"], "USD", "en", ref["provenance"], highlight="ssl")
    payback = ref["result"]["options"]["ssl"]["payback_months"]
    written = [a for a in fig.layout.annotations if a.name == "crossover"]
    assert len(written) == 1 and i18n.months(payback) in written[0].text
    assert written[0].x == pytest.approx(payback / 12)


def test_tornado_shows_the_top_five_with_low_and_high_ends(ref):
    fig = figures.tornado(ref["tornado"], "ssl", "USD", "en", ref["provenance"])
    low, high = fig.data
    assert len(low.y) == 5
    top = ref["tornado"][:5]
    assert list(low.y)[::-1] == [i18n.field_label(r["field"]) for r in top]
    assert list(low.x)[::-1] == pytest.approx([r["output_at_low"] - r["base"] for r in top])
    assert fig.layout.title.text == "Biggest drivers of Label-free SSL's savings"


def test_profile_chart_has_one_line_per_model_dtype_hardware():
    df = pd.DataFrame(
        [
            {
                "model": "ssl_unet",
                "component": "full",
                "dtype": "bf16",
                "device": "cuda",
                "batch": b,
                "images_per_second": 1000.0 * b,
                "joules_per_image": 1.0 / b,
                "provenance": "measured",
                "source": "run x",
                "run_id": "r1",
                "weights": "random",
                "device_name": "GPU",
            }
            for b in (1, 8)
        ]
        + [
            {
                "model": "sam_vit_b",
                "component": "encoder",
                "dtype": "fp32",
                "device": "cuda",
                "batch": 1,
                "images_per_second": 20.0,
                "joules_per_image": None,
                "provenance": "measured",
                "source": "run y",
                "run_id": "r2",
                "weights": "random",
                "device_name": "GPU",
            }
        ]
    )
    thr = figures.profile_chart(df, "images_per_second", "en")
    assert sorted(t.name for t in thr.data) == ["sam_vit_b encoder · fp32 · GPU", "ssl_unet · bf16 · GPU"]
    energy = figures.profile_chart(df, "joules_per_image", "en")
    assert [t.name for t in energy.data] == ["ssl_unet · bf16 · GPU"]
    assert "weights random" in _badge(energy).hovertext


def test_profile_chart_compares_two_machines_and_falls_back_to_the_device_type():
    rows = [
        {
            "model": "ssl_unet",
            "component": "full",
            "dtype": "fp32",
            "device": dev,
            "batch": 1,
            "images_per_second": ips,
            "joules_per_image": None,
            "provenance": "measured",
            "source": "s",
            "run_id": run,
            "weights": "random",
            "device_name": name,
        }
        for dev, name, ips, run in (
            ("cuda", "NVIDIA H100", 500.0, "a"),
            ("cuda", "NVIDIA L4", 90.0, "b"),
            ("cuda", "NVIDIA L4", 110.0, "c"),
            ("cpu", None, 2.0, "d"),
        )
    ]
    fig = figures.profile_chart(pd.DataFrame(rows), "images_per_second", "en")
    lines = {t.name: list(t.y) for t in fig.data}
    # Two L4 hosts are one line (their median); the unnamed CPU row is labelled by its device type.
    assert lines == {
        "ssl_unet · fp32 · NVIDIA H100": [500.0],
        "ssl_unet · fp32 · NVIDIA L4": [100.0],
        "ssl_unet · fp32 · cpu": [2.0],
    }


def test_bland_altman_stats_by_hand():
    s = figures.bland_altman_stats([12, 9, 15], [10, 10, 10])  # differences 2, -1, 5
    assert s["bias"] == pytest.approx(2.0)
    sd = ((0 + 9 + 9) / 2) ** 0.5
    assert s["low"] == pytest.approx(2 - 1.96 * sd) and s["high"] == pytest.approx(2 + 1.96 * sd)
    assert figures.bland_altman_stats([], [])["n"] == 0


def test_accuracy_figures():
    ev = pd.DataFrame(
        {
            "model": ["ssl", "ssl", "sam"],
            "structure": ["LA", "LV", "LV"],
            "dice": [0.8, 0.9, 0.7],
            "provenance": "measured",
            "run_id": "r1",
        }
    )
    box = figures.dice_box(ev, "en")
    assert {t.name for t in box.data} == {"ssl", "sam"}
    assert list(box.layout.xaxis.categoryarray) == ["LV", "LA"]
    ms = pd.DataFrame(
        {
            "model": "ssl",
            "name": "ef",
            "value": [50.0, 60.0],
            "reference": [52.0, 58.0],
            "unit": "%",
            "provenance": "measured",
            "run_id": "r1",
        }
    )
    sc = figures.agreement_scatter(ms, "ef", "en")
    identity = [t for t in sc.data if t.mode == "lines"][0]
    assert list(identity.x) == list(identity.y) == [50.0, 60.0]
    ba = figures.bland_altman(ms, "ef", "ja")
    assert "Bland-Altman" in ba.layout.title.text
    assert len(ba.layout.shapes) == 3  # bias and both limits of agreement
    sd = (8 / 1) ** 0.5  # differences -2, 2
    assert [a.text for a in ba.layout.annotations if a.name != "provenance"] == [
        "ssl: バイアス 0",
        f"ssl: -1.96 SD {i18n.quantity(-1.96 * sd, 'ja')}",
        f"ssl: +1.96 SD {i18n.quantity(1.96 * sd, 'ja')}",
    ]


def _eight():
    from engine import costmodel

    raw = reference.reference_scenario()
    for t in ("sam_vit_b", "sam_vit_l", "sam_finetuned", "hybrid"):
        body, prov = reference.option_template(t, raw)
        raw = costmodel.add_option(raw, costmodel.free_name(raw, t), body, prov)
    body, prov = reference.option_template("sam_vit_h", raw)
    body["label"] = "SAM ViT-H on our own server"
    return costmodel.add_option(raw, "vit_h_own", body, prov)


def test_eight_options_keep_one_colour_and_name_each():
    s = summarize(_eight(), draws=0)
    opts = s["options"]
    assert len(opts) == 8
    colors = figures.option_colors(opts)
    assert colors["manual"] == figures.MANUAL_COLOR and len(set(colors.values())) == 8
    names = figures.option_names(opts, "en", short=True)
    assert names["vit_h_own"] == "SAM ViT-H on our own server"  # the user's label
    assert names["hybrid"] == "SSL → SAM" and names["sam_vit_b"] == "SAM ViT-B"
    fig = figures.costs(s["result"], s["breakdown"], "USD", "en", s["provenance"], opts)
    assert all(len(t.y) == 8 for t in fig.data) and fig.layout.height >= 8 * 32
    assert list(fig.data[0].marker.color)[::-1] == [colors[o["name"]] for o in opts]
    cum = figures.cumulative_cost(s["cumulative"], "USD", "en", s["provenance"], highlight=s["best"], options=opts)
    lines = [t for t in cum.data if t.mode == "lines+markers"]
    assert [t.line.color for t in lines] == [colors[o["name"]] for o in opts]


def test_cheapest_by_volume_draws_the_cost_models_bands():
    s = summarize(_eight(), draws=0)
    pieces = s["result"]["cheapest_by_volume"]
    fig = figures.cheapest_by_volume(pieces, s["volume"], "en", s["provenance"], s["options"])
    bands = [t for t in fig.data if t.type == "bar"]
    assert len(bands) == len(pieces) >= 2
    for band, piece in zip(bands, pieces):
        lo = max(piece["from_studies_per_year"], 1.0)
        hi = piece["to_studies_per_year"] or 1e8
        assert band.base[0] == pytest.approx(lo) and band.base[0] + band.x[0] == pytest.approx(hi)
    assert fig.layout.xaxis.type == "log" and fig.layout.title.text == "Cheapest option by yearly volume"
    texts = [a.text for a in fig.layout.annotations]
    assert "this scenario: 10,000" in texts
    assert i18n.number(pieces[1]["from_studies_per_year"]) in texts
    ja = figures.cheapest_by_volume(pieces, s["volume"], "ja", s["provenance"], s["options"])
    assert ja.layout.title.text == "年間検査数ごとの最安の選択肢"


def test_tornado_names_options_by_their_labels():
    raw = _eight()
    s = summarize(raw, draws=0, focus="vit_h_own")
    assert s["focus"] == "vit_h_own" and s["best"] == "ssl"
    fig = figures.tornado(s["tornado"], s["focus"], "USD", "en", s["provenance"], options=s["options"])
    assert fig.layout.title.text == "Biggest drivers of SAM ViT-H on our own server's savings"
    assert any(y.startswith("SAM ViT-H on our own server: ") for y in fig.data[0].y)


def test_benchmark_series_keep_their_look_across_sessions_and_never_share_one():
    import subprocess
    import sys

    from engine import reference

    rows = reference.anchor_profile_rows()
    series = {(r["model"], r["dtype"], "NVIDIA H100 80GB HBM3") for r in rows} | {("ssl_unet", "fp32", "Test CPU")}
    machines = sorted({s[2] for s in series})
    looks = {}
    for model, dtype, hw in series:
        st = figures.series_style(model, dtype, hw, machines)
        looks[(model, dtype, hw)] = (st["line"]["color"], st["line"]["dash"], st["marker"]["symbol"])
    assert len(set(looks.values())) == len(series)  # no two series look alike
    # another process with another hash seed draws a model segroi does not know in the same colour
    code = (
        "from engine.report import figures; "
        "print(figures.series_style('my_model', 'fp32', 'x', ['x'])['line']['color'])"
    )
    colours = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(colours) == 1
