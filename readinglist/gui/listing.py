"""Which papers a list view shows, in which order: resolved off the GUI thread.

A listing is the sidebar's scope narrowed by the search field's query and put in the
chosen order; the scope resolver (readinglist.core.scopes) decides which papers that is,
exactly as it does for the command line. Resolving only calls services, so it runs on a
worker thread while the user keeps typing; the result carries its request so that stale
answers can be dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from readinglist import querylang as ql
from readinglist.core import Resolver, Scope, Sort

if TYPE_CHECKING:
    from readinglist.library import Library
    from readinglist.records import PaperRecord, SearchOutcome

SEARCH_LIMIT = 500
"""At most this many search results are listed (the status bar says how many matched)."""


@dataclass(frozen=True, slots=True)
class ListingRequest:
    source: Scope  # the sidebar entry (a scope without a query)
    query: str = ""
    sort: Sort | None = None  # None: the source's own order (relevance while searching)

    @property
    def scope(self) -> Scope:
        return self.source.narrowed(self.query)


@dataclass(frozen=True, slots=True)
class Listing:
    request: ListingRequest
    ids: list[int]
    outcome: SearchOutcome | None = None  # set when the query was searched
    terms: tuple[str, ...] = field(default=())  # words to highlight
    # The first screenful, read on the worker too: the table then paints without a read of
    # its own on the GUI thread.
    records: dict[int, PaperRecord] = field(default_factory=dict)
    manual: bool = False  # the ids are a manual shelf's own order: drag reordering works

    @property
    def capped(self) -> bool:
        """True when more papers matched than the list shows (SEARCH_LIMIT)."""
        return self.outcome is not None and len(self.ids) >= SEARCH_LIMIT


def resolve(library: Library, request: ListingRequest, *, preload: int = 0) -> Listing:
    """The ids a view shows for ``request`` (services only; safe on a worker thread).

    ``preload`` records of the first rows come with it (see ``Listing.records``).
    """
    query = request.query.strip()
    found = Resolver(library).resolve(request.scope, sort=request.sort, search_limit=SEARCH_LIMIT)
    outcome = found.outcome
    terms: tuple[str, ...] = ()
    if query:
        terms = tuple(ql.positive_words(ql.parse(query).tree))
        if outcome is not None:
            outcome = replace(outcome, query=query)
    elif outcome is not None:
        outcome = None  # a smart shelf's own words: nothing the user typed
    listing = Listing(request, found.ids, outcome, terms, manual=found.manual)
    if preload:
        first = listing.ids[:preload]
        return replace(listing, records={r.id: r for r in library.papers(first)})
    return listing


__all__ = ["SEARCH_LIMIT", "Listing", "ListingRequest", "Sort", "resolve"]
