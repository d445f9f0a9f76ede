"""Line breaks for the PDF that respect Japanese rules (kinsoku shori) and keep Latin words whole.

fpdf2 breaks Japanese text at any character, so a line can begin with "、" or "。" or end with "「". `wrap`
breaks a text into lines no wider than a width, measuring with the PDF's own font: Japanese may break
between any two characters, Latin text only between words (a word longer than the line is cut), and no
line starts with closing punctuation or a small kana, nor ends with opening punctuation - the character
before such a break moves down to the next line with it.
"""

from __future__ import annotations

import re
from typing import Callable

# Not at the start of a line (JIS X 4051's closing brackets, stops, small kana, prolonged sound mark).
NO_START = set(
    "、。，．,.・：；:;？！?!）)］]｝}〕〉》」』】〙〗’”ゝゞヽヾーぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻%‰℃"
)
# Not at the end of a line (opening brackets).
NO_END = set("（(［[｛{〔〈《「『【〘〖‘“")
# A run that must not be broken: Latin letters, digits and the signs inside numbers and names.
_WORD = re.compile(r"[A-Za-z0-9$€¥￥@#&_\-+*/=.,:%'’()\[\]<>|~^°µ×·–—]+|\s+|.", re.S)


def tokens(text: str) -> list[str]:
    return _WORD.findall(text)


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` as lines at most `width` wide (as `measure` reports), one list item per line; the text's own
    line breaks are kept."""
    out: list[str] = []
    for paragraph in str(text).split("\n"):
        out.extend(_wrap_one(paragraph, width, measure) or [""])
    return out


def _wrap_one(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    lines: list[str] = []
    line = ""
    for tok in _split_long(tokens(text), width, measure):
        if tok.isspace():
            if line:
                line += " "
            continue
        if not line or measure(line + tok) <= width:
            line += tok
            continue
        head, moved = _break(line, tok)
        lines.append(head.rstrip())
        line = (moved + tok).lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _break(line: str, nxt: str) -> tuple[str, str]:
    """Where to end `line` before `nxt` starts the next one: while the next line would start with a character
    that may not start one, or this line end with one that may not end it, its last character moves down."""
    moved = ""
    while len(line) > 1 and ((moved or nxt)[:1] in NO_START or line[-1] in NO_END):
        moved = line[-1] + moved
        line = line[:-1]
    return line, moved


def _split_long(toks: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    """A word wider than the whole line is cut into pieces that fit."""
    out = []
    for tok in toks:
        if len(tok) > 1 and not tok.isspace() and measure(tok) > width:
            piece = ""
            for ch in tok:
                if piece and measure(piece + ch) > width:
                    out.append(piece)
                    piece = ""
                piece += ch
            if piece:
                out.append(piece)
        else:
            out.append(tok)
    return out
