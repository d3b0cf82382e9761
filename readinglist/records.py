"""Plain records that cross layers: what services return and exporters format."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt


class ReadStatus(StrEnum):
    UNREAD = "unread"
    SKIMMED = "skimmed"
    READ = "read"

    def next(self) -> ReadStatus:
        """The status after this one in the unread -> skimmed -> read cycle (R in the GUI)."""
        order = list(ReadStatus)
        return order[(order.index(self) + 1) % len(order)]


class Triage(StrEnum):
    """Where a paper stands in triage: the Inbox holds NEW papers."""

    NEW = "new"
    KEPT = "kept"
    DISMISSED = "dismissed"


class ShelfKind(StrEnum):
    MANUAL = "manual"
    SMART = "smart"


@dataclass(frozen=True, slots=True)
class Sighting:
    """One appearance of a paper in an imported digest."""

    digest_id: int
    file_name: str
    date: dt.date | None
    date_label: str | None
    position: int
    upvotes: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.digest_id,
            "file_name": self.file_name,
            "date": self.date.isoformat() if self.date else None,
            "date_label": self.date_label,
            "position": self.position,
            "upvotes": self.upvotes,
        }


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """Everything about one paper, detached from the database session."""

    id: int
    title: str
    abstract: str
    starred: bool
    read_status: ReadStatus
    tags: tuple[str, ...]
    shelves: tuple[str, ...]
    published: dt.date | None
    year_inferred: bool
    upvotes: int | None
    authors_count: int | None
    organization: str | None
    links: tuple[str, ...]
    digests: tuple[Sighting, ...]
    note: str
    incomplete: bool
    triage: Triage
    trashed: bool
    added: dt.datetime
    updated: dt.datetime
    note_updated: dt.datetime | None = None
    # Who did what (shared libraries): the last editor of the paper and of its note, the
    # note's version (0: no note; see Library.set_note), and who put the paper on each shelf
    # (in the order of ``shelves``; None where it is not known).
    updated_by: str | None = None
    note_author: str | None = None
    note_version: int = 0
    shelf_added_by: tuple[str | None, ...] = ()
    # Who wrote it and where it lives, when a source said so (arXiv feeds, Hugging Face,
    # BibTeX...); and its pinned citation key. Filled in as the store learns to keep them.
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    citekey: str | None = None

    @property
    def seen_count(self) -> int:
        """In how many distinct digests the paper was seen."""
        return len({s.digest_id for s in self.digests})

    def to_json(self) -> dict[str, Any]:
        """The public ``--json`` shape: fields may be added, never renamed or dropped."""
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "starred": self.starred,
            "read_status": str(self.read_status),
            "tags": list(self.tags),
            "shelves": list(self.shelves),
            "published": self.published.isoformat() if self.published else None,
            "year_inferred": self.year_inferred,
            "upvotes": self.upvotes,
            "authors_count": self.authors_count,
            "organization": self.organization,
            "links": list(self.links),
            "digests": [s.to_json() for s in self.digests],
            "seen_count": self.seen_count,
            "note": self.note,
            "incomplete": self.incomplete,
            "triage": str(self.triage),
            "trashed": self.trashed,
            "added": self.added.isoformat(),
            "updated": self.updated.isoformat(),
            "updated_by": self.updated_by,
            "note_author": self.note_author,
            "note_version": self.note_version,
            "authors": list(self.authors),
            "arxiv_id": self.arxiv_id,
        }


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the search index holds for one paper; built from the database, never edited."""

    id: int
    title: str
    abstract: str
    tags: tuple[str, ...]
    note: str
    organization: str
    shelves: tuple[str, ...]
    starred: bool
    read_status: str
    triage: str
    trashed: bool
    published: dt.date | None
    upvotes: int
    seen_count: int
    added: dt.datetime


@dataclass(frozen=True, slots=True)
class TagInfo:
    id: int
    name: str
    color: str | None
    count: int


@dataclass(frozen=True, slots=True)
class ShelfInfo:
    id: int
    name: str
    position: int
    kind: ShelfKind
    query: str | None
    count: int
    changed_by: str | None = None  # who last changed the shelf, its papers or their order
    changed_at: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "position": self.position,
            "kind": str(self.kind),
            "query": self.query,
            "count": self.count,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
        }


@dataclass(frozen=True, slots=True)
class DigestInfo:
    id: int
    file_name: str
    date_label: str | None
    date: dt.date | None
    imported_at: dt.datetime
    entry_count: int
    paper_count: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file_name": self.file_name,
            "date_label": self.date_label,
            "date": self.date.isoformat() if self.date else None,
            "imported_at": self.imported_at.isoformat(),
            "entry_count": self.entry_count,
            "paper_count": self.paper_count,
        }


@dataclass(frozen=True, slots=True)
class LibrarySummary:
    location: str
    papers: int
    starred: int
    by_status: dict[str, int] = field(default_factory=dict)
    inbox: int = 0
    trashed: int = 0
    digests: int = 0
    tags: int = 0
    shelves: int = 0
    notes: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "papers": self.papers,
            "starred": self.starred,
            "by_status": dict(self.by_status),
            "inbox": self.inbox,
            "trashed": self.trashed,
            "digests": self.digests,
            "tags": self.tags,
            "shelves": self.shelves,
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result. ``*_html`` mark matched terms with <b>...</b>; all else is escaped."""

    id: int
    score: float
    title_html: str
    snippet_html: str
    snippet: str  # plain text; matched terms wrapped in ** (command line and --json)


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """The answer to a query: ranked hits plus what the user should be told about it."""

    query: str
    hits: tuple[Hit, ...]
    total: int  # all matches; past the limit on common words, an estimate (counting is costly)
    terms: tuple[str, ...]  # words the query matched on, for highlighting in other views
    suggestion: str | None = None  # "did you mean" (a corrected query), when useful
    message: str | None = None  # a problem with the query; hits are then a best-effort reading


@dataclass(frozen=True, slots=True)
class Similar:
    id: int
    score: float
    shared_terms: tuple[str, ...]
