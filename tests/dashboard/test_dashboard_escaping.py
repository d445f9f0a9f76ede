"""Every Markdown place of every page (text, captions, alerts, labels, help, progress text) shows a
hostile scenario name, currency and provenance source escaped (engine.report.escape). The real
browser check, with a listener for image requests, is tests/browser/test_escaping_browser.py."""

from __future__ import annotations

import re

import pytest
from apptest_pages import go

WORD_JOINER = "\u2060"  # what engine.report.escape.md puts inside bare web and e-mail addresses

NAME = "![t](http://127.0.0.1:9/track.png) <img src=x> **b** :red[r] $x$"
SOURCE = "![s](http://127.0.0.1:9/source.png) <i>ward</i>"
CURRENCY = "![c](//a)"
RAW_FRAGMENTS = ("![t](", "![s](", "![c](", "<img", "<i>", "**b**", ":red[", "$x$")
MARKDOWN_FIELDS = ("body", "label", "help", "text", "caption", "placeholder")


def _markdown_strings(node) -> list[str]:
    """Every string in a field Streamlit renders as Markdown, from the element protos under `node`."""
    out = []

    def walk_proto(proto):
        for field, value in proto.ListFields():
            if field.type == field.TYPE_MESSAGE:
                for item in value if getattr(field, "is_repeated", False) else [value]:
                    walk_proto(item)
            elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
                out.append(value)

    def walk(n):
        proto = getattr(n, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            walk_proto(proto)
        for child in (getattr(n, "children", None) or {}).values():
            walk(child)

    walk(node)
    return out


@pytest.fixture
def hostile(seeded, monkeypatch):
    from engine import reference

    raw = reference.reference_scenario()
    raw.update(name=NAME, currency=CURRENCY)
    prov = dict(raw.get("provenance", {}))
    prov["labour.clinician_wage_per_hour"] = {"kind": "assumed", "source": SOURCE}
    raw["provenance"] = prov
    seeded.save_scenario(NAME, raw, prov)
    monkeypatch.setenv("SEGROI_SCENARIO", NAME)
    return NAME


@pytest.mark.slow
@pytest.mark.parametrize("page", ["overview", "scenario", "benchmarks", "accuracy", "annotate", "export"])
def test_every_markdown_place_shows_user_text_escaped(app, hostile, page):
    at = app.run()
    if page != "overview":
        go(at, page)
    assert not at.exception, at.exception
    shown = _markdown_strings(at._tree)
    assert shown
    for text in shown:
        for fragment in RAW_FRAGMENTS:  # unescaped: its first mark not preceded by a backslash
            assert not re.search(r"(?<!\\)" + re.escape(fragment), text), (page, fragment, text)
    joined = "\n".join(shown).replace(WORD_JOINER, "")
    if page in ("overview", "export"):
        assert "\\!\\[t\\]\\(http\\:\\/\\/127\\.0\\.0\\.1\\:9\\/track\\.png\\)" in joined  # the name, escaped
    if page == "scenario":
        assert "\\!\\[s\\]\\(http" in joined  # the source, in a field's help


def test_a_stored_scenario_that_fails_validation_quotes_its_value_escaped(app, seeded, monkeypatch):
    """A store written by something else than segroi's own save (which validates) can hold a value the
    cost model refuses; its message quotes the first 40 characters, which fit a Markdown image."""
    from engine import reference

    raw = reference.reference_scenario()
    raw["hardware"] = dict(raw["hardware"], mode="![m](http://127.0.0.1:9/m.png)")
    seeded.save_scenario("broken", raw, raw.get("provenance", {}))
    monkeypatch.setenv("SEGROI_SCENARIO", "broken")
    at = app.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("Compute" in e for e in errors), errors  # the field by its label
    for text in errors:
        assert not re.search(r"(?<!\\)!\[m\]\(", text), text
