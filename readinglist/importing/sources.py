"""Reading what an import is given: a file or pasted text, recognised by its content.

A file is a readinglist bundle (lossless JSON) or a source of papers read into a
:class:`~readinglist.incoming.SourceFile`: digest text (readinglist.digest), or any kind
readinglist.formats reads (arXiv feeds, Hugging Face daily papers, BibTeX, RIS, CSL-JSON),
whatever the file's name. Papers then meet the library's text limits: what is over a limit
is left out with a warning naming its entry. Nothing is written; a file that cannot be read
raises ImportRefused with a reason fit for the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from readinglist import formats, textlimits
from readinglist.digest import MAX_DIGEST_BYTES, DigestError, parse_bytes
from readinglist.errors import LibraryError
from readinglist.exporters.bundle import Bundle, BundleFormatError, loads
from readinglist.exporters.bundle import looks_like as looks_like_bundle
from readinglist.formats.common import capped
from readinglist.incoming import SourceFile, SourcePaper

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.digest import Digest

MAX_BUNDLE_BYTES = 1 << 30
"""A whole-library bundle of 100,000 papers is a few hundred MB; more is not a bundle."""
MAX_FILE_BYTES = formats.MAX_FILE_BYTES
"""Any other file: a reference file of a 40,000-paper library (a digest is far smaller)."""
SNIFF_BYTES = 4096
LINK = textlimits.Limit("link", 2_000, one_line=True)  # no page has a longer address


class ImportRefused(LibraryError):
    """This file cannot be imported; the message says why (without the file's name)."""


@dataclass(frozen=True, slots=True)
class BundleFile:
    """A readinglist bundle read from a file; the fingerprint tells two copies apart from
    two different bundles within one import's preview."""

    bundle: Bundle
    fingerprint: str


def read_path(path: Path) -> SourceFile | BundleFile:
    """Read one file as whatever its content shows it is."""
    data = _read(path)
    kind = formats.detect(data)
    if kind == formats.BUNDLE:
        return BundleFile(read_bundle(data), fingerprint(data))
    if kind == formats.DIGEST:
        if len(data) > MAX_DIGEST_BYTES:
            raise ImportRefused(
                f"too large for a digest ({len(data) / 1e6:.0f} MB, limit "
                f"{MAX_DIGEST_BYTES / 1e6:.0f} MB)"
            )
        mtime = _mtime(path)
        return digest_source(data, reference=min(mtime, dt.date.today()))
    try:
        return fitted(formats.read(data, kind))
    except formats.FormatError as err:
        raise ImportRefused(f"{_KIND_NAMES.get(kind, kind)}: {err}") from err


_KIND_NAMES = {
    formats.BIBTEX: "BibTeX",
    formats.RIS: "RIS",
    formats.CSL_JSON: "CSL-JSON",
    formats.ARXIV_ATOM: "arXiv Atom feed",
    formats.ARXIV_RSS: "RSS feed",
    formats.HF_DAILY: "Hugging Face daily papers",
    formats.HF_DAILY_PAGE: "web page",
    formats.JSON: "JSON",
}


def fitted(source: SourceFile) -> SourceFile:
    """The source's papers within the library's text limits (readinglist.textlimits).

    A title or abstract over its limit leaves its entry out; a tag, author name, link or
    note over its limit leaves only itself out. Each leaving-out is a warning naming the
    entry; a file none of whose papers fits is refused.
    """
    warnings = list(source.warnings)
    papers = []
    for paper in source.papers:
        where = f"entry {paper.position + 1}"
        problem = next(
            (
                too_long
                for text, limit in (
                    (paper.title, textlimits.TITLE),
                    (paper.abstract, textlimits.ABSTRACT),
                )
                if (too_long := textlimits.clean(text, limit).too_long)
            ),
            None,
        )
        if problem is not None:
            warnings.append(f"{where}: {problem}: left out")
            continue
        papers.append(_fit_parts(paper, where, warnings))
    if not papers:
        raise ImportRefused("no paper in the file fits: " + "; ".join(warnings[-3:]))
    return replace(source, papers=tuple(papers), warnings=capped(warnings))


def _fit_parts(paper: SourcePaper, where: str, warnings: list[str]) -> SourcePaper:
    """The paper without the tags, names, links or note that are over their limits."""
    tags = [t for raw in paper.tags for t in raw.split(",")]  # commas separate tags
    kept: dict[str, list[str]] = {}
    for what, values, limit in (
        ("tag", tags, textlimits.TAG),
        ("author", paper.authors, textlimits.AUTHOR),
        ("link", paper.links, LINK),
    ):
        kept[what] = []
        for value in values:
            cleaned = textlimits.clean(value, limit)
            if cleaned.too_long:
                warnings.append(f"{where}: {cleaned.too_long}: {what} left out")
            elif cleaned.text:
                kept[what].append(cleaned.text)
    note = textlimits.clean(paper.note, textlimits.NOTE)
    if note.too_long:
        warnings.append(f"{where}: {note.too_long}: note left out")
    return replace(
        paper,
        tags=tuple(kept["tag"]),
        authors=tuple(kept["author"]),
        links=tuple(kept["link"]),
        note="" if note.too_long else note.text,
    )


def read_text(text: str) -> SourceFile:
    """Digest text pasted from the clipboard."""
    data = text.encode("utf-8")
    if len(data) > MAX_DIGEST_BYTES:
        raise ImportRefused("too large for a digest")
    return digest_source(data, reference=dt.date.today())


def read_bundle(data: bytes) -> Bundle:
    try:
        return loads(data.removeprefix(b"\xef\xbb\xbf"))
    except BundleFormatError as err:
        raise ImportRefused(str(err)) from err


def digest_source(data: bytes, *, reference: dt.date) -> SourceFile:
    """A digest page's text as a source of papers (DigestError becomes ImportRefused)."""
    try:
        digest = parse_bytes(data, reference=reference)
    except DigestError as err:
        raise ImportRefused(str(err)) from err
    return from_digest(digest, digest.fingerprint, also=(fingerprint(data),))


def from_digest(digest: Digest, print_: str, *, also: tuple[str, ...] = ()) -> SourceFile:
    """A parsed digest as a source; ``also``: other fingerprints the same content was
    recorded under before (the hash of the raw bytes, which older versions kept)."""
    return SourceFile(
        format="digest",
        papers=tuple(
            SourcePaper(
                title=e.title,
                abstract=e.abstract,
                position=e.position,
                authors_count=e.authors_count,
                organization=e.organization,
                published=e.published,
                year_inferred=e.year_inferred,
                upvotes=e.upvotes,
                links=e.links,
                incomplete=e.incomplete,
            )
            for e in digest.entries
        ),
        fingerprint=print_,
        earlier_fingerprints=also,
        listing=True,
        date_label=digest.date_label,
        date=digest.date,
        warnings=digest.warnings,
    )


def fingerprint(data: bytes) -> str:
    """What identifies a file's content: the same file imported twice is recognised."""
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes:
    """The file's bytes; refuses folders, missing files and anything too large to be one."""
    data, size = b"", 0
    try:
        if path.is_dir():
            raise ImportRefused("is a directory, not a file of papers")
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            bundle = looks_like_bundle(head)
            limit = MAX_BUNDLE_BYTES if bundle else MAX_FILE_BYTES
            size = path.stat().st_size
            if size <= limit:
                # Read at most one byte past the limit: the file may grow after stat().
                data = head + fh.read(limit + 1 - len(head))
    except FileNotFoundError as err:
        raise ImportRefused("file not found (it may have been moved or deleted)") from err
    except PermissionError as err:
        raise ImportRefused("permission denied") from err
    except OSError as err:
        raise ImportRefused(err.strerror or str(err)) from err
    if size > limit or len(data) > limit:
        what = "a bundle" if bundle else "a file of papers"
        raise ImportRefused(
            f"too large for {what} ({max(size, len(data)) / 1e6:.0f} MB, limit "
            f"{limit / 1e6:.0f} MB)"
        )
    return data


def _mtime(path: Path) -> dt.date:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).date()
    except OSError:
        return dt.date.today()


__all__ = [
    "BundleFile",
    "ImportRefused",
    "digest_source",
    "fingerprint",
    "fitted",
    "looks_like_bundle",
    "read_bundle",
    "read_path",
    "read_text",
]
