"""CSL-JSON files (Zotero, Pandoc, citeproc, readinglist): a list of items, or one item."""

from __future__ import annotations

from typing import Any

from readinglist.formats.common import (
    FormatError,
    capped,
    clean,
    date_of,
    first_arxiv_id,
    note_text,
    web_links,
)
from readinglist.incoming import SourceFile, SourcePaper


def read_items(doc: Any, text_fingerprint: str, warnings: list[str]) -> SourceFile:
    items = [doc] if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise FormatError("not CSL-JSON: expected a list of items")
    papers: list[SourcePaper] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            warnings.append(f"entry {number}: skipped, not a CSL item (an object)")
            continue
        title = clean(_text(item.get("title")))
        if not title:
            warnings.append(f"entry {number}: skipped, it has no title")
            continue
        papers.append(_paper(item, title, number - 1))
    if not papers:
        raise FormatError("no CSL item with a title" + (f" ({warnings[-1]})" if warnings else ""))
    return SourceFile(
        format="csl-json",
        papers=tuple(papers),
        fingerprint=text_fingerprint,
        listing=False,
        warnings=capped(warnings),
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _paper(item: dict[str, Any], title: str, position: int) -> SourcePaper:
    url = _text(item.get("URL"))
    custom = item.get("custom")
    more = custom.get("links") if isinstance(custom, dict) else None
    keywords = _text(item.get("keyword"))
    return SourcePaper(
        title=title,
        abstract=clean(_text(item.get("abstract"))),
        position=position,
        authors=_names(item.get("author")),
        published=_issued(item.get("issued")),
        links=web_links([url, *(_text(u) for u in (more if isinstance(more, list) else []))]),
        # The ids a writer states first; a URL may be a link to another paper.
        arxiv_id=first_arxiv_id(
            [
                _text(item.get("number")),
                _text(item.get("DOI")),
                _text(item.get("archive_location")),
                url,
            ]
        ),
        citekey=_citekey(item),
        tags=tuple(t for t in (clean(k) for k in keywords.split(",")) if t),
        note=note_text(_text(item.get("note"))),
    )


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for person in value:
        if not isinstance(person, dict):
            continue
        literal = clean(_text(person.get("literal")))
        parts = [_text(person.get(k)) for k in ("given", "non-dropping-particle", "family")]
        name = literal or clean(" ".join(parts))
        suffix = clean(_text(person.get("suffix")))
        if name:
            out.append(f"{name}, {suffix}" if suffix else name)
    return tuple(out)


def _issued(value: object) -> Any:
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [*parts[0], None, None]
        return date_of(first[0], first[1], first[2])
    raw = _text(value.get("raw")) or _text(value.get("literal"))
    return date_of(raw[:4], raw[5:7] or None, raw[8:10] or None) if raw[:4].isdigit() else None


def _citekey(item: dict[str, Any]) -> str | None:
    """The item's citation key; Zotero's ids are URIs of its database, not keys."""
    key = clean(_text(item.get("citation-key")) or _text(item.get("id")))
    return key if key and "://" not in key else None
