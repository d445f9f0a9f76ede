"""The meeting PDF: 3-5 pages for the reference (more with more options), headline figures, provenance, measured runs, footer; Japanese embedded."""

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from report_rows import add_profiles

from engine import __version__, reference
from engine.report import i18n, images, pdf
from engine.store import results
from engine.report.summary import headline, summarize
from engine.store import open_store

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _tiny_png(*args, **kwargs) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (90, 42), "white").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def fast_charts(monkeypatch):
    """Charts are kaleido's job (tested once, slow); the layout and text are tested here."""
    monkeypatch.setattr(images, "png", _tiny_png)


@pytest.fixture(scope="module")
def ref():
    return summarize(reference.reference_scenario(), draws=1000)


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.slow
@needs_poppler
def test_english_pdf_has_the_headline_provenance_runs_and_footer(tmp_path, fast_charts, ref):
    store = open_store()
    run_id = add_profiles(store)
    out = pdf.write(ref, tmp_path / "summary.pdf", "en", results.measured_runs(store))
    text = _text(out)
    h = headline(ref, "en")
    flat = " ".join(text.split())
    assert h["sentence"] in flat
    for option in ("manual", "sam", "ssl"):
        assert h["cost_per_study"][option] in text
    roi = ref["result"]["options"]["ssl"]["roi"]
    assert "ROI" in text and i18n.percent(roi) in text
    assert reference.BLS[:40] in flat  # a published source in the assumptions table
    assert run_id in flat and "Test GPU" in flat  # what was measured, where
    assert f"segroi {__version__}" in text and "“reference”" in text
    assert 3 <= _pages(out) <= 5
    assert not list(tmp_path.glob("*.part"))


@needs_poppler
def test_japanese_pdf_embeds_a_cjk_font_and_keeps_the_numbers(tmp_path, fast_charts, ref):
    out = pdf.write(ref, tmp_path / "summary_ja.pdf", "ja", [])
    text = _text(out)
    flat = "".join(text.split())
    h = headline(ref, "ja")
    assert "".join(h["sentence"].split()) in flat
    assert "仮定とその出典" in text and "実測の記録はありません" in flat
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "IPAexGothic" in fonts and " yes " in fonts  # embedded (subset)
    assert 3 <= _pages(out) <= 5


def test_font_is_found():
    path = pdf.font_path()
    assert path.exists() and path.suffix == ".ttf"


@pytest.mark.slow
@needs_poppler
def test_real_charts_render_through_kaleido(tmp_path, ref):
    try:
        out = pdf.write(ref, tmp_path / "charts.pdf", "ja", [])
    finally:
        images.stop()
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 3 <= len(pages) <= 5
    # page 2 carries two charts: far from blank
    page1 = Image.open(pages[1]).convert("L")
    dark = sum(1 for px in page1.getdata() if px < 200)
    assert dark > 0.02 * page1.width * page1.height


@needs_poppler
def test_user_text_reaches_the_pdf_literally(tmp_path, fast_charts):
    """A scenario name or source holding fpdf2's old page-count alias, Markdown or HTML is printed as
    written (before, "{nb}" in a name became the number of pages)."""
    raw = reference.reference_scenario()
    raw["name"] = "{nb} {page} **b** <b>x</b> ![t](http://127.0.0.1:9/t.png) \ue000 end"
    raw.setdefault("provenance", {})["labour.clinician_wage_per_hour"] = {
        "kind": "assumed",
        "source": "ward {nb} <i>y</i> :red[z]",
    }
    out = pdf.write(summarize(raw, draws=200), tmp_path / "hostile.pdf", "en", [])
    text = " ".join(_text(out).split())
    assert "{nb} {page} **b** <b>x</b> ![t](http://127.0.0.1:9/t.png) end" in text
    assert "ward {nb} <i>y</i> :red[z]" in text
    pages = len(re.findall(r"page (\d)/(\d)", text))
    assert pages >= 3 and all(b == str(pages) for _, b in re.findall(r"page (\d)/(\d)", text))


@needs_poppler
def test_the_demo_run_is_dated_when_measured_and_page_one_says_how_sure(tmp_path, fast_charts, ref):
    from engine.reference import seed

    seed(open_store())  # the H100 reference measurements, stored today, measured on 2026-11-26
    out = pdf.write(ref, tmp_path / "summary.pdf", "en", results.measured_runs(open_store()))
    pages = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    assert "2026-11-26" in pages[-2] + pages[-1]
    first = " ".join(pages[0].split())
    assert "inputs are still segroi's defaults" in first
    assert re.search(r"90% range -?\$[\d.]+K to \$[\d.]+K", first)  # the savings' range, on page 1
    assert "uncertainty draws" in first and "simulated scenarios" not in first


@needs_poppler
def test_japanese_lines_never_start_with_a_closing_mark(tmp_path, fast_charts):
    from engine import reference_ja

    out = pdf.write(summarize(reference_ja.reference_scenario(), draws=200), tmp_path / "ja.pdf", "ja", [])
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    starts = [line.strip()[:1] for line in text.splitlines() if line.strip()]
    assert starts and not [s for s in starts if s in "、。）」』，．"]
    assert "臨床検査技師" in text and "￥" in text  # the Japanese sources and yen
