"""User-provided text shown literally, wherever segroi shows it.

Scenario names, provenance sources, file stems, folder paths, pseudonyms, e-mail addresses and
messages that quote them are data, not markup. Each target has one function, and every place that
shows such text goes through it:

    md(text)       Streamlit Markdown (st.markdown, st.caption, st.write, st.error ..., widget
                   labels and help, progress text): every ASCII punctuation mark is
                   backslash-escaped (CommonMark lets any of them be), so no image, link, emphasis,
                   heading, HTML, LaTeX ($), colour (:red[...]) or icon (:material/...:) is made;
                   line breaks and other control characters become spaces. GitHub-flavoured
                   Markdown still turns a bare web or e-mail address into a link after escapes are
                   read, so an invisible word joiner (U+2060) goes after "http", "https", "ftp" and
                   "www" and after "@": the text reads the same and makes no link.
    md_code(text)  the same text as an inline code span (backslashes do not work inside one, so
                   the fence is longer than any run of backticks in the text).
    html(text)     HTML and Plotly labels (Plotly draws a few tags, <a href> among them, and shows
                   entities as the characters they stand for).
    pdf(text)      the PDF: fpdf2 writes text as it is given; control characters and private-use
                   characters (the page-count alias is made of those, see engine.report.pdf) become
                   spaces.
    term(text)     a terminal line (the command line's listings and one-line errors): control
                   characters and bidirectional overrides are written out as Python writes them in
                   a string literal (\x1b, \n, \u202e), so no escape sequence is obeyed (colours,
                   window titles, OSC 52 clipboard writes) and no message is split or reordered.
"""

from __future__ import annotations

import html as _html
import re
import string
import unicodedata

_PUNCTUATION = frozenset(string.punctuation)
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:\b(?:https?|ftp)(?=:)|\bwww(?=\.)|@)")


def _plain(text) -> str:
    """Control characters (line breaks included) as spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in str(text))


def md(text) -> str:
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, _plain(text))
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in unlinked)


def md_code(text) -> str:
    body = _plain(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or not body.strip() else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def html(text) -> str:
    return _html.escape(_plain(text), quote=True)


def pdf(text) -> str:
    return "".join(" " if unicodedata.category(ch) == "Co" else ch for ch in _plain(text))


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def term(text) -> str:
    return "".join(
        repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI else ch for ch in str(text)
    )
