"""arXiv feeds saved to a file: API results (Atom) and the daily RSS feeds, via feedparser.

feedparser maps Atom, RSS 2.0 and RSS 1.0 (arXiv's feeds before 2024) to one shape and
cleans the HTML in descriptions. The XML is first parsed by defusedxml, which refuses entity
declarations (a "billion laughs" file) and external references before anything expands them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from collections import Counter
from html import unescape
from typing import Any
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from readinglist.formats.common import (
    ARXIV_ABS,
    MAX_FILE_BYTES,
    FormatError,
    arxiv_id,
    capped,
    clean,
    date_label,
    fingerprint,
    first_arxiv_id,
    web_links,
)
from readinglist.incoming import SourceFile, SourcePaper
from readinglist.urls import urls_in

_TAGS = re.compile(r"<[^>]*>")
# arXiv's RSS descriptions since 2024: "arXiv:2403.01234v1 Announce Type: new \nAbstract: ..."
_RSS_PREAMBLE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*Abstract:\s*", re.IGNORECASE)


def read(data: bytes, kind: str) -> SourceFile:
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"file too large ({len(data) / 1e6:.0f} MB)")
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FormatError(
            "the feed declares XML entities (a way to make a small file expand without end): "
            "refused; save the feed again from its web address"
        ) from None
    except ParseError as err:
        raise FormatError(f"not well-formed XML ({err})") from None
    feed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    warnings: list[str] = []
    papers: list[SourcePaper] = []
    for number, entry in enumerate(feed.entries, 1):
        paper = _paper(entry, number - 1)
        if paper is None:
            warnings.append(f"entry {number}: skipped, it has no title")
            continue
        papers.append(paper)
    if not papers:
        raise FormatError("a feed without papers (no entry with a title)")
    date = _feed_date(feed, papers)
    return SourceFile(
        format=kind,
        papers=tuple(papers),
        fingerprint=fingerprint(data.decode("utf-8", "replace")),
        listing=True,
        date_label=date_label(date),
        date=date,
        warnings=capped(warnings),
    )


def _date(parsed: Any) -> dt.date | None:
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date()
    except (OverflowError, ValueError, TypeError):
        return None


def _text(value: object, detail: object = None) -> str:
    """Plain text of a feed field: HTML (descriptions) loses its tags and entities."""
    if not isinstance(value, str):
        return ""
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    if "html" in kind:
        value = unescape(_TAGS.sub(" ", value))
    return clean(value)


def _authors(entry: Any) -> tuple[str, ...]:
    names = [
        clean(unescape(_TAGS.sub(" ", a.get("name") or "")))
        for a in entry.get("authors") or []
        if isinstance(a, dict)
    ]
    if len(names) == 1 and "," in names[0]:
        # RSS dc:creator holds every author in one text: "Ada Lovelace, Alan Turing".
        names = re.split(r",\s*(?:and\s+)?|\s+and\s+", names[0])
    return tuple(n for n in (clean(n) for n in names) if n)


def _paper(entry: Any, position: int) -> SourcePaper | None:
    title = _text(entry.get("title"), entry.get("title_detail"))
    if not title:
        return None
    # arXiv's RSS 1.0 titles end with ". (arXiv:2403.01234v1 [cs.LG])".
    title = re.sub(r"\.?\s*\(arXiv:[^)]*\)\s*$", "", title) or title
    links = [entry.get("link"), *(link.get("href") for link in entry.get("links") or [])]
    found = first_arxiv_id([entry.get("id"), *links, entry.get("summary")])
    abstract = _RSS_PREAMBLE.sub("", _text(entry.get("summary"), entry.get("summary_detail")))
    own = [ARXIV_ABS + found] if found else []
    # The paper's own page first; its other arXiv addresses (versions, PDF) add nothing.
    links = [link for link in links if not (found and arxiv_id(link) == found)]
    return SourcePaper(
        title=title,
        abstract=abstract,
        position=position,
        authors=_authors(entry),
        published=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
        links=web_links([*own, *links, *urls_in(abstract)]),
        arxiv_id=found,
    )


def _feed_date(feed: Any, papers: list[SourcePaper]) -> dt.date | None:
    """The feed's own date, else the most common date of its papers."""
    own = _date(feed.feed.get("updated_parsed") or feed.feed.get("published_parsed"))
    if own:
        return own
    days = Counter(p.published for p in papers if p.published)
    return days.most_common(1)[0][0] if days else None
