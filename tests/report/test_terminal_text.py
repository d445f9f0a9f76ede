"""User text printed to a terminal is shown, never obeyed: a scenario saved from the dashboard (any
visitor may name one) or a file name from an archive can hold escape sequences (colours, a window
title, OSC 52 writing the clipboard) and line breaks that would split segroi's one-line errors.
engine.report.escape.term writes them out as visible escapes."""

from __future__ import annotations

import pytest

from engine.cli import main
from engine.report import escape

HOSTILE = "ward\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b[2Jcleared\r\nfake: ok\u202etxt.exe"


def test_term_shows_control_characters_as_escapes_and_keeps_everything_else():
    shown = escape.term(HOSTILE)
    assert all(ch not in shown for ch in "\x1b\x07\r\n\u202e"), shown
    assert shown == r"ward\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b[2Jcleared\r\nfake: ok\u202etxt.exe"
    assert escape.term("心エコー é a\\b") == "心エコー é a\\b"


def test_scenario_list_prints_a_hostile_name_inert(capsys):
    from engine import reference
    from engine.store import open_store

    raw = reference.reference_scenario()
    open_store().save_scenario(HOSTILE, dict(raw, name=HOSTILE), raw.get("provenance", {}), note=HOSTILE)
    assert main(["scenario", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\u202e" not in out
    assert out.count("\n") == 1 and r"ward\x1b]52" in out


@pytest.mark.parametrize(
    "argv",
    [
        lambda tmp: ["report", "--out", str(tmp / "no\x1b[2Jsuch\nfolder" / "x.pdf")],
        lambda tmp: ["report", "--out", str(tmp / "x.pdf"), "--scenario", "no\x1b[31mpe\nsecond line"],
    ],
)
def test_an_error_quoting_user_text_stays_one_inert_line(tmp_path, capsys, argv):
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(argv(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and err.count("\n") == 1 and err.startswith("segroi report: error:"), err


def test_inspect_prints_a_hostile_file_name_inert(tmp_path, capsys):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "scan\x1b]0;owned\x07\n.dcm").write_bytes(b"not dicom at all")
    main(["inspect", str(folder)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and r"scan\x1b]0;owned\x07\n.dcm" in out, out
