"""RIS: the line-based format of reference managers (EndNote, Zotero, Mendeley).

Written here rather than with a library: RIS is ``TAG  - value`` lines, and the one thing
that matters, that no value can break its line and forge a tag such as ``ER``, is done by
flattening every line break in the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from readinglist.exporters.common import (
    ARXIV_ABS,
    ExportOptions,
    citation_keys,
    http_links,
    one_line,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord


def render(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    keys = citation_keys(records)
    lines: list[str] = []
    for r in records:
        lines += _reference(keys[r.id], r, options)
        lines.append("")
    return "\n".join(lines)


def _last_first(full: str) -> str:
    """RIS names are "Last, First[, Suffix]": the last word before any suffix ("Jr.") is
    the family name."""
    name, comma, suffix = full.partition(", ")
    first, _, last = name.rpartition(" ")
    if not first or "," in name or "," in suffix:
        return full
    return f"{last}, {first}" + (f", {suffix}" if comma else "")


def _reference(key: str, r: PaperRecord, options: ExportOptions) -> list[str]:
    tags: list[tuple[str, str]] = [("TY", "GEN"), ("ID", key), ("TI", r.title)]
    tags += [("AU", _last_first(a)) for a in r.authors]
    if options.abstracts and r.abstract.strip():
        tags.append(("AB", r.abstract))
    if r.published:
        tags.append(("PY", str(r.published.year)))
        tags.append(("DA", r.published.strftime("%Y/%m/%d/")))
    tags += [("KW", t) for t in r.tags]
    if options.notes and r.note.strip():
        tags.append(("N1", r.note))
    links = http_links(r)
    if r.arxiv_id:
        tags.append(("DO", f"10.48550/arXiv.{r.arxiv_id}"))  # arXiv's DOI for every paper
        links = links or [ARXIV_ABS + r.arxiv_id]
    tags += [("UR", u) for u in links]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags]
    lines.append("ER  - ")
    return lines
