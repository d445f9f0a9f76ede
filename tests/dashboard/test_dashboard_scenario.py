"""Scenario page: live recompute, validation beside the field, measured values, save/duplicate/compare."""

import pytest
from apptest_pages import go, shown, texts
from report_rows import add_annotation_items

from engine.store import open_store


def field(at, path):
    return next(n for n in at.number_input if n.key.endswith(":" + path))


def headline(at) -> str:
    return next(m.value for m in at.markdown if "saves" in m.value or "Keep manual" in m.value)


def test_wage_edit_recomputes_here_and_on_the_overview(app, seeded):
    at = app.run()
    before = next(m.value for m in at.markdown if "saves" in m.value)
    go(at, "scenario")
    assert not at.exception
    field(at, "labour.clinician_wage_per_hour").set_value(80.0).run()
    assert not at.exception and not at.error
    after_here = headline(at)
    assert after_here != f"**{before.removeprefix('#### ')}**"
    assert "its range moved with it" in texts(at)  # 80 lies above the published range; the range follows
    go(at, "overview")
    after = next(m.value for m in at.markdown if "saves" in m.value)
    assert after != before and after.removeprefix("#### ") in after_here
    assert "edited, not saved" in texts(at)


def test_validation_messages_name_the_field(app, seeded):
    at = go(app.run(), "scenario")
    field(at, "labour.engineer_wage_per_hour").set_value(-5.0)
    field(at, "hardware.utilization").set_value(0.0).run()
    errors = [shown(e.value) for e in at.error]
    # the field's label, the value in its units, once each; never a dotted path
    assert sorted(errors) == [
        "Engineer wage must not be negative (entered: -$5.00).",
        "GPU utilisation must be greater than 0% (entered: 0%).",
    ]
    assert "Fix the field marked in red below" in texts(at)
    at.button(key="btn_save").click().run()
    assert "Fix the highlighted field before saving." in [e.value for e in at.error]
    # the Overview explains instead of showing numbers for an invalid scenario, in the same words
    go(at, "overview")
    errors = [shown(e.value) for e in at.error]
    assert any("Engineer wage must not be negative (entered: -$5.00)." in e for e in errors), errors
    assert not any("labour." in e or ".value" in e for e in errors)
    assert not at.get("plotly_chart") and not at.get("component_instance")


@pytest.mark.slow
def test_save_as_new_name_duplicate_and_compare(app, seeded):
    at = go(app.run(), "scenario")
    at.text_input(key="g1:name").set_value("on-prem")
    at.radio(key="g1:hardware.mode").set_value("on_prem").run()
    assert not at.error
    at.button(key="btn_save").click().run()
    assert "Saved scenario “on-prem” (version 1)." in [shown(s.value) for s in at.success]
    names = [s["name"] for s in open_store(read_only=True).scenarios()]
    assert names == ["on-prem", "reference", "reference-ja"]
    stored = {s["name"]: s for s in open_store(read_only=True).scenarios()}
    assert stored["on-prem"]["assumptions"]["hardware"]["mode"] == "on_prem"
    assert stored["on-prem"]["provenance"]["hardware.mode"]["kind"] == "assumed"
    # compare: the loaded one and one other, side by side with a chart
    assert at.multiselect(key="compare_pick:on-prem|reference|reference-ja:on-prem").value == ["on-prem", "reference"]
    assert len(at.get("plotly_chart")) == 1
    assert sum("On-premises server" in m.value for m in at.markdown if shown(m.value).startswith("**on-prem**")) == 1
    at.button(key="btn_dup").click().run()
    assert "reference" in [s["name"] for s in open_store(read_only=True).scenarios()]
    assert "on-prem (copy)" in [s["name"] for s in open_store(read_only=True).scenarios()]
    # renaming onto an existing scenario is refused
    at.text_input(key=f"g{at.session_state['generation']}:name").set_value("reference").run()
    at.button(key="btn_save").click().run()
    assert any("already exists" in e.value for e in at.error)


@pytest.mark.slow
def test_discard_and_delete(app, seeded):
    at = go(app.run(), "scenario")
    field(at, "workload.studies_per_year").set_value(20000).run()
    at.button(key="btn_reset").click().run()
    assert field(at, "workload.studies_per_year").value == 10000
    at.button(key="btn_dup").click().run()
    assert at.session_state["loaded"] == "reference (copy)"
    at.button(key="btn_delete").click().run()
    assert [s["name"] for s in open_store(read_only=True).scenarios()] == ["reference", "reference-ja"]


def test_measured_values_in_one_click(app, seeded):
    add_annotation_items(seeded)
    at = go(app.run(), "scenario")
    from engine.report import measured

    expected = [c for c in measured.candidates(seeded, at.session_state["working"]) if c["kind"] == "measured"]
    table = next(d.value for d in at.dataframe if "source" in d.value.columns)
    assert any(src.startswith("human annotation sessions sess-hum: n = 3") for src in table["source"])
    pick = next(m for m in at.multiselect if m.key.startswith("measured_pick:"))
    assert len(pick.value) == len(table) == len(expected)  # every row is measured, so every row is picked
    button = at.button(key="btn_measured")
    assert button.label == f"Apply {len(expected)} measured values"
    button.click().run()
    assert not at.exception
    assert f"Applied {len(expected)} measured values." in [s.value for s in at.success]
    assert field(at, "options.manual.seconds_per_structure").value == 12.0
    work = at.session_state["working"]
    assert work["provenance"]["options.manual.seconds_per_structure"]["kind"] == "measured"


def test_japanese_scenario_page(app, seeded):
    at = app
    at.session_state["lang"] = "ja"
    go(at.run(), "scenario")
    assert not at.exception
    assert at.title[0].value == "シナリオ"
    assert field(at, "labour.clinician_wage_per_hour").label == "臨床担当者の時給（$/時）"
    field(at, "labour.clinician_wage_per_hour").set_value(-1.0).run()
    assert [shown(e.value) for e in at.error] == ["臨床担当者の時給は負の値にはできません（入力：-$1.00）。"]


def test_a_new_currency_converts_every_amount_at_a_stated_rate(app, seeded):
    at = go(app.run(), "scenario")
    at.selectbox(key="currency_pick:USD:1").set_value("EUR").run()
    assert "state the exchange rate" in texts(at)
    at.number_input(key="rate:USD:EUR").set_value(0.9)
    at.button(key="btn_convert").click().run()  # no date or source yet: nothing changes
    assert any("Nothing was converted" in shown(e.value) for e in at.error)
    assert at.session_state["working"]["currency"] == "USD"
    at.text_input(key="rate_source:USD:EUR").set_value("ECB reference rate")
    at.button(key="btn_convert").click().run()
    assert not at.exception
    work = at.session_state["working"]
    assert work["currency"] == "EUR"
    # 37.38 $/h x 0.9 = 33.642 EUR/h, its range 28.67-48.87 $/h with it; the server 45000 $ x 0.9 = 40500 EUR
    wage = work["labour"]["clinician_wage_per_hour"]
    assert wage["value"] == pytest.approx(33.642) and wage["low"] == pytest.approx(25.803)
    assert wage["high"] == pytest.approx(43.983)
    capex = work["hardware"]["server_capex"]
    assert (capex["value"], capex["low"], capex["high"]) == pytest.approx((40500, 27000, 54000))
    assert "0.9 EUR per USD" in work["provenance"]["labour.clinician_wage_per_hour"]["source"]
    assert "ECB reference rate" in work["provenance"]["labour.clinician_wage_per_hour"]["source"]
    # a count does not change with the currency
    assert work["workload"]["studies_per_year"] == 10000
    assert "€" in headline(at)
    go(at, "overview")
    assert at.metric[0].value.startswith("€") and at.metric[3].value.startswith("€")


def test_annotation_timed_the_old_way_is_left_out_until_the_user_includes_it(app, seeded):
    add_annotation_items(seeded, timing="server")  # stored before browser timing
    at = go(app.run(), "scenario")
    box = at.checkbox(key="measured_old")
    assert "Include 10 annotation items timed the old way" in box.label and not box.value
    table = next((d.value for d in at.dataframe if "source" in d.value.columns), None)
    assert table is None or not any("annotation" in src for src in table["source"])
    box.check().run()
    table = next(d.value for d in at.dataframe if "source" in d.value.columns)
    assert any("all 10 item(s) timed the old way" in src for src in table["source"])


def _only_simulated_store(store):
    """The reference scenario, and nothing measured: a simulated annotator's session with SAM on random
    weights, another simulated session, and an evaluation on phantom frames."""
    import json

    from engine import reference
    from report_rows import NOW

    raw = reference.reference_scenario()
    store.save_scenario("reference", {k: v for k, v in raw.items() if k != "provenance"}, raw["provenance"])
    add_annotation_items(store, simulated=True)  # manual 10/12/14 s, sam 5/7/6/6 s, ssl 4/6/8 s
    store.insert(
        "annotation_sessions",
        [
            {
                "id": "sess-random",
                "annotator": "sim",
                "task": "sam",
                "idle_threshold_seconds": 30.0,
                "simulated": True,
                "created_at": NOW,
                "status": "done",
                "settings": json.dumps({"sam_weights": "random"}),
            }
        ],
    )
    store.insert(
        "annotation_items",
        [
            {
                "session_id": "sess-random",
                "frame": f"r_{i:03d}",
                "study": "s9",
                "structure": "LV",
                "task": "sam",
                "active_seconds": 14.0,
                "accepted": False,
                "simulated": True,
                "completed_at": NOW,
            }
            for i in range(4)
        ],
    )
    rows = [
        {
            "model": "ssl_unet",
            "weights": "w.pt",
            "frame": f"ph_{i:03d}",
            "structure": "LV",
            "dice": 0.9,
            "prompts": "none",
            "provenance": "simulated",
        }
        for i in range(32)
    ]
    with store.run("evaluate", settings={"phantom": True}) as run:
        run.add("evaluations", rows)


def test_a_store_of_simulated_runs_applies_nothing_unless_ticked(app):
    from engine.report import measured

    store = open_store()
    _only_simulated_store(store)
    cands = measured.candidates(store, store.scenarios()[0]["assumptions"])
    assert cands and {c["kind"] for c in cands} == {"simulated"}
    # random-weight SAM items feed no time and no rate: SAM's prompt time is the mean of 5, 7, 6, 6 s, not
    # pulled towards the random session's 14 s
    sam_time = next(c for c in cands if c["field"] == "options.sam.prompt_seconds_per_structure")
    assert sam_time["value"] == pytest.approx(6.0)
    at = go(app.run(), "scenario")
    table = next(d.value for d in at.dataframe if "source" in d.value.columns)
    assert set(table["kind"]) == {"simulated"}
    pick = next(m for m in at.multiselect if m.key.startswith("measured_pick:"))
    assert pick.value == []  # nothing is picked for the reader
    button = at.button(key="btn_measured")
    assert button.label == "Pick the values to apply" and button.disabled
    assert "applied only when you add them" in texts(at)
    # picking one simulated row applies it, says so, and it stays labelled simulated
    row = list(table["field"]).index("Manual: Seconds to trace one structure")
    pick.set_value([row]).run()
    button = at.button(key="btn_measured")
    assert button.label == "Apply 1 value: 0 measured, 1 simulated"
    button.click().run()
    assert not at.exception
    assert "Applied 1 value; it is simulated and stays labelled simulated." in [s.value for s in at.success]
    work = at.session_state["working"]
    assert work["provenance"]["options.manual.seconds_per_structure"]["kind"] == "simulated"
    assert field(at, "options.manual.seconds_per_structure").value == 12.0
    assert field(at, "options.sam.prompt_seconds_per_structure").value == 5.7  # not picked: unchanged
    # the PDF's assumptions table keeps the label
    from engine.report.summary import assumption_rows, summarize

    rows = {r["field"]: r for r in assumption_rows(summarize(work), "en")}
    assert rows["options.manual.seconds_per_structure"]["kind"] == "simulated"


@pytest.mark.slow
def test_versions_record_who_saved_what_and_compare_shows_the_unsaved_edit(app, seeded):
    at = go(app.run(), "scenario")
    field(at, "labour.engineer_wage_per_hour").set_value(75.0).run()
    # compare: the unsaved edit beside the saved scenario, input by input
    pick = next(m for m in at.multiselect if m.key.startswith("compare_pick:"))
    assert pick.value == ["reference (edited, not saved)", "reference"]
    diff = next(d.value for d in at.dataframe if "Source in “reference”" in d.value.columns)
    assert list(diff["Field"]) == ["Engineer wage"]
    assert list(diff["reference (edited, not saved)"]) == ["$75.00/h ($45.00/h to $90.00/h)"]  # 75 lies in its range
    assert list(diff["reference"]) == ["$60.00/h ($45.00/h to $90.00/h)"]
    # save it, named: version 2, saved by that name, the wage changed
    at.text_input(key="saved_by").set_value("K. Sato")
    at.button(key="btn_save").click().run()
    assert "Saved scenario “reference” (version 2)." in [shown(s.value) for s in at.success]
    history = next(d.value for d in at.dataframe if "Saved by" in d.value.columns)
    assert list(history["Version"]) == [2, 1]
    assert list(history["Saved by"]) == ["K. Sato", "segroi demo"]
    assert list(history["Inputs changed"]) == ["Engineer wage", "first version"]
