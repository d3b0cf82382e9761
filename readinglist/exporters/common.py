"""What every export format shares: options, citation keys, safe links and one-line text."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readinglist.urls import web_url

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Sequence

    from readinglist.records import PaperRecord


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Choices that apply to every format (each format ignores what it cannot show)."""

    abstracts: bool = True
    notes: bool = True
    title: str = ""  # heading of Markdown and HTML exports; empty: DEFAULT_TITLE
    description: str = ""  # one line under the heading, e.g. "Shelf “To read”"
    generated: dt.date | None = None  # shown as "Exported on ..." when given
    byte_order_mark: bool = False  # CSV only: lets spreadsheet programs detect UTF-8
    # Markdown only: notes as written, raw HTML and all links included. Off by default: a
    # note may come from someone else's bundle, and Markdown viewers run what it holds.
    notes_verbatim: bool = False


DEFAULT_TITLE = "Reading list"

_STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from"),
        *("how", "in", "into", "is", "it", "its", "of", "on", "or", "the", "to", "via"),
        *("what", "when", "where", "which", "who", "why", "with", "without"),
    }
)
_KEY_WORDS = 3


def citation_keys(records: Sequence[PaperRecord]) -> dict[int, str]:
    """Readable, stable, unique citation keys: ``firstWordsYear`` plus a letter on clashes.

    For example ``attentionAllYou2017`` (stop words skipped, accents folded, no year when
    the date is unknown). A paper with a pinned key (``PaperRecord.citekey``) keeps it, and
    no other paper gets that key.

    A key depends only on the title and the year, so the same paper keeps its key from one
    export to the next; papers whose keys clash get ``a``, ``b``... in the order of their ids.
    """
    keys: dict[int, str] = {r.id: r.citekey for r in records if r.citekey}
    pinned = set(keys.values())
    bases: dict[int, str] = {r.id: _key_base(r) for r in records if r.id not in keys}
    by_base: dict[str, list[int]] = {}
    for paper_id in sorted(bases):
        by_base.setdefault(bases[paper_id], []).append(paper_id)
    taken = set(by_base) | pinned
    for base, ids in by_base.items():
        if len(ids) == 1 and base not in pinned:
            keys[ids[0]] = base
            continue
        suffixes = _suffixes()
        for paper_id in ids:
            key = base + next(suffixes)
            while key in taken:
                key = base + next(suffixes)
            taken.add(key)
            keys[paper_id] = key
    return keys


def _suffixes() -> Iterator[str]:
    """a, b, ... z, then aa, ab, ... zz, then 1000, 1001, ... (never runs out)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    yield from (a + b for a in letters for b in letters)
    yield from (str(n) for n in itertools.count(1000))


def _key_base(record: PaperRecord) -> str:
    ascii_title = (
        unicodedata.normalize("NFKD", record.title).encode("ascii", "ignore").decode("ascii")
    )
    words = [w for w in re.split(r"[^A-Za-z0-9]+", ascii_title) if w]
    significant = [w for w in words if w.lower() not in _STOP_WORDS] or words
    chosen = significant[:_KEY_WORDS]
    if chosen:
        base = chosen[0].lower() + "".join(w[:1].upper() + w[1:] for w in chosen[1:])
    else:
        base = "paper"
    if base[0].isdigit():
        base = "p" + base  # BibTeX tools dislike keys that start with a digit
    year = str(record.published.year) if record.published else ""
    return base + year


http_url = web_url  # the one URL rule (readinglist.urls), under its exporters name


def http_links(record: PaperRecord) -> list[str]:
    """The paper's links that are safe to make clickable (http and https only)."""
    return [url for url in (http_url(link) for link in record.links) if url is not None]


def one_line(text: str) -> str:
    """Collapse every kind of line break and run of whitespace into single spaces."""
    return " ".join(text.split())


ARXIV_ABS = "https://arxiv.org/abs/"

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def date_text(record: PaperRecord) -> str:
    """ISO date of publication, or an empty string."""
    return record.published.isoformat() if record.published else ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
