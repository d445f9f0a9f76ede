"""Every page in AppTest: the empty store explains how to get data; with data, pages show it."""

import pytest
from conftest import go, overview_figures, shown, texts, titles
from report_rows import add_annotation_items, add_evaluations

from engine.report import i18n
from engine.report.summary import headline


def test_empty_store_every_page_says_how_to_get_data(app):
    at = app.run()
    assert not at.exception
    assert "segroi demo" in texts(at)
    assert at.button(key="btn_seed").label == "Load the reference scenario now"
    for page, hint in (("scenario", "segroi demo"), ("benchmarks", "segroi profile"),
                       ("accuracy", "segroi evaluate"), ("export", "segroi demo")):
        go(at, page)
        assert not at.exception, page
        assert hint in texts(at), page


def test_empty_store_button_loads_the_reference(app):
    at = app.run()
    at.button(key="btn_seed").click().run()
    assert not at.exception
    assert "saves" in texts(at) or "Keep manual" in texts(at)


def test_overview_shows_the_recommendation_metrics_and_four_figures(app, seeded):
    at = app.run()
    assert not at.exception
    page = texts(at)
    assert "Label-free SSL saves $" in page.replace("\\$", "$")
    labels = [m.label for m in at.metric]
    assert labels[1] == "Payback" and "Cheapest in simulated scenarios" in labels
    assert titles(overview_figures(at)) == ["What each option costs", "Cumulative cost over 5 years",
                                            "Biggest drivers of Label-free SSL's savings",
                                            "Cheapest option by yearly volume"]
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
    assert en[3] == ja[3]                  # cost per study is printed the same way


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
    assert "reference" in texts(at)


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
    assert i18n.t("overview.payback", lang) == at.metric[1].label


def test_a_first_run_shows_published_accuracy(app, seeded):
    at = go(app.run(), "accuracy")
    assert not at.exception
    assert [c.key for c in at.get("plotly_chart")] == ["fig_published"]
    table = at.dataframe[0].value
    assert "fine-tuned SAM" in set(table["Model"]) and "label-free SSL" in set(table["Model"])
    assert any(src.startswith("Chao et al.") for src in table["Source"])
    assert "0.911 ± 0.045" in set(table["Value"])
    assert "segroi evaluate" in texts(at)  # and how to add measured rows beside them


@pytest.mark.parametrize("n,words", [(0, "No measured runs are stored yet"), (1, "1 measured run is listed"),
                                     (2, "2 measured runs are listed")])
def test_export_counts_runs_in_good_english(app, seeded, monkeypatch, n, words):
    from engine.report import data

    monkeypatch.setattr(data, "measured_runs", lambda store, limit=30: [{"id": f"r{i}"} for i in range(n)])
    at = go(app.run(), "export")
    assert not at.exception
    assert any(words in c.value for c in at.caption), [c.value for c in at.caption]
