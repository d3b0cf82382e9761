"""Digest files: decoding, parsing and the title keys that identify papers across digests."""

from __future__ import annotations

from readinglist.digest.normalize import fold_words, paper_key, title_key
from readinglist.digest.parser import (
    MAX_DIGEST_BYTES,
    Digest,
    DigestError,
    Entry,
    decode,
    parse,
    parse_bytes,
)

__all__ = [
    "MAX_DIGEST_BYTES",
    "Digest",
    "DigestError",
    "Entry",
    "decode",
    "fold_words",
    "paper_key",
    "parse",
    "parse_bytes",
    "title_key",
]
