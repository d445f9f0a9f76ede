"""Scenario page: add options from templates (up to eight), label them, give one its own hardware,
join a hybrid, remove; the Overview follows, and its tornado is for the option picked."""

from __future__ import annotations

import pytest
from conftest import go, overview_figures, texts, titles

from engine import costmodel


def field(at, path):
    return next(n for n in at.number_input if n.key.endswith(":" + path))


def add(at, template: str, name: str | None = None):
    at.selectbox(key="add_template:en").set_value(template).run()
    if name:
        box = next(t for t in at.text_input if t.key.startswith(f"add_name:{template}:"))
        box.set_value(name)
    at.button(key="btn_add_option").click().run()
    assert not at.exception, at.exception
    return at


def test_add_label_own_hardware_and_remove(app, seeded):
    at = go(app.run(), "scenario")
    add(at, "sam_vit_b")
    work = at.session_state["working"]
    assert list(work["options"]) == ["manual", "sam", "ssl", "sam_vit_b"]
    assert work["provenance"]["options.sam_vit_b.profile.seconds_per_image"]["kind"] == "measured"
    s = costmodel.validate(work)
    assert s.option("sam_vit_b").kind == "prompted"
    # a label, then its own on-prem hardware
    gen = at.session_state["generation"]
    at.text_input(key=f"g{gen}:options.sam_vit_b.label").set_value("ViT-B on our server").run()
    at.toggle(key=f"g{gen}:own_hw_sam_vit_b").set_value(True).run()
    assert not at.exception
    gen = at.session_state["generation"]
    at.radio(key=f"g{gen}:options.sam_vit_b.hardware.mode").set_value("on_prem").run()
    field(at, "options.sam_vit_b.hardware.energy_price_per_kwh").set_value(0.2)
    field(at, "options.sam_vit_b.hardware.pue").set_value(1.4)
    field(at, "options.sam_vit_b.hardware.server_capex").set_value(30000)
    field(at, "options.sam_vit_b.hardware.amortization_years").set_value(5).run()
    assert not at.error, [e.value for e in at.error]
    s = costmodel.validate(at.session_state["working"])
    vb = s.option("sam_vit_b")
    assert vb.label == "ViT-B on our server" and vb.mode == "on_prem" and vb.hardware == "options.sam_vit_b.hardware"
    out = costmodel.evaluate(s)["options"]["sam_vit_b"]
    assert out["compute_cost_per_year"] > 30000 / 5  # its own dedicated server
    assert "ViT-B on our server" in texts(at)
    at.button(key="btn_remove_sam_vit_b").click().run()
    assert list(at.session_state["working"]["options"]) == ["manual", "sam", "ssl"]
    assert not any(k.startswith("options.sam_vit_b") for k in at.session_state["working"].get("provenance", {}))


@pytest.mark.slow
def test_eight_options_then_no_more_and_a_hybrid_keeps_its_parts(app, seeded):
    at = go(app.run(), "scenario")
    for template in ("sam_vit_b", "sam_vit_l", "sam_finetuned", "hybrid", "sam_vit_h"):
        add(at, template)
    work = at.session_state["working"]
    assert len(work["options"]) == 8 and work["options"]["hybrid"]["automatic"] == "ssl"
    assert at.button(key="btn_add_option").disabled
    # the hybrid's parts can be any prompted option; its automatic part cannot be removed under it
    gen = at.session_state["generation"]
    at.selectbox(key=f"g{gen}:options.hybrid.prompted:en").set_value("sam_vit_b").run()
    assert at.session_state["working"]["options"]["hybrid"]["prompted"] == "sam_vit_b"
    at.button(key="btn_remove_ssl").click().run()
    assert any("hybrid hybrid is built from it" in e.value for e in at.error)
    assert "ssl" in at.session_state["working"]["options"]
    assert not at.exception
    # the Overview draws all eight, and the tornado follows the option picked
    go(at, "overview")
    assert not at.exception
    figures = overview_figures(at)
    assert len(figures) == 4 and len(figures[0]["data"][0]["y"]) == 8
    pick = next(s for s in at.selectbox if s.key.startswith("tornado_pick:"))
    assert len(pick.options) == 7
    pick.set_value("sam_vit_b").run()
    assert not at.exception
    assert titles(overview_figures(at))[2] == "Biggest drivers of SAM ViT-B (prompted)'s savings"
    # the pick survives a change of language, and the picker speaks the new one
    at.segmented_control(key="lang").set_value("ja").run()
    pick = next(s for s in at.selectbox if s.key.startswith("tornado_pick:ja:"))
    assert pick.value == "sam_vit_b" and "SAM ViT-B（プロンプト）" in pick.options
    assert titles(overview_figures(at))[2] == "SAM ViT-B（プロンプト）の削減額を左右する上位要因"


def test_a_bad_option_name_is_refused_with_one_line(app, seeded):
    at = go(app.run(), "scenario")
    add(at, "sam_vit_b", name="Bad Name!")
    assert any("a-z, 0-9 and _" in e.value for e in at.error)
    assert list(at.session_state["working"]["options"]) == ["manual", "sam", "ssl"]
