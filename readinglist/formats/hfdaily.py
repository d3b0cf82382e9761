"""Hugging Face daily papers: the JSON list, and a saved copy of the web page.

The JSON is a list of objects whose ``paper`` holds ``id`` (the arXiv id), ``title``,
``summary``, ``authors`` (each with a ``name``) and ``upvotes``, beside a ``publishedAt``
date (the day of the listing). The saved page carries the same list as JSON in the
``data-props`` attribute of the element whose ``data-target`` is ``DailyPapers``.
"""

from __future__ import annotations

import json
from collections import Counter
from html.parser import HTMLParser
from typing import Any

from readinglist.formats.common import (
    ARXIV_ABS,
    FormatError,
    arxiv_id,
    capped,
    clean,
    date_label,
    iso_date,
    web_links,
)
from readinglist.incoming import SourceFile, SourcePaper
from readinglist.urls import urls_in

PAGE_TARGET = "DailyPapers"


def read_list(doc: Any, text_fingerprint: str, warnings: list[str], fmt: str) -> SourceFile:
    items = _items(doc)
    if items is None:
        raise FormatError(
            "JSON, but not Hugging Face daily papers: expected a list of objects with a "
            '"paper" (or an object holding such a list under "dailyPapers")'
        )
    papers: list[SourcePaper] = []
    days: Counter[Any] = Counter()
    for number, item in enumerate(items, 1):
        paper = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            warnings.append(f'entry {number}: skipped, it has no "paper" object')
            continue
        title = clean(_str(paper.get("title")) or _str(item.get("title")))
        if not title:
            warnings.append(f"entry {number}: skipped, its paper has no title")
            continue
        found = arxiv_id(_str(paper.get("id")))
        if paper.get("id") and not found:
            warnings.append(f"entry {number}: {_str(paper.get('id'))[:40]!r} is not an arXiv id")
        days[iso_date(item.get("publishedAt"))] += 1
        upvotes = paper.get("upvotes")
        abstract = clean(_str(paper.get("summary")) or _str(item.get("summary")))
        papers.append(
            SourcePaper(
                title=title,
                abstract=abstract,
                position=number - 1,
                authors=tuple(
                    n
                    for a in paper.get("authors") or []
                    if isinstance(a, dict) and (n := clean(_str(a.get("name"))))
                ),
                published=iso_date(paper.get("publishedAt")),
                upvotes=upvotes if isinstance(upvotes, int) and upvotes >= 0 else None,
                links=web_links(
                    [
                        ARXIV_ABS + found if found else None,
                        _str(paper.get("githubRepo")),
                        _str(paper.get("projectPage")),
                        *urls_in(abstract),
                    ]
                ),
                arxiv_id=found,
            )
        )
    if not papers:
        raise FormatError("Hugging Face daily papers without a paper that has a title")
    days.pop(None, None)
    date = days.most_common(1)[0][0] if days else None
    if isinstance(doc, dict) and not date:
        date = iso_date(doc.get("date"))
    return SourceFile(
        format=fmt,
        papers=tuple(papers),
        fingerprint=text_fingerprint,
        listing=True,
        date_label=date_label(date),
        date=date,
        warnings=capped(warnings),
    )


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _items(doc: Any) -> list[Any] | None:
    if isinstance(doc, dict):
        doc = doc.get("dailyPapers", doc.get("papers"))
    if isinstance(doc, list) and (
        not doc or any(isinstance(i, dict) and "paper" in i for i in doc)
    ):
        return doc
    return None


class _Props(HTMLParser):
    """Finds the data-props of the first element whose data-target is DailyPapers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.props: str | None = None
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found:
            return
        values = dict(attrs)
        if values.get("data-target") == PAGE_TARGET:
            self.found = True
            self.props = values.get("data-props")


def page_props(html: str) -> Any:
    """The JSON in the page's DailyPapers element; FormatError saying what is missing."""
    parser = _Props()
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise FormatError(
            "a web page, but not a saved Hugging Face daily papers page: no element with "
            f'data-target="{PAGE_TARGET}" (the page may have changed; import the daily '
            "papers JSON instead)"
        )
    try:
        return json.loads(parser.props or "")
    except (ValueError, RecursionError):
        raise FormatError(
            f'the page\'s "{PAGE_TARGET}" element holds no readable list of papers in its '
            "data-props (the page may have changed)"
        ) from None
