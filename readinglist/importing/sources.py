"""Reading what an import is given: a file or pasted text, recognised by its content.

A file is a readinglist bundle (lossless JSON) or a source of papers read into a
:class:`~readinglist.incoming.SourceFile`: today digest text; the readers of other formats
plug in here. Nothing is written; a file that cannot be read raises ImportRefused with a
reason fit for the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from readinglist.digest import MAX_DIGEST_BYTES, DigestError, parse_bytes
from readinglist.errors import LibraryError
from readinglist.exporters.bundle import Bundle, BundleFormatError, loads
from readinglist.incoming import SourceFile, SourcePaper

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.digest import Digest

MAX_BUNDLE_BYTES = 1 << 30
"""A whole-library bundle of 100,000 papers is a few hundred MB; more is not a bundle."""
SNIFF_BYTES = 4096
_SNIFF = re.compile(rb'^\s*\{\s*"format"\s*:\s*"readinglist-bundle"')


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
    if looks_like_bundle(data):
        return BundleFile(read_bundle(data), fingerprint(data))
    mtime = _mtime(path)
    return digest_source(data, reference=min(mtime, dt.date.today()))


def read_text(text: str) -> SourceFile:
    """Digest text pasted from the clipboard."""
    data = text.encode("utf-8")
    if len(data) > MAX_DIGEST_BYTES:
        raise ImportRefused("too large for a digest")
    return digest_source(data, reference=dt.date.today())


def looks_like_bundle(data: bytes) -> bool:
    """Whether the data starts like a bundle: a JSON object whose first key is its format."""
    return bool(_SNIFF.match(data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")))


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
            raise ImportRefused("is a directory, not a digest file")
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            bundle = looks_like_bundle(head)
            limit = MAX_BUNDLE_BYTES if bundle else MAX_DIGEST_BYTES
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
        what = "a bundle" if bundle else "a digest"
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
    "looks_like_bundle",
    "read_bundle",
    "read_path",
    "read_text",
]
