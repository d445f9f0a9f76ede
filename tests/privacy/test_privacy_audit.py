"""Privacy audit: patient identifiers planted in echo DICOMs reach nothing segroi writes or shows.

The `audit` fixture (conftest.py) runs every command over the planted files as a user would. Each
test below searches one kind of place for every identifier (planted.NEEDLES, case-insensitively):
each command's stdout, stderr, DEBUG log and output files (PDF text through pdftotext too), every
file left anywhere in the work folder, the store's files and a text dump of every table, and
every dashboard page. Each search place is also checked to hold what it should (frames were read,
runs were stored, pages rendered), so an empty place cannot pass for a clean one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from audit_run import NOT_RUN, STEPS, Audit
from planted import IDENTIFIERS, NEEDLES, leaks, pdf_text, study_uid, write_dicom

from engine.cli import COMMANDS

REPO = Path(__file__).resolve().parents[2]


# -- the search itself (fast) -------------------------------------------------------------------


def test_the_search_finds_every_planted_identifier(tmp_path):
    raw = write_dicom(tmp_path / "clip.dcm", np.zeros((1, 8, 8), np.uint8)).read_bytes()
    found = " ".join(leaks(raw, "dicom"))
    for keyword in IDENTIFIERS:
        assert f" {keyword} found" in found, keyword
    assert "StudyInstanceUID" in found
    for text in ("born 1912-03-04", "ZYXWVUT", "qqqplm zyxwvut", "pid-7391-xq", "04.03.1912", "1912年3月4日"):
        assert leaks(text, "t"), text
    assert leaks("Zyxwvut".encode("utf-16-le"), "utf16")
    assert not leaks("clip01_000.png 2 frame(s), 96x96, MONOCHROME2 1.2.826.0.1.3680043.8.498.1", "t")


def test_every_command_is_audited_or_says_why_not():
    covered = {s.module for s in STEPS} | set(NOT_RUN)
    assert set(COMMANDS) <= covered, f"commands the audit does not run: {set(COMMANDS) - covered}"


# -- each command ---------------------------------------------------------------------------------


def _expect_inspect(audit: Audit, r) -> None:
    assert "clip01.dcm" in r.stdout and "clip_broken.dcm" in r.stdout
    assert "6 ok, 2 error" in r.stdout and "clip_odd.dcm" in r.stdout


def _expect_inspect_json(audit: Audit, r) -> None:
    entries = json.loads(r.stdout)
    assert [e["status"] for e in entries].count("ok") == 6
    broken = [e for e in entries if e["status"] == "error"]
    assert len(broken) == 2 and all(b["reason"] for b in broken)
    odd = next(b for b in broken if b["path"].endswith("clip_odd.dcm"))
    assert "photometric interpretation" in odd["reason"]  # refused for the tag, which is not quoted


def _expect_labels(audit: Audit, r) -> None:
    names = sorted(p.name for p in r.outputs if p.suffix == ".png")
    assert names == sorted(f"{f['stem']}_{i:03d}.png" for f in audit.files for i in range(f["frames"]))


def _expect_pdf(audit: Audit, r) -> None:
    (pdf,) = r.outputs
    assert pdf.read_bytes().startswith(b"%PDF") and len(pdf_text(pdf)) > 200


def _expect_runs_json(audit: Audit, r) -> None:
    runs = json.loads(r.stdout)
    kinds = {row["kind"] for row in runs}
    assert "demo" in kinds and any(k.startswith("annotate") for k in kinds)


def _expect_weights(audit: Audit, r) -> None:
    (weights,) = r.outputs
    assert weights.stat().st_size > 1000 and "12 frames" in r.stdout + r.stderr
    assert "clip_broken.dcm" in r.stdout + r.stderr  # the damaged file was reported, and the run went on
    assert "clip_odd.dcm" in r.stdout + r.stderr


def _expect_evaluation(audit: Audit, r) -> None:
    assert "evaluated ssl" in r.stdout and "LV" in r.stdout and "clip_broken.dcm" in r.stderr


def _expect_annotation_json(audit: Audit, r) -> None:
    assert json.loads(r.stdout)["items"] > 0


def _expect_phantom(audit: Audit, r) -> None:
    assert sum(p.suffix == ".png" for p in r.outputs) >= 4


def _expect_qc_json(audit: Audit, r) -> None:
    report = json.loads(r.stdout)
    assert report["checked"] == "pseudo-labels" and report["total"] == 12 and report["verdict"]
    assert "clip_broken.dcm" in r.stderr and "clip_odd.dcm" in r.stderr  # reported, and the check went on


def _expect_qc_labels(audit: Audit, r) -> None:
    assert "verdict: " in r.stdout and "label maps" in r.stdout


EXPECT = {
    "qc": _expect_qc_json,
    "qc-labels": _expect_qc_labels,
    "inspect": _expect_inspect,
    "inspect-json": _expect_inspect_json,
    "train-ssl": _expect_weights,
    "segment-ssl": _expect_labels,
    "evaluate-ssl": _expect_evaluation,
    "annotate-sim-ssl": _expect_annotation_json,
    "phantom": _expect_phantom,
    "report-en": _expect_pdf,
    "report-ja": _expect_pdf,
    "runs-json": _expect_runs_json,
}


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_command_output_holds_no_identifier(audit, step):
    r = audit.results[step.id]
    if r.not_run:
        pytest.fail(r.not_run)
    assert r.rc == step.rc, f"`segroi {' '.join(step.argv)}` exited {r.rc}:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    found = leaks(r.stdout, "stdout") + leaks(r.stderr, "stderr") + leaks(r.log, "log")
    for path in r.outputs:
        found += leaks(str(path.relative_to(audit.root)), "file name")
        found += leaks(path.read_bytes(), f"bytes of {path.name}")
        if path.suffix.lower() == ".pdf":
            found += leaks(pdf_text(path), f"text of {path.name}")
    assert not found, "\n".join(found)
    if step.id in EXPECT:
        EXPECT[step.id](audit, r)


# -- the dashboard ------------------------------------------------------------------------------


def _rendered(at) -> str:
    """Every element the script sent (text, tables as Arrow bytes, figure JSON, images as data
    URLs, widget labels and options), in protobuf text form."""
    from google.protobuf import text_format

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield text_format.MessageToString(proto, as_utf8=True)
        for child in (getattr(node, "children", None) or {}).values():
            yield from walk(child)

    return "\n".join(walk(at._tree))


@pytest.mark.slow
def test_every_dashboard_page_over_the_audited_store_shows_no_identifier(audit, monkeypatch):
    """Each page in AppTest over the store the commands filled; on Annotate a session is started
    on the planted folder, so the page reads the DICOMs itself and shows the first frame."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SEGROI_DB", str(audit.db))
    monkeypatch.setenv("SEGROI_SALT", audit.salt)
    monkeypatch.setenv("SEGROI_DATA_ROOTS", str(audit.root))
    monkeypatch.delenv("SEGROI_PASSWORD", raising=False)
    monkeypatch.delenv("SEGROI_SCENARIO", raising=False)
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120).run()
    assert not at.exception
    pages = sorted((REPO / "dashboard" / "views").glob("*.py"))
    found, shown = [], {}
    for page in pages:
        at.switch_page(f"views/{page.name}").run()
        assert not at.exception, (page.name, at.exception)
        shown[page.stem] = _rendered(at)
        found += leaks(shown[page.stem], f"page {page.stem}")
    if "annotate" in shown:
        at.switch_page("views/annotate.py").run()
        at.text_input(key="ann_name").input("auditor")
        at.radio(key="ann_data").set_value("folder").run()
        at.text_input(key="ann_folder").input(str(audit.scans))
        at.text_input(key="ann_truth").input(str(audit.truth))
        at.button(key="ann_start").click().run()
        assert not at.exception, at.exception
        text = _rendered(at)
        assert "clip01_000" in text and "data:image/png;base64," in text  # the planted frame is on screen
        found += leaks(text, "annotate page, session on the planted folder")
        _annotator_is_keyed(audit, "auditor")
    assert not found, "\n".join(found)
    assert {"overview", "accuracy", "export"} <= set(shown)
    assert "Label-free SSL" in shown["overview"] or "Keep manual" in shown["overview"]


def _annotator_is_keyed(audit: Audit, typed: str) -> None:
    """The pseudonym stored for what the auditor typed is keyed with the install's salt: the unsalted
    hash of the name (what a guesser computes) is not in the store."""
    import hashlib

    from engine.annotation.session import pseudonym
    from engine.store import open_store

    stored = {
        r["annotator"]
        for r in open_store(audit.db, read_only=True).query(
            "SELECT annotator FROM annotation_sessions WHERE NOT simulated"
        )
    }
    assert pseudonym(typed, salt=audit.salt) in stored
    guess = hashlib.sha256(f"segroi-annotator:{typed}".encode()).hexdigest()
    assert not any(guess[:10] in s for s in stored)


# -- everything on disk ---------------------------------------------------------------------------


@pytest.mark.slow
def test_the_store_and_the_salt_are_readable_by_their_owner_only(audit):
    import stat

    files = [audit.db, audit.db.with_name(audit.db.name + ".wal"), audit.data_home / "segroi" / "salt"]
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files if p.exists()}
    assert audit.db.name in modes and "salt" in modes
    assert set(modes.values()) == {"0o600"}, modes


def _searchable(path: Path) -> list[str]:
    found = leaks(path.read_bytes(), f"bytes of {path}")
    if path.suffix.lower() == ".pdf":
        found += leaks(pdf_text(path), f"text of {path}")
    return found


@pytest.mark.slow
def test_no_file_left_in_the_work_folder_holds_an_identifier(audit):
    planted = {f["path"] for f in audit.files} | {audit.damaged / "clip_broken.dcm", audit.damaged / "clip_odd.dcm"}
    seen, found = 0, []
    for path in sorted(audit.root.rglob("*")):
        if path.is_file() and path not in planted:
            seen += 1
            found += leaks(str(path.relative_to(audit.root)), "file name") + _searchable(path)
    assert not found, "\n".join(found)
    assert seen > len(audit.files)  # label PNGs, logs, the store and whatever the commands wrote


def dump_store(db: Path) -> tuple[str, dict[str, int]]:
    """Every row of every table and view, as text, and the row count of each table."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()
        ]
        parts, counts = [], {}
        for name in names:
            cur = con.execute(f'SELECT * FROM "{name}"')
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            counts[name] = len(rows)
            parts.append(f"## {name} {cols}")
            parts += [repr(row) for row in rows]
            parts += [json.dumps(row, default=str, ensure_ascii=False) for row in rows]
        return "\n".join(parts), counts
    finally:
        con.close()


@pytest.mark.slow
def test_store_holds_no_identifier(audit):
    found = []
    for path in sorted(audit.store_dir.rglob("*")):
        if path.is_file():
            found += leaks(path.read_bytes(), f"bytes of {path.name}")
    text, counts = dump_store(audit.db)
    found += leaks(text, "store dump")
    assert not found, "\n".join(found)
    assert counts["runs"] >= 2 and counts["annotation_items"] > 0 and counts["annotation_sessions"] > 0
    if audit.results["evaluate-ssl"].rc == 0:
        assert counts["evaluations"] > 0 and counts["measurements"] > 0


@pytest.mark.slow
def test_study_is_stored_as_a_salted_hash_not_the_uid(audit):
    from engine.data import study_hash

    import duckdb

    uids = {f["uid"] for f in audit.files}
    expected = {study_hash(uid, audit.salt) for uid in uids}
    con = duckdb.connect(str(audit.db), read_only=True)
    try:
        stored = set()
        for table in ("annotation_items", "evaluations", "measurements"):
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
                ).fetchall()
            ]
            if "study" in cols:
                stored |= {r[0] for r in con.execute(f"SELECT DISTINCT study FROM {table}").fetchall()}
    finally:
        con.close()
    stored.discard(None)
    assert stored, "no study id stored: the audit read no planted frame into the store"
    assert stored <= expected, stored - expected
    assert not stored & uids and not any(uid in s or s in uid for s in stored for uid in uids)
    assert study_uid(1) not in expected and len(audit.salt) >= 16
    assert NEEDLES[study_uid(1).rsplit(".", 1)[0]] == "StudyInstanceUID"  # the raw UID is searched for everywhere
