"""Digest files: decoding, parsing and the title keys that identify papers across digests."""

from __future__ import annotations

from readinglist.digest.decoding import (
    MAX_DIGEST_BYTES,
    Decoded,
    DigestError,
    decode,
    decode_with_warnings,
)
from readinglist.digest.normalize import fold_words, paper_key, title_key
from readinglist.digest.parser import Digest, Entry, parse, parse_bytes

__all__ = [
    "MAX_DIGEST_BYTES",
    "Decoded",
    "Digest",
    "DigestError",
    "Entry",
    "decode",
    "decode_with_warnings",
    "fold_words",
    "paper_key",
    "parse",
    "parse_bytes",
    "title_key",
]
