"""Finding a search's matched words in text, for the table and the detail pane to mark."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from readinglist.urls import find_urls

if TYPE_CHECKING:
    from collections.abc import Iterable

MIN_TERM = 2
"""Shorter terms would light up half of every line."""


_ENDINGS = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly")


def stem(word: str) -> str:
    """A rough stem, enough to mark "model" and "modeling" for a search for "models".

    The index stems properly; this only has to find the same words again on screen.
    """
    w = word.casefold()
    if not w.isalpha():
        return w
    for ending in _ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            return w[: -len(ending)]
    return w


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for words starting with any term's stem ("models": model, modeling)."""
    words = sorted({stem(t) for t in terms if len(t) >= MIN_TERM}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)


def spans(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """(start, end) of every match, in order and not overlapping."""
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text)]


def runs(text: str, pattern: re.Pattern[str] | None) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) runs, for painting piece by piece."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans(text, pattern):
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def linked_html(text: str, pattern: re.Pattern[str] | None, mark: str) -> str:
    """``text`` as HTML: escaped, http(s) URLs made links, matched words wrapped in ``mark``.

    ``mark`` is an opening tag such as ``<span style="...">``. Links are found by the one
    URL rule (readinglist.urls.find_urls), as the importer and the exports find them; only
    http and https become links, so nothing else in a digest can be clicked.
    """
    out: list[str] = []
    at = 0
    for found in find_urls(text):
        out.append(_marked(text[at : found.start], pattern, mark))
        url = found.url
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        at = found.end
    out.append(_marked(text[at:], pattern, mark))
    return "".join(out)


def _marked(text: str, pattern: re.Pattern[str] | None, mark: str) -> str:
    closing = "</" + mark[1:].split(None, 1)[0].rstrip(">") + ">"
    return "".join(
        f"{mark}{html.escape(piece)}{closing}" if hit else html.escape(piece)
        for piece, hit in runs(text, pattern)
    )
