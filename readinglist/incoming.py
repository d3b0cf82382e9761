"""What an import reads from a file, whatever its format: papers as their source describes them.

Every reader (digest text, arXiv feeds, Hugging Face daily papers, BibTeX, RIS, CSL-JSON)
turns one file into a :class:`SourceFile`; the import wing merges it into the library with
one set of rules, so a new format is a new reader and nothing else.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt


@dataclass(frozen=True, slots=True)
class SourcePaper:
    """One paper as a file lists it; every field but the title may be missing."""

    title: str
    abstract: str = ""
    position: int = 0  # 0-based place in the file, skipped entries counted: entry position + 1
    authors: tuple[str, ...] = ()  # full names as the source writes them ("Ada Lovelace")
    authors_count: int | None = None  # when only a count is known (digest pages)
    organization: str | None = None
    published: dt.date | None = None
    year_inferred: bool = False  # the source printed no year; it was inferred
    upvotes: int | None = None
    links: tuple[str, ...] = ()  # http(s) URLs, the paper's own page first when known
    incomplete: bool = False  # cut off (no abstract, or an abstract that stops mid-sentence)
    arxiv_id: str | None = None  # without version: "2403.01234", "hep-th/9901001"
    citekey: str | None = None  # a reference file's own key for the entry
    tags: tuple[str, ...] = ()  # keywords a reference file carries
    note: str = ""  # a reference file's annotation (BibTeX annote, RIS N1, CSL note)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file read: its papers in order, and what it says about itself.

    ``listing`` is True for files that are a day's listing of papers (digest pages, arXiv
    feeds, Hugging Face daily papers): each of their papers records a sighting (provenance,
    seen counts, upvotes on that day). Reference files (BibTeX, RIS, CSL-JSON) are not
    listings. ``fingerprint`` identifies the content independently of its encoding, so the
    same file saved twice is recognised as already imported.
    """

    format: str  # "digest", "arxiv-atom", "arxiv-rss", "hf-daily", "bibtex", "ris", "csl-json"
    papers: tuple[SourcePaper, ...]
    fingerprint: str
    listing: bool = True
    # Fingerprints this content had in older versions (a digest's raw-bytes hash), so a file
    # imported before is still recognised as already imported.
    earlier_fingerprints: tuple[str, ...] = ()
    date_label: str | None = None  # as the source prints it ("Mar 11")
    date: dt.date | None = None
    warnings: tuple[str, ...] = ()  # skipped or repaired entries, each naming its number


def text_fingerprint(text: str) -> str:
    """SHA-256 (hex) of the text as its lines read: the same whatever encoding the file was in.

    Byte-order marks, line endings (CRLF, CR, LF), blank lines, spaces around lines and the
    Unicode spelling (NFC) are how a file was saved, not what it says, so they do not count.
    Decode first (a reader's own decoder): the same digest in UTF-8, UTF-16 or Windows-1252,
    with or without a BOM or CRLF, gets one fingerprint.
    """
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return hashlib.sha256("\n".join(line for line in lines if line).encode("utf-8")).hexdigest()


__all__ = ["SourceFile", "SourcePaper", "text_fingerprint"]
