"""Which papers a view, a command or an export is about: one value type, one resolver.

A :class:`Scope` names a sidebar entry, a ``list`` filter, a shelf or an export (all
papers, the Inbox, starred, a read status, recently imported, the Trash, dismissed papers,
a shelf, a tag, a digest, a selection) plus an optional query. :class:`Resolver` turns it
into ids, counts and order for every face, so the sidebar's count, the window's list,
``readinglist list``, ``shelf list``, ``shelf show``, ``export`` and ``stats`` always agree.

A scope is resolved as one query tree: the view's own condition conjoined with the parsed
query (never spliced as text). The database answers trees made only of conditions it
holds (flags, tags, shelves, dates, counts, digests); trees with words go to the search
index, and conditions the index does not hold (a digest, a selection) filter its answer.

**The rules for dismissed and trashed papers**, the same everywhere:

* Papers in the Trash are left out unless the scope is the Trash or its query says
  ``is:trashed``.
* Dismissed papers ("not interested" in triage) are left out of every list unless the list
  is about them: the Dismissed view, the whole library (exports and bundles), a digest (it
  shows everything it held), a manual shelf (you put them there), a selection, the Trash,
  or a query that mentions ``is:dismissed``. So *All papers*, the Inbox, Starred, the read
  statuses, Recently imported, tags, smart shelves and searches leave them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, exists, false, func, not_, or_, select, true

from readinglist import querylang as ql
from readinglist.digest import title_key
from readinglist.errors import LibraryError, PaperNotFound, ShelfNotFound
from readinglist.records import ReadStatus, ShelfKind, Triage
from readinglist.store.models import Digest, Paper, PaperTag, Shelf, ShelfItem, Sighting, Tag

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy import ColumnElement, Select
    from sqlalchemy.orm import Session

    from readinglist.core.handle import LibraryHandle
    from readinglist.records import SearchOutcome

RECENT_DAYS = 7
"""How far back "Recently imported" reaches by default."""
SORT_KEYS = ("starred", "title", "status", "published", "upvotes", "seen", "tags", "added")
"""What a list can be sorted by (the table's columns, ``list --sort``)."""
_CHUNK = 500


class View(StrEnum):
    ALL = "all"
    LIBRARY = "library"  # every paper outside the Trash, dismissed ones included
    INBOX = "inbox"
    STARRED = "starred"
    STATUS = "status"
    RECENT = "recent"
    TRASH = "trash"
    DISMISSED = "dismissed"
    SHELF = "shelf"
    TAG = "tag"
    DIGEST = "digest"
    PAPERS = "papers"  # a selection, in its own order


_SHOWS_DISMISSED = frozenset(
    {View.LIBRARY, View.TRASH, View.DISMISSED, View.DIGEST, View.PAPERS}
)  # and manual shelves (decided with the shelf's kind)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a view, command or export is about; ``key`` is the status, days, shelf or tag
    name, or digest id; ``ids`` the papers of a selection; ``query`` narrows any of them."""

    view: View = View.ALL
    key: str | int | None = None
    query: str = ""
    ids: tuple[int, ...] = ()
    where: ql.Node | None = None  # a further condition, as a tree (from code, never typed)

    # -- the scopes, by name ---------------------------------------------------------------

    @classmethod
    def all(cls) -> Scope:
        return cls(View.ALL)

    @classmethod
    def library(cls) -> Scope:
        """Everything outside the Trash, dismissed papers included (whole-library exports)."""
        return cls(View.LIBRARY)

    @classmethod
    def inbox(cls) -> Scope:
        return cls(View.INBOX)

    @classmethod
    def starred(cls) -> Scope:
        return cls(View.STARRED)

    @classmethod
    def status(cls, status: ReadStatus | str) -> Scope:
        return cls(View.STATUS, ReadStatus(status).value)

    @classmethod
    def recent(cls, days: int | None = None) -> Scope:
        """Imported in the last ``days`` days (None: RECENT_DAYS)."""
        return cls(View.RECENT, days)

    @classmethod
    def trash(cls) -> Scope:
        return cls(View.TRASH)

    @classmethod
    def dismissed(cls) -> Scope:
        return cls(View.DISMISSED)

    @classmethod
    def shelf(cls, name: str) -> Scope:
        return cls(View.SHELF, name)

    @classmethod
    def tag(cls, name: str) -> Scope:
        return cls(View.TAG, name)

    @classmethod
    def digest(cls, digest_id: int) -> Scope:
        return cls(View.DIGEST, int(digest_id))

    @classmethod
    def papers(cls, ids: Iterable[int]) -> Scope:
        return cls(View.PAPERS, ids=tuple(dict.fromkeys(ids)))

    @classmethod
    def search(cls, query: str) -> Scope:
        """A query over all papers (``search``, ``export --query``)."""
        return cls(View.ALL, query=query.strip())

    def narrowed(self, query: str) -> Scope:
        """The same view, narrowed by ``query`` (replacing any earlier one)."""
        return replace(self, query=query.strip())

    def with_trash(self) -> Scope:
        """The same scope, papers in the Trash included."""
        return self.matching(ql.Or((ql.Flag("trashed"), ql.Not(ql.Flag("trashed")))))

    def matching(self, condition: ql.Node) -> Scope:
        """The same scope, narrowed by a condition built in code (``tag`` named exactly)."""
        where = condition if self.where is None else ql.conjoin(self.where, condition)
        return replace(self, where=where)

    @property
    def base(self) -> Scope:
        """The view without its query (what the sidebar entry is)."""
        return replace(self, query="")

    # -- words for people and settings -----------------------------------------------------

    def describe(self) -> str:
        """For people: what the scope holds ("shelf “To read”", "the whole library")."""
        what = {
            View.ALL: "all papers",
            View.LIBRARY: "the whole library",
            View.INBOX: "the Inbox",
            View.STARRED: "starred papers",
            View.STATUS: f"{self.key} papers",
            View.RECENT: f"papers imported in the last {self.key or RECENT_DAYS} days",
            View.TRASH: "the Trash",
            View.DISMISSED: "dismissed papers",
            View.SHELF: f"shelf “{self.key}”",
            View.TAG: f"tag “{self.key}”",
            View.DIGEST: f"digest {self.key}",
            View.PAPERS: f"{len(self.ids)} selected paper{'' if len(self.ids) == 1 else 's'}",
        }[self.view]
        if self.query:
            return f"search “{self.query}”" if self.view is View.ALL else f"{what}, “{self.query}”"
        return what

    def to_setting(self) -> str:
        """A string to remember the view by (the window's last view, per-view sorts)."""
        return f"{self.view}:{'' if self.key is None else self.key}"

    @classmethod
    def from_setting(cls, text: str) -> Scope | None:
        view, _, key = text.partition(":")
        try:
            v = View(view)
        except ValueError:
            return None
        if v is View.DIGEST:
            return cls(v, int(key)) if key.isdigit() else None
        if v is View.RECENT:
            return cls(v, int(key) if key.isdigit() else None)
        if v is View.PAPERS:
            return None
        return cls(v, key or None)


@dataclass(frozen=True, slots=True)
class Sort:
    """A column order chosen by the user; ``key`` is one of SORT_KEYS."""

    key: str
    descending: bool = False

    def __post_init__(self) -> None:
        if self.key not in SORT_KEYS:
            raise LibraryError(f"cannot sort by {self.key!r} (one of: {', '.join(SORT_KEYS)})")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A scope's papers in order; ``outcome`` is set when words were searched (hits, total,
    "did you mean"); ``manual`` when the order is a manual shelf's own (reorderable)."""

    scope: Scope
    ids: list[int]
    outcome: SearchOutcome | None = None
    manual: bool = False


@dataclass(frozen=True, slots=True)
class _Plan:
    """A scope as a tree, with what the view decides beyond it."""

    tree: ql.Node
    typed: ql.ParsedQuery | None  # what the user typed, for "did you mean"
    trashed: bool  # the tree asks for the Trash
    order: str  # default order: "added", "id", "shelf", "digest", "given"
    shelf_id: int | None = None
    digest_id: int | None = None


class Resolver:
    """Resolves scopes for one library: the one place that decides which papers a scope means."""

    def __init__(self, handle: LibraryHandle) -> None:
        self.handle = handle

    # -- the answer --------------------------------------------------------------------------

    def resolve(
        self,
        scope: Scope,
        *,
        sort: Sort | None = None,
        search_limit: int | None = None,
        snippets: bool = False,
    ) -> Resolved:
        """The scope's papers: in ``sort`` order when given; otherwise by relevance when
        words were searched, else the view's own order (a shelf's, a digest's, newest first).

        ``search_limit`` caps how many the index ranks when words are searched (the window
        lists the best 500); lists without words are always complete.
        """
        plan = self._plan(scope)
        if _is_sql(plan.tree):
            ids = self._sql_ids(plan, sort)
            return Resolved(scope, ids, None, plan.order == "shelf" and sort is None)
        ids, outcome = self._search(plan, search_limit, snippets)
        if sort is not None:
            ids = self._sorted_within(ids, sort)
        return Resolved(scope, ids, outcome)

    def count(self, scope: Scope) -> int:
        plan = self._plan(scope)
        if _is_sql(plan.tree) and plan.order != "given":
            stmt = select(func.count(Paper.id)).where(self._where(plan))
            with self.handle.read() as session:
                return int(session.scalar(stmt) or 0)
        return len(self._search(plan, None, False)[0])

    def check(self, scope: Scope) -> None:
        """Raise LibraryError when the scope names something that does not exist: an unknown
        shelf, tag, digest or paper (commands and exports say so instead of listing nothing)."""
        with self.handle.read() as session:
            if scope.view is View.SHELF:
                _shelf_row(session, str(scope.key))
            elif scope.view is View.TAG:
                if (
                    session.scalar(select(Tag.id).where(Tag.name_key == title_key(str(scope.key))))
                    is None
                ):
                    raise LibraryError(f"no tag named {scope.key!r}")
            elif scope.view is View.DIGEST:
                if session.get(Digest, int(scope.key or 0)) is None:
                    raise LibraryError(f"no digest with id {scope.key}")
            elif scope.view is View.PAPERS:
                found: set[int] = set()
                for start in range(0, len(scope.ids), _CHUNK):
                    chunk = scope.ids[start : start + _CHUNK]
                    found.update(session.scalars(select(Paper.id).where(Paper.id.in_(chunk))))
                missing = [i for i in scope.ids if i not in found]
                if missing:
                    raise PaperNotFound(missing[0])

    # -- counts for many scopes at once (the sidebar, shelf and tag lists) ---------------------

    def tag_counts(self) -> dict[int, int]:
        """Papers per tag id, as each tag's view counts them."""
        rule = _visible(shows_dismissed=False)
        stmt = (
            select(PaperTag.tag_id, func.count(PaperTag.paper_id))
            .join(Paper, Paper.id == PaperTag.paper_id)
            .where(*rule)
            .group_by(PaperTag.tag_id)
        )
        with self.handle.read() as session:
            return {int(t): int(n) for t, n in session.execute(stmt)}

    def digest_counts(self) -> dict[int, int]:
        """Papers per digest id, as each digest's view counts them."""
        rule = _visible(shows_dismissed=True)
        stmt = (
            select(Sighting.digest_id, func.count(func.distinct(Sighting.paper_id)))
            .join(Paper, Paper.id == Sighting.paper_id)
            .where(*rule)
            .group_by(Sighting.digest_id)
        )
        with self.handle.read() as session:
            return {int(d): int(n) for d, n in session.execute(stmt)}

    def shelf_counts(self, *, search: bool = True) -> dict[int, int]:
        """Papers per shelf id, as each shelf's view counts them. A smart shelf whose query
        needs the search index is counted only with ``search`` (it opens the index)."""
        rule = _visible(shows_dismissed=True)
        stmt = (
            select(ShelfItem.shelf_id, func.count(ShelfItem.paper_id))
            .join(Paper, Paper.id == ShelfItem.paper_id)
            .where(*rule)
            .group_by(ShelfItem.shelf_id)
        )
        with self.handle.read() as session:
            on_shelves = {int(s): int(n) for s, n in session.execute(stmt)}
            shelves = list(session.execute(select(Shelf.id, Shelf.name, Shelf.kind, Shelf.query)))
        counts = {i: on_shelves.get(i, 0) for i, _n, kind, _q in shelves if kind != "smart"}
        smart = [(i, name, query) for i, name, kind, query in shelves if kind == "smart"]
        for shelf_id, name, query in smart:
            tree = ql.parse(query or "").tree
            if search or _is_sql(tree):  # (else: not known until the index is in use)
                counts[shelf_id] = self.count(Scope.shelf(name))
        return counts

    # -- planning ----------------------------------------------------------------------------

    def _plan(self, scope: Scope) -> _Plan:
        typed = ql.parse(scope.query) if scope.query else None
        shelf = self._shelf(scope) if scope.view is View.SHELF else None
        view, order, shows_dismissed = self._view(scope, shelf)
        shelf_id = shelf.id if shelf is not None else None
        digest_id = int(scope.key or 0) if scope.view is View.DIGEST else None
        tree = ql.conjoin(view, typed.tree) if typed is not None else view
        if scope.where is not None:
            tree = ql.conjoin(tree, scope.where)
        if not shows_dismissed and not ql.mentions_flag(tree, "dismissed"):
            tree = ql.conjoin(tree, ql.Not(ql.Flag(Triage.DISMISSED.value)))
        trashed = scope.view is View.PAPERS or ql.mentions_flag(tree, "trashed")
        return _Plan(tree, typed, trashed, order, shelf_id, digest_id)

    def _view(self, scope: Scope, shelf: Shelf | None) -> tuple[ql.Node, str, bool]:
        """The view's own condition, default order, and whether it shows dismissed papers."""
        shows = scope.view in _SHOWS_DISMISSED
        match scope.view:
            case View.ALL:
                return ql.Everything(), "added", shows
            case View.LIBRARY:
                return ql.Everything(), "id", shows
            case View.INBOX:
                return ql.Flag(Triage.NEW.value), "added", shows
            case View.STARRED:
                return ql.Flag("starred"), "added", shows
            case View.STATUS:
                return ql.Flag(ReadStatus(str(scope.key)).value), "added", shows
            case View.RECENT:
                days = int(scope.key) if scope.key is not None else RECENT_DAYS
                return ql.Recent("added", max(days, 1)), "added", shows
            case View.TRASH:
                return ql.Flag("trashed"), "added", shows
            case View.DISMISSED:
                return ql.Flag(Triage.DISMISSED.value), "added", shows
            case View.TAG:
                return ql.Phrase(str(scope.key), "tag"), "added", shows
            case View.DIGEST:
                return ql.InDigest(int(scope.key or 0)), "digest", shows
            case View.PAPERS:
                return ql.Ids(scope.ids), "given", shows
            case View.SHELF:
                assert shelf is not None
                if shelf.kind == ShelfKind.SMART.value:
                    return ql.parse(shelf.query or "").tree, "added", False
                return ql.Phrase(shelf.name, "shelf"), "shelf", True
        raise AssertionError(scope.view)  # pragma: no cover - every view is matched above

    def _shelf(self, scope: Scope) -> Shelf:
        with self.handle.read() as session:
            shelf = _shelf_row(session, str(scope.key))
            session.expunge(shelf)
            return shelf

    # -- the database's answer ---------------------------------------------------------------

    def _where(self, plan: _Plan) -> ColumnElement[bool]:
        return and_(_sql(plan.tree, _now()), *_visible(trashed=plan.trashed))

    def _sql_ids(self, plan: _Plan, sort: Sort | None) -> list[int]:
        searched, filters = _split(plan.tree)
        if plan.order == "given":  # a selection: its own order, checked a chunk at a time
            given = _given(plan.tree)
            allowed = self._allowed(plan, given, [searched, *filters])
            ids = [i for i in given if i in allowed]
            return self._sorted_within(ids, sort) if sort is not None else ids
        stmt: Select[Any] = select(Paper.id).where(self._where(plan))
        if sort is not None:
            column = _sort_column(sort.key)
            ordered = column.desc() if sort.descending else column.asc()
            stmt = stmt.order_by(ordered.nulls_last(), Paper.added_at.desc(), Paper.id.desc())
        elif plan.order == "shelf" and plan.shelf_id is not None:
            stmt = stmt.join(
                ShelfItem, and_(ShelfItem.paper_id == Paper.id, ShelfItem.shelf_id == plan.shelf_id)
            ).order_by(ShelfItem.position)
        elif plan.order == "digest" and plan.digest_id is not None:
            first = (
                select(func.min(Sighting.position))
                .where(Sighting.paper_id == Paper.id, Sighting.digest_id == plan.digest_id)
                .scalar_subquery()
            )
            stmt = stmt.order_by(first, Paper.id)
        elif plan.order == "id":
            stmt = stmt.order_by(Paper.id)
        else:
            stmt = stmt.order_by(Paper.added_at.desc(), Paper.id.desc())
        with self.handle.read() as session:
            return list(session.scalars(stmt))

    def _allowed(self, plan: _Plan, ids: Sequence[int], filters: list[ql.Node]) -> set[int]:
        """Which of ``ids`` pass ``filters`` (conditions the database holds) and the rules."""
        for f in filters:
            if isinstance(f, ql.Ids):  # a selection: compared here, not as a huge IN (...)
                chosen = set(f.ids)
                ids = [i for i in ids if i in chosen]
        rest = [f for f in filters if not isinstance(f, ql.Ids)]
        cond = and_(true(), *(_sql(f, _now()) for f in rest), *_visible(trashed=plan.trashed))
        out: set[int] = set()
        with self.handle.read() as session:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                out.update(session.scalars(select(Paper.id).where(Paper.id.in_(chunk), cond)))
        return out

    def _sorted_within(self, ids: list[int], sort: Sort) -> list[int]:
        """Search results in a column's order (missing values last, ties newest first)."""
        column = _sort_column(sort.key)
        rows: list[tuple[int, Any, dt.datetime]] = []
        with self.handle.read() as session:
            for start in range(0, len(ids), _CHUNK):
                query = select(Paper.id, column, Paper.added_at).where(
                    Paper.id.in_(ids[start : start + _CHUNK])
                )
                rows.extend((r[0], r[1], r[2]) for r in session.execute(query))
        rows.sort(key=lambda r: (r[2], r[0]), reverse=True)
        present = [r for r in rows if r[1] is not None]
        present.sort(key=lambda r: r[1], reverse=sort.descending)  # stable: ties stay newest first
        return [r[0] for r in present] + [r[0] for r in rows if r[1] is None]

    # -- the index's answer -------------------------------------------------------------------

    def _search(
        self, plan: _Plan, limit: int | None, snippets: bool
    ) -> tuple[list[int], SearchOutcome]:
        searched, filters = _split(plan.tree)
        typed = plan.typed
        parsed = ql.ParsedQuery(
            typed.text if typed is not None else "",
            searched,
            typed.problems if typed is not None else (),
        )
        outcome = self.handle.search(
            parsed,
            limit=None if filters else limit,
            snippets=snippets,
            include_trashed=plan.trashed,
            suggest_for=typed,
        )
        ids = [h.id for h in outcome.hits]
        # The database has the last word: what the index does not hold (digests, a
        # selection), and the Trash and dismissed rules as the database sees them now.
        allowed = self._allowed(plan, ids, filters)
        ids = [i for i in ids if i in allowed]
        if filters and limit is not None:
            ids = ids[:limit]
        return ids, outcome


# -- trees the database can answer --------------------------------------------------------------

_TEXT_FIELDS_IN_DB = ("tag", "shelf")


def _is_sql(node: ql.Node) -> bool:
    """True when the database alone can answer the tree (no words to search)."""
    if isinstance(node, ql.Word | ql.Phrase):
        return node.field in _TEXT_FIELDS_IN_DB
    if isinstance(node, ql.And | ql.Or):
        return all(_is_sql(c) for c in node.children)
    if isinstance(node, ql.Not):
        return _is_sql(node.child)
    return True


def _split(tree: ql.Node) -> tuple[ql.Node, list[ql.Node]]:
    """The part of a tree the index answers, and the conditions only the database holds."""
    children = tree.children if isinstance(tree, ql.And) else (tree,)
    filters: list[ql.Node] = [c for c in children if isinstance(c, ql.InDigest | ql.Ids)]
    rest = [c for c in children if not isinstance(c, ql.InDigest | ql.Ids)]
    return ql.conjoin(*rest), filters


def _given(tree: ql.Node) -> tuple[int, ...]:
    children = tree.children if isinstance(tree, ql.And) else (tree,)
    for c in children:
        if isinstance(c, ql.Ids):
            return c.ids
    return ()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _visible(*, trashed: bool = False, shows_dismissed: bool = True) -> list[ColumnElement[bool]]:
    """The rules as database conditions: the Trash is left out unless asked for (``trashed``:
    the tree asks for it itself), and dismissed papers where the view does not show them.

    Scopes carry the dismissed rule in their tree already (so ``is:dismissed`` can lift it);
    the grouped counts of tags, shelves and digests use it from here.
    """
    out: list[ColumnElement[bool]] = []
    if not trashed:
        out.append(Paper.deleted_at.is_(None))
    if not shows_dismissed:
        out.append(Paper.triage != Triage.DISMISSED.value)
    return out


_FLAGS: dict[str, Any] = {
    "starred": lambda: Paper.starred.is_(True),
    "unread": lambda: Paper.read_status == ReadStatus.UNREAD.value,
    "skimmed": lambda: Paper.read_status == ReadStatus.SKIMMED.value,
    "read": lambda: Paper.read_status == ReadStatus.READ.value,
    "new": lambda: Paper.triage == Triage.NEW.value,
    "kept": lambda: Paper.triage == Triage.KEPT.value,
    "dismissed": lambda: Paper.triage == Triage.DISMISSED.value,
    "trashed": lambda: Paper.deleted_at.is_not(None),
}


def _sql(node: ql.Node, now: dt.datetime) -> ColumnElement[bool]:
    """A database condition for a tree of conditions (see _is_sql)."""
    if isinstance(node, ql.Flag):
        return _FLAGS[node.name]()  # type: ignore[no-any-return]
    if isinstance(node, ql.And):
        return and_(true(), *(_sql(c, now) for c in node.children))
    if isinstance(node, ql.Or):
        return or_(false(), *(_sql(c, now) for c in node.children))
    if isinstance(node, ql.Not):
        return not_(_sql(node.child, now))
    if isinstance(node, ql.Everything):
        return true()
    if isinstance(node, ql.Nothing):
        return false()
    if isinstance(node, ql.InDigest):
        return exists().where(Sighting.paper_id == Paper.id, Sighting.digest_id == node.digest_id)
    if isinstance(node, ql.Ids):
        return Paper.id.in_(node.ids) if node.ids else false()
    if isinstance(node, ql.Word | ql.Phrase):
        return _named(node)
    if isinstance(node, ql.Recent):
        since = now - dt.timedelta(days=node.days)
        if node.field == "added":
            return Paper.added_at >= since
        return Paper.published >= since.date()
    if isinstance(node, ql.DateRange):
        return _date_range(node)
    if isinstance(node, ql.IntRange):
        column = _seen() if node.field == "seen" else func.coalesce(Paper.upvotes, 0)
        parts = []
        if node.low is not None:
            parts.append(column >= node.low)
        if node.high is not None:
            parts.append(column <= node.high)
        return and_(true(), *parts)
    raise AssertionError(node)  # pragma: no cover - _is_sql admits only the nodes above


def _named(node: ql.Word | ql.Phrase) -> ColumnElement[bool]:
    """``tag:x`` / ``shelf:x``: the whole name (``tag:x*``: names starting with x)."""
    text = " ".join(node.text.split())
    prefix = isinstance(node, ql.Word) and node.prefix
    if node.field == "tag":
        name = (
            Tag.name_key.startswith(title_key(text), autoescape=True)
            if prefix
            else (Tag.name_key == title_key(text))
        )
        return exists().where(PaperTag.paper_id == Paper.id, PaperTag.tag_id == Tag.id, name)
    name = (
        Shelf.name_key.startswith(title_key(text), autoescape=True)
        if prefix
        else (Shelf.name_key == title_key(text))
    )
    return exists().where(ShelfItem.paper_id == Paper.id, ShelfItem.shelf_id == Shelf.id, name)


def _date_range(node: ql.DateRange) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if node.field == "published":
        if node.low is not None:
            parts.append(Paper.published >= node.low)
        if node.high is not None:
            parts.append(Paper.published <= node.high)
    else:
        if node.low is not None:
            parts.append(Paper.added_at >= dt.datetime.combine(node.low, dt.time(), dt.UTC))
        if node.high is not None:
            end = dt.datetime.combine(node.high + dt.timedelta(days=1), dt.time(), dt.UTC)
            parts.append(Paper.added_at < end)
    return and_(true(), *parts)


def _seen() -> Any:
    return (
        select(func.count(func.distinct(Sighting.digest_id)))
        .where(Sighting.paper_id == Paper.id)
        .scalar_subquery()
    )


def _sort_column(key: str) -> Any:
    """The SQL expression a list sorts on."""
    if key == "seen":
        return _seen()
    if key == "tags":
        return (
            select(func.min(Tag.name_key))
            .join(PaperTag, PaperTag.tag_id == Tag.id)
            .where(PaperTag.paper_id == Paper.id)
            .scalar_subquery()
        )
    if key == "status":
        return case(
            (Paper.read_status == ReadStatus.UNREAD.value, 0),
            (Paper.read_status == ReadStatus.SKIMMED.value, 1),
            else_=2,
        )
    columns = {
        "starred": Paper.starred,
        "title": Paper.title_key,
        "published": Paper.published,
        "upvotes": Paper.upvotes,
        "added": Paper.added_at,
    }
    return columns[key]


def _shelf_row(session: Session, name: str) -> Shelf:
    shelf = session.scalar(select(Shelf).where(Shelf.name_key == title_key(name)))
    if shelf is None:
        raise ShelfNotFound(name)
    return shelf


__all__ = ["RECENT_DAYS", "SORT_KEYS", "Resolved", "Resolver", "Scope", "Sort", "View"]
