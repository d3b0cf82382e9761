"""Which kind of file this is, from its content alone (never from its name)."""

from __future__ import annotations

import re

from readinglist.exporters.bundle import looks_like as looks_like_bundle
from readinglist.formats.common import FormatError, decode

BUNDLE = "bundle"
DIGEST = "digest"
BIBTEX = "bibtex"
RIS = "ris"
CSL_JSON = "csl-json"
ARXIV_ATOM = "arxiv-atom"
ARXIV_RSS = "arxiv-rss"
HF_DAILY = "hf-daily"
HF_DAILY_PAGE = "hf-daily-page"
JSON = "json"  # JSON of no kind readinglist reads: formats.read says what it expected

KINDS = (
    BUNDLE,
    DIGEST,
    BIBTEX,
    RIS,
    CSL_JSON,
    ARXIV_ATOM,
    ARXIV_RSS,
    HF_DAILY,
    HF_DAILY_PAGE,
    JSON,
)

_HEAD = 1 << 20  # like Zotero, look for a BibTeX entry in the first megabyte
_BIBTEX = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS = re.compile(r"^TY  - ", re.MULTILINE)
_ATOM = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?feed[\s>]")
_RSS = re.compile(r"<(?:rss[\s>]|rdf:RDF[\s>])")
_HTML = re.compile(r"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
_HF_KEYS = re.compile(r'"(?:paper|dailyPapers)"\s*:')
_CSL_KEYS = re.compile(r'"(?:type|issued|author|title|id|URL|DOI|container-title)"\s*:')


def detect(data: bytes) -> str:
    """One of :data:`KINDS`; ``digest`` when nothing else fits (the digest parser then says
    what the file is, or why it is not a digest)."""
    if looks_like_bundle(data[:4096]):
        return BUNDLE
    try:
        text, _ = decode(data[:_HEAD] if len(data) > _HEAD else data)
    except FormatError:
        # Binary, empty, or cut inside a character: the digest reader names the reason.
        try:
            text = data[:_HEAD].decode("utf-8", "ignore")
        except ValueError:
            return DIGEST
        if not text.strip():
            return DIGEST
    head = text.lstrip(" \t\r\n")
    if head.startswith("<"):
        sample = head[:65536]
        if _ATOM.search(sample):
            return ARXIV_ATOM
        if _RSS.search(sample):
            return ARXIV_RSS
        if _HTML.search(sample):
            return HF_DAILY_PAGE
        return DIGEST  # other XML: the digest reader says "looks like HTML or XML"
    if head.startswith(("[", "{")):
        sample = head[:65536]
        if _HF_KEYS.search(sample):
            return HF_DAILY
        if _CSL_KEYS.search(sample):
            return CSL_JSON
        return JSON
    if _RIS.search(head[:65536]):
        return RIS
    if _BIBTEX.search(head):
        return BIBTEX
    return DIGEST
