"""RIS files (EndNote, Zotero, Mendeley, readinglist) read with rispy.

rispy drops a record whose ``ER`` line is missing without a word; records are checked here
first, and one without its end is closed where the next record starts (with a warning).
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from readinglist.formats.common import (
    FormatError,
    capped,
    clean,
    date_of,
    decode,
    fingerprint,
    first_arxiv_id,
    full_name,
    note_text,
    web_links,
)
from readinglist.incoming import SourceFile, SourcePaper

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def read(data: bytes) -> SourceFile:
    text, warnings = decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fixed, starts = _close_records(lines, warnings)
    try:
        records: list[dict[str, Any]] = rispy.loads("\n".join(fixed))
    except (ValueError, KeyError, TypeError, IndexError) as err:
        raise FormatError(f"not valid RIS ({clean(str(err))[:200]})") from None
    papers: list[SourcePaper] = []
    for number, record in enumerate(records, 1):
        line = starts[number - 1] if number <= len(starts) else 0
        paper = _paper(record, number - 1)
        if paper is None:
            warnings.append(f"entry {number} (line {line}): skipped, it has no title")
            continue
        papers.append(paper)
    if not papers:
        raise FormatError("no RIS record with a title (TY  - ... TI  - ... ER  - )")
    return SourceFile(
        format="ris",
        papers=tuple(papers),
        fingerprint=fingerprint(text),
        listing=False,
        warnings=capped(warnings),
    )


def _close_records(lines: list[str], warnings: list[str]) -> tuple[list[str], list[int]]:
    """Lines with an ``ER`` added where a record lacks one; also each record's first line."""
    out: list[str] = []
    starts: list[int] = []
    open_record = False
    for number, line in enumerate(lines, 1):
        match = _TAG.match(line.rstrip())
        tag = match[1] if match else None
        if tag == "TY":
            if open_record:
                warnings.append(
                    f"entry {len(starts)} (line {starts[-1]}): no ER line at its end; "
                    "read up to the next record"
                )
                out.append("ER  - ")
            open_record = True
            starts.append(number)
        elif tag == "ER":
            open_record = False
        out.append(line)
    if open_record:
        warnings.append(
            f"entry {len(starts)} (line {starts[-1]}): no ER line at its end (the file may be "
            "cut off); read what is there"
        )
        out.append("ER  - ")
    return out, starts


def _first(record: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return str(value)
    return ""


def _list(record: dict[str, Any], *keys: str) -> list[str]:
    out: list[str] = []
    for key in keys:
        value = record.get(key) or []
        out += [str(v) for v in (value if isinstance(value, list) else [value]) if v]
    return out


def _paper(record: dict[str, Any], position: int) -> SourcePaper | None:
    title = clean(_first(record, "title", "primary_title", "translated_title"))
    if not title:
        return None
    urls = _list(record, "urls", "url", "link_to_pdf")
    date = _first(record, "date", "publication_year", "year")
    parts = [*re.split(r"[/-]", date), "", "", ""]
    published = date_of(parts[0], parts[1], parts[2])
    authors = _list(record, "authors", "first_authors")
    return SourcePaper(
        title=title,
        abstract=clean(_first(record, "abstract", "notes_abstract")),
        position=position,
        authors=tuple(n for n in (full_name(a) for a in authors) if n),
        published=published,
        links=web_links(urls),
        # The ids a writer states first; a URL may be a link to another paper.
        arxiv_id=first_arxiv_id([_first(record, "doi"), _first(record, "number"), *urls]),
        citekey=clean(_first(record, "id")) or None,
        tags=tuple(t for t in (clean(k) for k in _list(record, "keywords")) if t),
        note=note_text("\n\n".join(_list(record, "notes", "research_notes"))),
    )
