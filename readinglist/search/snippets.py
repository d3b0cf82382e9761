"""Highlighted titles and snippets: matched words marked, once as HTML and once as plain text.

One pass of the field's own analyzer over the stored text finds the matched words (so a
query for "tuning" marks "tuned"); the best window of the text is then rendered twice: HTML
with ``<b>`` marks and everything else escaped, and plain text with ``**`` marks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem

if TYPE_CHECKING:
    from collections.abc import Iterable

TOKEN_RE = re.compile(default_pattern.pattern, re.UNICODE)
"""The index analyzer's tokenizer pattern (whoosh.analysis.StemmingAnalyzer)."""
_MINSIZE = 2
_stem = lru_cache(maxsize=50_000)(stem)

SNIPPET_CHARS = 220
LEAD_CHARS = 60
"""How much text to show before the first marked word of the snippet."""


@dataclass
class Marks:
    """What to mark in one field: analysed terms, and prefixes of the words as written."""

    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)


def matches(text: str, marks: Marks) -> list[tuple[int, int, str]]:
    """(start, end, term) of every marked word in ``text``.

    Tokenises and stems like the index's analyzer (StemmingAnalyzer) but only stems the
    words that can produce a marked term: a stem is the word's start (Porter rewrites only
    its last letters), so a word not starting like any marked term is skipped unstemmed.
    """
    if not marks or not text:
        return []
    starts = tuple({t[: max(1, min(4, len(t) - 1))] for t in marks.terms})
    prefixes = tuple(marks.prefixes)
    out: list[tuple[int, int, str]] = []
    for m in TOKEN_RE.finditer(text):
        word = m.group().lower()
        if prefixes and word.startswith(prefixes):
            out.append((m.start(), m.end(), word))
        elif starts and word.startswith(starts) and len(word) >= _MINSIZE:
            term = _stem(word)
            if term in marks.terms:
                out.append((m.start(), m.end(), term))
    return out


def render(
    text: str, spans: Iterable[tuple[int, int, str]], start: int = 0, end: int | None = None
) -> tuple[str, str]:
    """``text[start:end]`` as (html, plain), the spans marked; ellipses where it was cut."""
    stop = len(text) if end is None else end
    html_parts: list[str] = []
    plain_parts: list[str] = []
    if start > 0:
        html_parts.append("…")
        plain_parts.append("…")
    pos = start
    for s, e, _term in spans:
        if s < pos or e > stop:
            continue
        html_parts += [html.escape(text[pos:s]), "<b>", html.escape(text[s:e]), "</b>"]
        plain_parts += [text[pos:s], "**", text[s:e], "**"]
        pos = e
    html_parts.append(html.escape(text[pos:stop]))
    plain_parts.append(text[pos:stop])
    if stop < len(text):
        html_parts.append("…")
        plain_parts.append("…")
    return "".join(html_parts), "".join(plain_parts)


def best_window(
    text: str, spans: list[tuple[int, int, str]], width: int = SNIPPET_CHARS
) -> tuple[int, int]:
    """The stretch of about ``width`` characters holding the most distinct marked words."""
    if len(text) <= width:
        return 0, len(text)
    best_i, best_score = 0, -1.0
    for i, (s, _e, _t) in enumerate(spans):
        seen: set[str] = set()
        count = 0
        for _s2, e2, t2 in spans[i:]:
            if e2 - s > width - LEAD_CHARS:
                break
            seen.add(t2)
            count += 1
        score = len(seen) + 0.1 * count
        if score > best_score:
            best_i, best_score = i, score
    first = spans[best_i][0] if spans else 0
    start = _word_start(text, max(0, first - LEAD_CHARS)) if first > LEAD_CHARS else 0
    end = min(len(text), start + width)
    if end < len(text):
        end = _word_end(text, end)
    return start, end


def _word_start(text: str, at: int) -> int:
    """The start of the first whole word at or after ``at``."""
    if at <= 0 or text[at - 1].isspace():
        return at
    space = text.find(" ", at)
    return space + 1 if 0 <= space < at + 30 else at


def _word_end(text: str, at: int) -> int:
    """Cut at the last space before ``at`` (unless the word is very long)."""
    space = text.rfind(" ", at - 30, at)
    return space if space > 0 else at


def snippet(
    text: str, spans: list[tuple[int, int, str]], width: int = SNIPPET_CHARS
) -> tuple[str, str]:
    """(html, plain) of the best window of ``text``; its start when nothing is marked."""
    start, end = best_window(text, spans, width) if spans else (0, min(len(text), width))
    if not spans and end < len(text):
        end = _word_end(text, end)
    return render(text, spans, start, end)
