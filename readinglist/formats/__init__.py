"""Reading every file kind but digests and bundles into :class:`~readinglist.incoming.SourceFile`.

``detect(data)`` names the kind from the content; ``read(data)`` reads any kind but
``digest`` and ``bundle`` (whose readers live in readinglist.digest and the bundle wing) and
raises :class:`FormatError` with a reason fit for the user, naming the entry at fault.
Skipped or repaired entries are listed in ``SourceFile.warnings`` ("entry 3 (line 41): ...").
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from readinglist.formats import bibtex, csljson, feeds, hfdaily, ris
from readinglist.formats.common import MAX_FILE_BYTES, FormatError, arxiv_id, decode, fingerprint
from readinglist.formats.detect import (
    ARXIV_ATOM,
    ARXIV_RSS,
    BIBTEX,
    BUNDLE,
    CSL_JSON,
    DIGEST,
    HF_DAILY,
    HF_DAILY_PAGE,
    JSON,
    KINDS,
    RIS,
    detect,
)

if TYPE_CHECKING:
    from readinglist.incoming import SourceFile

READABLE = (BIBTEX, RIS, CSL_JSON, ARXIV_ATOM, ARXIV_RSS, HF_DAILY, HF_DAILY_PAGE)
"""The kinds :func:`read` reads."""


def read(data: bytes, kind: str | None = None) -> SourceFile:
    """Read a file of one of the :data:`READABLE` kinds (detected when ``kind`` is None)."""
    kind = kind or detect(data)
    if kind == BIBTEX:
        return bibtex.read(data)
    if kind == RIS:
        return ris.read(data)
    if kind in (ARXIV_ATOM, ARXIV_RSS):
        return feeds.read(data, kind)
    if kind in (CSL_JSON, HF_DAILY, JSON):
        text, warnings = decode(data)
        doc = _json(text)
        if kind == CSL_JSON:
            return csljson.read_items(doc, fingerprint(text), warnings)
        if kind == HF_DAILY:
            return hfdaily.read_list(doc, fingerprint(text), warnings, HF_DAILY)
        raise FormatError(
            "JSON of a kind readinglist does not read (expected CSL-JSON, Hugging Face daily "
            "papers or a readinglist bundle)"
        )
    if kind == HF_DAILY_PAGE:
        text, warnings = decode(data)
        props = hfdaily.page_props(text)
        return hfdaily.read_list(props, fingerprint(text), warnings, HF_DAILY_PAGE)
    raise ValueError(f"formats.read does not read {kind!r} files")


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise FormatError("not readable JSON: nested too deeply") from None
    except ValueError as err:
        raise FormatError(f"not valid JSON ({err})") from None


__all__ = [
    "ARXIV_ATOM",
    "ARXIV_RSS",
    "BIBTEX",
    "BUNDLE",
    "CSL_JSON",
    "DIGEST",
    "HF_DAILY",
    "HF_DAILY_PAGE",
    "JSON",
    "KINDS",
    "MAX_FILE_BYTES",
    "READABLE",
    "RIS",
    "FormatError",
    "arxiv_id",
    "detect",
    "read",
]
