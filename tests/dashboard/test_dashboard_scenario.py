"""Scenario page: live recompute, validation beside the field, measured values, save/duplicate/compare."""

import pytest
from conftest import go, shown, texts
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
    assert "labour.engineer_wage_per_hour must not be negative, got -5" in errors
    assert "hardware.utilization must be greater than 0, got 0" in errors
    assert any(e.startswith("This scenario has a problem:") for e in errors)
    at.button(key="btn_save").click().run()
    assert "Fix the highlighted field before saving." in [e.value for e in at.error]
    # the Overview explains instead of showing numbers for an invalid scenario
    go(at, "overview")
    assert any("engineer_wage_per_hour" in shown(e.value) for e in at.error)
    assert not at.get("plotly_chart") and not at.get("component_instance")


@pytest.mark.slow
def test_save_as_new_name_duplicate_and_compare(app, seeded):
    at = go(app.run(), "scenario")
    at.text_input(key="g1:name").set_value("on-prem")
    at.radio(key="g1:mode").set_value("on_prem").run()
    assert not at.error
    at.button(key="btn_save").click().run()
    assert "Saved scenario “on-prem”." in [shown(s.value) for s in at.success]
    names = [s["name"] for s in open_store(read_only=True).scenarios()]
    assert names == ["on-prem", "reference"]
    stored = {s["name"]: s for s in open_store(read_only=True).scenarios()}
    assert stored["on-prem"]["assumptions"]["hardware"]["mode"] == "on_prem"
    assert stored["on-prem"]["provenance"]["hardware.mode"]["kind"] == "assumed"
    # compare: the loaded one and one other, side by side with a chart
    assert at.multiselect(key="compare_pick:on-prem|reference:on-prem").value == ["on-prem", "reference"]
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
    assert [s["name"] for s in open_store(read_only=True).scenarios()] == ["reference"]


def test_measured_values_in_one_click(app, seeded):
    add_annotation_items(seeded)
    at = go(app.run(), "scenario")
    from engine.report import measured

    expected = measured.candidates(seeded, at.session_state["working"])
    table = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    assert any(src.startswith("human annotation sessions sess-hum: n = 3") for src in table["Source"])
    at.button(key="btn_measured").click().run()
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
    assert field(at, "labour.clinician_wage_per_hour").label == "臨床担当者の時給"
    field(at, "labour.clinician_wage_per_hour").set_value(-1.0).run()
    assert any(e.value.startswith("このシナリオには問題があります") for e in at.error)


def test_currency_follows_the_scenario(app, seeded):
    at = go(app.run(), "scenario")
    at.selectbox(key="g1:currency").set_value("EUR").run()
    assert "Amounts are not converted: enter them in this currency." in texts(at)
    assert "€" in headline(at)
    go(at, "overview")
    assert at.metric[0].value.startswith("€") and at.metric[3].value.startswith("€")


def test_annotation_timed_the_old_way_is_left_out_until_the_user_includes_it(app, seeded):
    add_annotation_items(seeded, timing="server")          # stored before browser timing
    at = go(app.run(), "scenario")
    box = at.checkbox(key="measured_old")
    assert "Include 10 annotation item(s) timed the old way" in box.label and not box.value
    table = next((d.value for d in at.dataframe if "Source" in d.value.columns), None)
    assert table is None or not any("annotation" in src for src in table["Source"])
    box.check().run()
    table = next(d.value for d in at.dataframe if "Source" in d.value.columns)
    assert any("all 10 item(s) timed the old way" in src for src in table["Source"])
