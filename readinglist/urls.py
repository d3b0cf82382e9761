"""The one URL rule: which links text holds, which are safe to open, and where a paper lives.

Import (digest abstracts), display (the detail pane) and export (HTML, Markdown) all find
links with :func:`find_urls`, so one abstract gives the same URLs everywhere. Finding them is
linkify-it's job (the library markdown-it uses): it knows where a URL ends (balanced
brackets, trailing punctuation, quotes), which a hand-written pattern gets wrong. Only
absolute http and https URLs count; ``www.x.org`` without a scheme, e-mail addresses,
``ftp:`` and ``//x`` are left as text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote_plus, urlsplit

from linkify_it import LinkifyIt

if TYPE_CHECKING:
    from collections.abc import Sequence

WEB_SCHEMES = frozenset({"http", "https"})
_SENTENCE_PUNCTUATION = ".,;:!?"


def _linkify() -> LinkifyIt:
    # A schema mapped to None is switched off; fuzzy links would turn "x.org" into a link.
    return LinkifyIt(
        schemas={"ftp:": None, "//": None, "mailto:": None},
        options={"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False},
    )


LINKIFY = _linkify()
"""The configured matcher; markdown-it renderers use it too (``md.linkify = LINKIFY``)."""


@dataclass(frozen=True, slots=True)
class FoundUrl:
    """A URL in a text: ``text[start:end] == url``."""

    start: int
    end: int
    url: str


def web_url(link: str) -> str | None:
    """The link if it is an absolute http(s) URL without spaces or control characters."""
    link = link.strip()
    if not link or any(c.isspace() or unicodedata.category(c) == "Cc" for c in link):
        return None
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        return None
    return link


def find_urls(text: str) -> list[FoundUrl]:
    """Every http(s) URL in ``text``, in order, with where it stands."""
    if "://" not in text:  # the cheap test: most lines hold no link at all
        return []
    found = []
    for match in LINKIFY.match(text) or []:
        # linkify-it keeps a full stop that stands before a closing bracket ("(see x.org/a.)");
        # no URL in prose ends with sentence punctuation, so it goes back to the sentence.
        raw = match.raw.rstrip(_SENTENCE_PUNCTUATION)
        url = web_url(raw)
        end = match.index + len(raw)
        if url is not None and raw == text[match.index : end]:
            found.append(FoundUrl(match.index, end, url))
    return found


def urls_in(text: str) -> tuple[str, ...]:
    """The distinct http(s) URLs of ``text``, in order of first appearance."""
    return tuple(dict.fromkeys(f.url for f in find_urls(text)))


# -- where a paper lives ----------------------------------------------------------------------

ARXIV_ABS = "https://arxiv.org/abs/"


def arxiv_page(arxiv_id: str) -> str:
    """The paper's abstract page on arXiv (an id without version: the latest version)."""
    return ARXIV_ABS + arxiv_id


@dataclass(frozen=True, slots=True)
class SearchSite:
    """A scholarly search engine that finds a paper by its title."""

    key: str  # as settings store it
    label: str  # as menus show it
    query_url: str  # the title, quoted, goes after it


SEARCH_SITES = (
    SearchSite("scholar", "Google Scholar", "https://scholar.google.com/scholar?q="),
    SearchSite("semantic", "Semantic Scholar", "https://www.semanticscholar.org/search?q="),
    SearchSite("arxiv", "arXiv search", "https://arxiv.org/search/?searchtype=all&query="),
)
DEFAULT_SEARCH_SITE = SEARCH_SITES[0].key


def search_site(key: str | None) -> SearchSite:
    """The site with this key; the default (Google Scholar) for anything else."""
    return next((s for s in SEARCH_SITES if s.key == key), SEARCH_SITES[0])


def paper_page(
    title: str, links: Sequence[str], arxiv_id: str | None, site: str | None = None
) -> str:
    """Where **O** takes a reader: the arXiv page when the id is known, else the paper's
    first web link, else a search for its exact title on ``site``."""
    if arxiv_id:
        return arxiv_page(arxiv_id)
    for link in links:
        url = web_url(link)
        if url is not None:
            return url
    phrase = '"' + " ".join(title.replace('"', " ").split()) + '"'
    return search_site(site).query_url + quote_plus(phrase)


__all__ = [
    "ARXIV_ABS",
    "DEFAULT_SEARCH_SITE",
    "LINKIFY",
    "SEARCH_SITES",
    "WEB_SCHEMES",
    "FoundUrl",
    "SearchSite",
    "arxiv_page",
    "find_urls",
    "paper_page",
    "search_site",
    "urls_in",
    "web_url",
]
