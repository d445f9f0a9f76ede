"""Every page in AppTest: the empty store explains how to get data; with data, pages show it."""

import re

import pytest
from apptest_pages import go, overview_figures, shown, texts, titles
from hand_costs import ssl_against_manual_by_hand
from report_rows import add_annotation_items, add_evaluations

from engine.report.summary import headline


def test_empty_store_every_page_says_how_to_get_data(app):
    at = app.run()
    assert not at.exception
    assert "segroi demo" in texts(at)
    assert at.button(key="btn_seed").label == "Load the reference scenario now"
    for page, hint in (
        ("scenario", "segroi demo"),
        ("benchmarks", "segroi profile"),
        ("accuracy", "segroi evaluate"),
        ("export", "segroi demo"),
    ):
        go(at, page)
        assert not at.exception, page
        assert hint in texts(at), page


def test_empty_store_button_loads_the_reference(app):
    from engine import reference
    from engine.store import open_store

    at = app.run()
    at.button(key="btn_seed").click().run()
    assert not at.exception
    store = open_store(read_only=True)
    assert [r["name"] for r in store.scenarios()] == ["reference", "reference-ja"]
    kinds = [(r["kind"], r["status"]) for r in store.runs()]
    assert kinds == [("demo", "ok")]  # anchors and published figures, in one run
    counts = store.query("SELECT (SELECT count(*) FROM profiles) AS p, (SELECT count(*) FROM published_accuracy) AS a")
    assert counts == [{"p": len(reference.anchor_profile_rows()), "a": len(reference.PUBLISHED_ACCURACY)}]
    assert "Label-free SSL saves $" in texts(at)  # the Overview of what was loaded


def test_overview_shows_the_recommendation_metrics_and_four_figures(app, seeded):
    at = app.run()
    assert not at.exception
    page = texts(at)
    assert "Label-free SSL saves $" in page.replace("\\$", "$")
    # every card names the option it describes (the reference's cheapest option is the SSL one)
    assert [m.label for m in at.metric] == [
        "SSL: 5-year savings vs manual",
        "SSL: payback",
        "SSL: cheapest in this share of uncertainty draws",
        "SSL: running cost per study (setup not included)",
    ]
    # the savings card carries its 90 % range, not only a tooltip
    assert shown(at.metric[0].delta).startswith("90% range $")
    assert "simulated scenarios" not in page
    assert titles(overview_figures(at)) == [
        "What each option costs",
        "Cumulative cost over 5 years",
        "Biggest drivers of Label-free SSL's savings",
        "Cheapest option by yearly volume",
    ]
    assert not at.get("plotly_chart")  # drawn by the light bundle in one frame (dashboard/charts.py)


def test_japanese_switch_changes_labels_and_numbers(app, seeded):
    at = app.run()
    en = [m.value for m in at.metric]
    at.segmented_control(key="lang").set_value("ja").run()
    assert not at.exception
    ja = [m.value for m in at.metric]
    assert "削減します" in texts(at)
    assert en[1].endswith("months") and ja[1].endswith("か月")
    assert en[1].split()[0] == ja[1][:-2]  # same payback number
    assert en[3] == ja[3]  # cost per study is printed the same way


def test_accuracy_page_with_results(app, seeded):
    add_evaluations(seeded)
    add_annotation_items(seeded)
    at = go(app.run(), "accuracy")
    assert not at.exception
    # published beside measured, Dice, scatter, Bland-Altman
    assert [c.key for c in at.get("plotly_chart")] == ["fig_published", "fig_dice", "fig_scatter", "fig_ba"]
    frames = at.dataframe
    failure = frames[-1].value
    assert list(failure.iloc[:, 0]) == ["sam_vit_b", "ssl_unet"]
    assert list(failure.iloc[:, 3]) == ["50.0%", "25.0%"]
    assert "Dice against ground truth is below 0.80" in texts(at)
    at.slider(key="dice_threshold").set_value(0.65).run()
    assert list(at.dataframe[-1].value.iloc[:, 3]) == ["25.0%", "0.0%"]


def test_export_offers_the_pdf_of_the_scenario_on_screen(app, seeded):
    at = go(app.run(), "export")
    assert not at.exception
    button = at.get("download_button")[0]
    assert button.proto.label == "Download PDF"
    assert [b.proto.label for b in at.get("download_button")[1:]] == [
        "Download spreadsheet (.xlsx)",
        "Download CSV tables (.zip)",
    ]
    assert "reference" in texts(at)


@pytest.mark.parametrize("lang, months", [("en", r"([\d.]+) months"), ("ja", r"([\d.]+)\s*か月")])
def test_overview_shows_the_savings_and_payback_worked_out_by_hand(app, seeded, lang, months):
    from engine import costmodel, reference

    savings, payback = ssl_against_manual_by_hand(costmodel.validate(reference.reference_scenario()).point)
    at = app
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    value = re.fullmatch(months, shown(at.metric[1].value))
    assert value and float(value[1]) == pytest.approx(payback, abs=0.05)
    assert {"en": "SSL: payback", "ja": "SSL：投資回収期間"}[lang] == at.metric[1].label
    if lang == "en":  # "$44.7K": three significant figures
        found = re.search(r"Label-free SSL saves \$([\d.]+)K", texts(at))
        assert found and float(found[1]) * 1e3 == pytest.approx(savings, abs=50)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_overview_text_is_the_shared_headline(app, seeded, lang):
    from engine import reference
    from engine.report.summary import summarize

    at = app
    at.session_state["lang"] = lang
    at.run()
    h = headline(summarize(reference.reference_scenario()), lang)
    assert h["sentence"] in texts(at).replace("\\$", "$")
    assert h["payback"] == shown(at.metric[1].value)


def _numeric_inputs(tree, prefix=""):
    """Numeric leaves of an assumptions dict, counted by hand: a number, or a {value, low, high} range."""
    out = []
    for key, node in tree.items():
        path = f"{prefix}{key}"
        if key in ("provenance", "name", "note", "currency"):
            continue
        if isinstance(node, dict) and "value" in node:
            out.append(path)
        elif isinstance(node, dict):
            out += _numeric_inputs(node, path + ".")
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            out.append(path)
    return out


def test_overview_says_how_many_inputs_are_still_defaults(app, seeded):
    from engine import reference

    raw = reference.reference_scenario()
    prov = raw["provenance"]
    fields = _numeric_inputs(raw)
    assumed = [f for f in fields if prov.get(f, {}).get("kind") == "assumed"]
    at = app.run()
    expected = f"{len(assumed)} of {len(fields)} inputs are still segroi's defaults"
    assert any(expected in shown(i.value) for i in at.info), [i.value for i in at.info]
    # an input set to the site's own figure is no longer a default
    go(at, "scenario")
    at.number_input(key="g1:labour.engineer_wage_per_hour").set_value(75.0).run()
    go(at, "overview")
    expected = f"{len(assumed) - 1} of {len(fields)} inputs are still segroi's defaults"
    assert any(expected in shown(i.value) for i in at.info), [i.value for i in at.info]


def test_a_first_run_shows_published_accuracy(app, seeded):
    at = go(app.run(), "accuracy")
    assert not at.exception
    assert [c.key for c in at.get("plotly_chart")] == ["fig_published"]
    table = at.dataframe[0].value
    assert "fine-tuned SAM" in set(table["Model"]) and "label-free SSL" in set(table["Model"])
    assert any(src.startswith("Chao et al.") for src in table["Source"])
    assert "0.911 ± 0.045" in set(table["Value"])
    assert "segroi evaluate" in texts(at)  # and how to add measured rows beside them


@pytest.mark.parametrize(
    "n,words",
    [(0, "No measured runs are stored yet"), (1, "1 measured run is listed"), (2, "2 measured runs are listed")],
)
def test_export_counts_runs_in_good_english(app, seeded, monkeypatch, n, words):
    from engine.store import results

    monkeypatch.setattr(results, "measured_runs", lambda store, limit=30: [{"id": f"r{i}"} for i in range(n)])
    at = go(app.run(), "export")
    assert not at.exception
    assert any(words in c.value for c in at.caption), [c.value for c in at.caption]


def test_two_sessions_that_look_alike_can_both_be_picked(app, seeded):
    # Same minute, task, annotator, item count and status: before the id was in the label, Streamlit
    # kept one of the two options and "Measured so far" pooled a single session.
    for sid in ("sess-one-aaaa", "sess-two-bbbb"):
        add_annotation_items(seeded, session=sid)
    at = go(app.run(), "annotate")
    assert not at.exception
    pick = at.multiselect(key="ann_all_pick")
    assert sorted(pick.value) == ["sess-one-aaaa", "sess-two-bbbb"]
    assert len(set(pick.options)) == 2


def test_a_link_opens_its_scenario_in_its_language(app, seeded):
    at = app
    at.query_params["scenario"] = "reference-ja"
    at.query_params["lang"] = "ja"
    at.run()
    assert not at.exception
    assert at.session_state["loaded"] == "reference-ja" and at.session_state["lang"] == "ja"
    assert at.metric[1].label == "SSL：投資回収期間"
    assert shown(at.metric[0].value).startswith("￥")  # the yen scenario's savings, in yen
    # the address follows what is shown, so a copied link opens the same
    go(at, "scenario")
    assert at.query_params["scenario"] == ["reference-ja"] or at.query_params["scenario"] == "reference-ja"


def test_a_link_to_a_missing_scenario_says_so_escaped(app, seeded):
    at = app
    at.query_params["scenario"] = "![x](http://127.0.0.1:9/x.png)"
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("does not have" in shown(w) and "![x](" not in w for w in warnings), warnings
    assert at.session_state["loaded"] == "reference"
