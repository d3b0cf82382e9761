"""What every reader shares: decoding, fingerprints, arXiv ids, names, dates and errors."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from readinglist import textlimits
from readinglist.digest import DigestError, decode_with_warnings
from readinglist.incoming import text_fingerprint
from readinglist.urls import web_url

if TYPE_CHECKING:
    from collections.abc import Iterable

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A BibTeX or CSL-JSON file of a 40,000-paper library; far more is not a reference file."""

MAX_WARNINGS = 50


class FormatError(ValueError):
    """The file cannot be read as its format; str(err) is the reason, naming the entry."""


def decode(data: bytes) -> tuple[str, list[str]]:
    """bytes -> text (BOMs, UTF-16/32, Windows-1252) and warnings; FormatError when binary."""
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(
            f"file too large ({len(data) / 1e6:.0f} MB; readinglist reads reference files "
            f"and feeds up to {MAX_FILE_BYTES / 1e6:.0f} MB)"
        )
    try:
        decoded = decode_with_warnings(data, limit=MAX_FILE_BYTES, what="a file")
    except DigestError as err:
        raise FormatError(str(err)) from None
    return decoded.text.replace("\ufeff", ""), list(decoded.warnings)


def fingerprint(text: str) -> str:
    """The content's identity whatever its encoding, BOM or line endings (the one rule every
    source uses: readinglist.incoming.text_fingerprint)."""
    return text_fingerprint(text)


def clean(text: str | None) -> str:
    """One line: control characters dropped, runs of whitespace made one space (the
    entrance rule of readinglist.textlimits; lengths are checked where papers land)."""
    return textlimits.clean(text or "", textlimits.TITLE).text


def note_text(text: str | None) -> str:
    """A note keeps its lines; only control characters other than tab and newline go."""
    return textlimits.clean(text or "", textlimits.NOTE).text.strip()


# -- arXiv identifiers -------------------------------------------------------------------------

# New style (2007-): 0704.0001 ... 2403.01234; old style: hep-th/9901001, math.GT/0309136.
_NEW_ID = r"[0-9]{4}\.[0-9]{4,5}"
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7}"
_BARE = re.compile(rf"^(?:arxiv:\s*)?({_NEW_ID}|{_OLD_ID})(?:v[0-9]+)?$", re.IGNORECASE)
_IN_TEXT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*|10\.48550/arxiv\.|oai:arxiv\.org:)"
    rf"({_NEW_ID}|{_OLD_ID})(?:v[0-9]+)?",
    re.IGNORECASE,
)


def arxiv_id(value: str | None) -> str | None:
    """An arXiv id without version from an id, an arXiv URL, a DOI or "arXiv:..." text."""
    if not value:
        return None
    value = value.strip()
    match = _BARE.match(value) or _IN_TEXT.search(value)
    if match is None:
        return None
    found = match.group(1)
    # Old-style archive names are lower case ("hep-th"); their subject class is upper case.
    if "/" in found:
        archive, number = found.split("/")
        head, _, subject = archive.partition(".")
        return f"{head.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    return found


def first_arxiv_id(values: Iterable[str | None]) -> str | None:
    return next((found for v in values if (found := arxiv_id(v))), None)


ARXIV_ABS = "https://arxiv.org/abs/"


# -- names, dates, links -----------------------------------------------------------------------


def full_name(name: str) -> str:
    """A RIS name ("Last, First, Suffix") as people write it: "Lovelace, Ada" -> "Ada
    Lovelace"; "Smith, John, Jr." -> "John Smith, Jr."."""
    parts = [clean(p) for p in name.split(",")]
    parts = [p for p in parts if p]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3:
        return f"{parts[1]} {parts[0]}, {parts[2]}"
    return clean(name)


def date_of(year: object, month: object = None, day: object = None) -> dt.date | None:
    """A date from parts that may be text ("2024", "mar", "March", "03"); None when unusable."""
    try:
        y = int(str(year).strip()[:4])
    except (TypeError, ValueError):
        return None
    m = _month(month) or 1
    try:
        d = int(str(day).strip()) if day not in (None, "") else 1
        return dt.date(y, m, d)
    except (TypeError, ValueError):
        try:
            return dt.date(y, m, 1)
        except ValueError:
            return None


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month(value: object) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return _MONTHS.index(text[:3]) + 1 if text[:3] in _MONTHS else None


def iso_date(value: object) -> dt.date | None:
    """The date at the start of an ISO 8601 text ("2024-03-11T09:30:00.000Z")."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
    return date_of(match[1], match[2], match[3]) if match else None


def date_label(date: dt.date | None) -> str | None:
    """The label a digest page prints for its day ("Mar 11")."""
    return f"{_MONTHS[date.month - 1].title()} {date.day}" if date else None


def web_links(values: Iterable[str | None]) -> tuple[str, ...]:
    """The http(s) links among ``values``, in order, without duplicates."""
    return tuple(dict.fromkeys(u for v in values if v and (u := web_url(v))))


def capped(warnings: list[str]) -> tuple[str, ...]:
    if len(warnings) > MAX_WARNINGS:
        hidden = len(warnings) - MAX_WARNINGS + 1
        warnings = [*warnings[: MAX_WARNINGS - 1], f"... and {hidden:,} more warnings"]
    return tuple(warnings)
