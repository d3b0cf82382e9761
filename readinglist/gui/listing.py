"""Which papers a list view shows, in which order: resolved off the GUI thread.

A listing is the sidebar source, narrowed by the search field's query and put in the
chosen order. Resolving one only calls services, so it runs on a worker thread while the
user keeps typing; the result carries its request so that stale answers can be dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from readinglist import querylang as ql
from readinglist.gui.sources import RECENT_DAYS, SourceKind
from readinglist.library import PaperFilter
from readinglist.records import ShelfKind
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from readinglist.gui.sources import Source
    from readinglist.library import Library
    from readinglist.records import PaperRecord, SearchOutcome

SEARCH_LIMIT = 500
"""At most this many search results are listed (the status bar says how many matched)."""


@dataclass(frozen=True, slots=True)
class Sort:
    """A column order chosen by the user; ``key`` is one of ``Library.SORT_KEYS``."""

    key: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class ListingRequest:
    source: Source
    query: str = ""
    sort: Sort | None = None  # None: the source's own order (relevance while searching)


@dataclass(frozen=True, slots=True)
class Listing:
    request: ListingRequest
    ids: list[int]
    outcome: SearchOutcome | None = None  # set when the query was searched
    terms: tuple[str, ...] = field(default=())  # words to highlight
    # The first screenful, read on the worker too: the table then paints without a read of
    # its own on the GUI thread.
    records: dict[int, PaperRecord] = field(default_factory=dict)

    @property
    def capped(self) -> bool:
        """True when more papers matched than the list shows (SEARCH_LIMIT)."""
        return self.outcome is not None and len(self.ids) >= SEARCH_LIMIT


def resolve(library: Library, request: ListingRequest, *, preload: int = 0) -> Listing:
    """The ids a view shows for ``request`` (services only; safe on a worker thread).

    ``preload`` records of the first rows come with it (see ``Listing.records``).
    """
    listing = _resolve(library, request)
    if preload:
        first = listing.ids[:preload]
        return replace(listing, records={r.id: r for r in library.papers(first)})
    return listing


def _resolve(library: Library, request: ListingRequest) -> Listing:
    source = request.source
    flt = source.paper_filter()
    query = request.query.strip()
    smart: str | None = None
    if source.kind == SourceKind.SHELF:
        info = Shelves(library).get(str(source.key))
        if info.kind == ShelfKind.SMART:
            smart = info.query or ""
            flt = PaperFilter()
    if not query and smart is None:
        if request.sort is None:
            return Listing(request, library.paper_ids(flt))
        return Listing(request, _sorted(library, flt, request.sort, None))

    # The source becomes part of the query, so that the best matches are those *within*
    # the source (a cap on the whole library's matches could miss a small tag's papers).
    prefix = f"({smart}) " if smart is not None else _source_clause(source)
    text = (f"{prefix}({query})" if prefix else query) if query else prefix.strip()
    found = library.search(
        text, limit=SEARCH_LIMIT, snippets=False, include_trashed=source.kind == SourceKind.TRASH
    )
    ids = [h.id for h in found.hits]
    # The database has the last word (dismissed papers, digests: not in the index).
    allowed = set(library.sorted_paper_ids(flt, key="added", within=ids))
    ids = [i for i in ids if i in allowed]
    if request.sort is not None:
        ids = _sorted(library, flt, request.sort, ids)
    outcome = _as_typed(found, query, prefix) if query else None
    terms = tuple(ql.positive_words(ql.parse(query).tree)) if query else ()
    return Listing(request, ids, outcome, terms)


def _source_clause(source: Source) -> str:
    """The source in the query language, with a trailing space ("" when it has none)."""
    key = str(source.key)
    quoted = f'"{key}"' if '"' not in key else None
    clause = {
        SourceKind.INBOX: "is:new",
        SourceKind.STARRED: "is:starred",
        SourceKind.STATUS: f"is:{key}",
        SourceKind.RECENT: f"added:{RECENT_DAYS}d",
        SourceKind.TRASH: "is:trashed",
        SourceKind.TAG: f"tag:{quoted}" if quoted else "",
        SourceKind.SHELF: f"shelf:{quoted}" if quoted else "",
    }.get(source.kind, "")
    return clause + " " if clause else ""


def _as_typed(found: SearchOutcome, query: str, prefix: str) -> SearchOutcome:
    """The outcome as if the user's words alone were searched ("did you mean" without the
    source's clause)."""
    suggestion = found.suggestion
    if suggestion and prefix:
        head = f"{prefix}("
        if suggestion.startswith(head) and suggestion.endswith(")"):
            suggestion = suggestion[len(head) : -1]
        else:
            suggestion = None
    return replace(found, query=query, suggestion=suggestion)


def _sorted(library: Library, flt: PaperFilter, sort: Sort, within: list[int] | None) -> list[int]:
    return library.sorted_paper_ids(flt, key=sort.key, descending=sort.descending, within=within)
