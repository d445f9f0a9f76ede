"""engine.report.escape: user text shown literally in Markdown, HTML/Plotly and the PDF."""

from __future__ import annotations

import html
import re
import string

import pytest

from engine.report import escape

HOSTILE = (
    "![t](http://127.0.0.1:9/track.png) <img src=x onerror=alert(1)> **b** _i_ `c` $x$ :red[r] "
    ":material/home: # h > q | t [l](javascript:alert(1)) \\ & &amp; {nb} {page} a@b.org www.x.org"
)


def _unescape_commonmark(text: str) -> str:
    """What CommonMark makes of backslash escapes (a second, independent reading)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def test_markdown_escapes_every_ascii_punctuation_mark_and_reads_back_unchanged():
    out = escape.md(HOSTILE)
    i = 0
    while i < len(out):  # read it as CommonMark does: a backslash escapes the punctuation mark after it
        if out[i] == "\\":
            assert out[i + 1] in string.punctuation, out[i : i + 10]
            i += 2
        else:
            assert out[i] not in string.punctuation, out[i : i + 10]
            i += 1
    assert _unescape_commonmark(out).replace(escape.WORD_JOINER, "") == HOSTILE


def test_markdown_breaks_lines_and_bare_addresses():
    assert escape.md("a\n# b\r\nc\u2028d") == "a \\# b  c d"
    out = escape.md("see https://x.org, www.y.org or me@z.org")
    assert "https" + escape.WORD_JOINER in out and "www" + escape.WORD_JOINER in out
    assert "@" + escape.WORD_JOINER in out


@pytest.mark.parametrize("text", ["plain", "a`b", "``x``", "`", " ", "a\nb"])
def test_code_spans_hold_any_backticks(text):
    out = escape.md_code(text)
    fence = re.match(r"`+", out).group(0)
    inner = out[len(fence) : -len(fence)]
    assert out.endswith(fence) and fence not in inner  # the text cannot close the span early
    assert inner.strip(" ") == text.replace("\n", " ").strip(" ") or inner == " "


def test_html_and_pdf():
    assert html.unescape(escape.html(HOSTILE)) == HOSTILE and "<" not in escape.html(HOSTILE)
    assert escape.pdf("a\x00b\nc\ue000d") == "a b c d"
