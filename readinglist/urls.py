"""The one URL rule: which links text holds, and which links are safe to open.

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
from urllib.parse import urlsplit

from linkify_it import LinkifyIt

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


__all__ = ["LINKIFY", "WEB_SCHEMES", "FoundUrl", "find_urls", "urls_in", "web_url"]
