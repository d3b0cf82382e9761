"""Shelves: reading lists in a manual order, or smart shelves that follow a saved search.

Every operation is one transaction and returns what it changed. Which papers a shelf shows
(and how many) is the scope resolver's answer, the same for the sidebar, ``shelf list``,
``shelf show``, ``list --shelf`` and exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from readinglist import textlimits
from readinglist.core import Changes, Resolver, Scope, retry_conflicts
from readinglist.digest import title_key
from readinglist.errors import LibraryError, ShelfNotFound
from readinglist.records import ShelfInfo, ShelfKind
from readinglist.store.engine import advisory_lock
from readinglist.store.models import Paper, Shelf, ShelfItem, utcnow
from readinglist.store.shelf_order import lock_shelves, renumber_shelf

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

    from readinglist.core import LibraryHandle, Transaction

MAX_SHELF_NAME = textlimits.SHELF_NAME.max_length
SHELF_ORDER_LOCK = "readinglist.shelf-order"
"""Held (shared libraries) by the edits that renumber the shelves themselves."""

__all__ = ["MAX_SHELF_NAME", "ShelfCreated", "ShelfEdit", "ShelfNotFound", "Shelves"]


@dataclass(frozen=True, slots=True)
class ShelfEdit:
    """Papers placed on (or taken off) a shelf, those that already were there, and what
    changed."""

    papers: tuple[int, ...]
    changes: Changes
    already: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ShelfCreated:
    info: ShelfInfo
    changes: Changes


class Shelves:
    """Every shelf operation; each is one transaction and keeps the index in step."""

    def __init__(self, library: LibraryHandle) -> None:
        self.library = library

    # -- reading ------------------------------------------------------------------------------

    def list(self, *, count_smart: bool = True) -> builtins.list[ShelfInfo]:
        """Every shelf in sidebar order with its count. ``count_smart=False`` leaves smart
        shelves that need the search index at count 0 (the window, before the index is up)."""
        counts = Resolver(self.library).shelf_counts(search=count_smart)
        with self.library.read() as session:
            rows = session.scalars(select(Shelf).order_by(Shelf.position, Shelf.id))
            return [_info(s, counts.get(s.id, 0)) for s in rows]

    def get(self, name: str) -> ShelfInfo:
        """The shelf named ``name`` (any case), with its count; ShelfNotFound otherwise."""
        with self.library.read() as session:
            shelf = _shelf(session, name)
            session.expunge(shelf)
        return _info(shelf, Resolver(self.library).count(Scope.shelf(shelf.name)))

    def paper_ids(
        self, name: str, *, include_trashed: bool = False
    ) -> builtins.list[int]:  # `list` is a method here
        """The shelf's papers in its order (a smart shelf's: its query's).

        ``include_trashed`` gives a manual shelf's whole order, trashed papers keeping their
        places (an undo snapshot for :meth:`restore_order` must not drop them).
        """
        if not include_trashed:
            return Resolver(self.library).resolve(Scope.shelf(name)).ids
        with self.library.read() as session:
            shelf = _shelf(session, name)
            stmt = (
                select(ShelfItem.paper_id)
                .where(ShelfItem.shelf_id == shelf.id)
                .order_by(ShelfItem.position)
            )
            return list(session.scalars(stmt))

    # -- shelves themselves ---------------------------------------------------------------

    @retry_conflicts
    def create(self, name: str, *, query: str | None = None) -> ShelfCreated:
        with self.library.write() as tx:
            shelf = create_in(tx, name, query=query)
        return ShelfCreated(_info(shelf, 0), tx.changes)

    @retry_conflicts
    def rename(self, old: str, new: str) -> Changes:
        new = _clean_name(new)
        with self.library.write() as tx:
            shelf = _shelf(tx.session, old, lock=True)
            clash = find(tx.session, new)
            if clash is not None and clash.id != shelf.id:
                raise LibraryError(f"a shelf named {clash.name!r} already exists")
            shelf.name, shelf.name_key = new, title_key(new)
            tx.touch(*(i.paper_id for i in shelf.items))  # their records name the shelf
        return tx.changes

    def set_query(self, name: str, query: str) -> Changes:
        with self.library.write() as tx:
            shelf = _shelf(tx.session, name, lock=True)
            if shelf.kind != ShelfKind.SMART.value:
                raise LibraryError(f"shelf {shelf.name!r} is not a smart shelf")
            shelf.query = query
        return tx.changes

    def delete(self, name: str) -> ShelfEdit:
        """Delete a shelf (its papers stay in the library); ``papers`` were on it, in order."""
        with self.library.write() as tx:
            advisory_lock(tx.session, SHELF_ORDER_LOCK)
            shelf = _shelf(tx.session, name, lock=True)
            ids = tuple(i.paper_id for i in shelf.items)
            tx.touch(*ids)
            tx.session.delete(shelf)
            tx.session.flush()
            _renumber_shelves(tx.session)
        return ShelfEdit(ids, tx.changes)

    def move_shelf(self, name: str, position: int) -> Changes:
        """Put a shelf at ``position`` in the sidebar order."""
        with self.library.write() as tx:
            advisory_lock(tx.session, SHELF_ORDER_LOCK)
            shelf = _shelf(tx.session, name)
            order = [
                s
                for s in tx.session.scalars(select(Shelf).order_by(Shelf.position, Shelf.id))
                if s.id != shelf.id
            ]
            order.insert(max(0, min(position, len(order))), shelf)
            for n, s in enumerate(order):
                s.position = n
        return tx.changes

    # -- papers on shelves ------------------------------------------------------------------

    def add(self, name: str, ids: Sequence[int], *, position: int | None = None) -> ShelfEdit:
        """Add papers (in the given order) at ``position`` (default: the end).

        Papers already on the shelf keep their place (``already`` names them); to move
        them, use :meth:`move`.
        """
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            check_papers(tx, ids)
            added, already = place_in(tx, shelf, ids, position)
        return ShelfEdit(added, tx.changes, already)

    def remove(self, name: str, ids: Iterable[int]) -> ShelfEdit:
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            wanted = set(ids)
            gone = [i for i in shelf.items if i.paper_id in wanted]
            for item in gone:
                tx.session.delete(item)
            tx.session.flush()
            renumber_shelf(tx.session, shelf.id)
        return ShelfEdit(tuple(i.paper_id for i in gone), tx.changes)

    def move(self, name: str, ids: Sequence[int], position: int) -> ShelfEdit:
        """Move papers already on the shelf so the first lands at ``position``, in order."""
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            on_shelf = {i.paper_id for i in shelf.items}
            missing = [i for i in ids if i not in on_shelf]
            if missing:
                raise LibraryError(f"paper {missing[0]} is not on shelf {shelf.name!r}")
            _order(tx, shelf, list(dict.fromkeys(ids)), position)
        return ShelfEdit(tuple(dict.fromkeys(ids)), tx.changes)

    def transfer(self, source: str, target: str, ids: Sequence[int]) -> ShelfEdit:
        """Move papers from one shelf to another in one transaction (Shift-drag)."""
        with self.library.write() as tx:
            src = _manual(tx.session, source, lock=False)
            dst = _manual(tx.session, target, lock=False)
            if src.id == dst.id:
                return ShelfEdit((), tx.changes)
            lock_shelves(tx.session, [src.id, dst.id])  # both at once: no deadlock
            wanted = list(dict.fromkeys(ids))
            for item in [i for i in src.items if i.paper_id in set(wanted)]:
                tx.session.delete(item)
            tx.session.flush()
            renumber_shelf(tx.session, src.id)
            tx.session.expire(src)
            added, already = place_in(tx, dst, wanted, None)
        return ShelfEdit(added, tx.changes, already)

    def restore_order(self, name: str, ids: Sequence[int]) -> Changes:
        """Make the shelf hold exactly ``ids`` in this order (undo of any shelf edit)."""
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            check_papers(tx, ids)
            for item in list(shelf.items):
                tx.session.delete(item)
            tx.session.flush()
            tx.session.expire(shelf)
            place_in(tx, shelf, ids, None)
        return tx.changes


# -- inside a transaction (imports of bundles create and fill shelves with these) ---------------


def create_in(tx: Transaction, name: str, *, query: str | None = None) -> Shelf:
    """A new shelf at the end of the sidebar order; LibraryError if the name is taken."""
    name = _clean_name(name)
    advisory_lock(tx.session, SHELF_ORDER_LOCK)  # two new shelves never share a place
    if find(tx.session, name) is not None:
        raise LibraryError(f"a shelf named {name!r} already exists")
    last = tx.session.scalar(select(func.max(Shelf.position)))
    shelf = Shelf(
        name=name,
        name_key=title_key(name),
        position=(last + 1) if last is not None else 0,
        kind=(ShelfKind.SMART if query else ShelfKind.MANUAL).value,
        query=query or None,
        created_at=utcnow(),
    )
    tx.session.add(shelf)
    tx.session.flush()
    return shelf


def place_in(
    tx: Transaction, shelf: Shelf, ids: Iterable[int], position: int | None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Put the papers not yet on ``shelf`` at ``position`` (default: the end), in order;
    papers already there keep their place. Returns (added, already there)."""
    items = {
        i.paper_id: i
        for i in tx.session.scalars(select(ShelfItem).where(ShelfItem.shelf_id == shelf.id))
    }
    wanted = list(dict.fromkeys(ids))
    already = tuple(i for i in wanted if i in items)
    added = tuple(i for i in wanted if i not in items)
    if added:
        order = sorted(items.values(), key=lambda i: i.position)
        at = len(order) if position is None else max(0, min(position, len(order)))
        new = [
            ShelfItem(shelf_id=shelf.id, paper_id=paper_id, position=-1, added_at=utcnow())
            for paper_id in added
        ]
        tx.session.add_all(new)
        for n, item in enumerate([*order[:at], *new, *order[at:]]):
            item.position = n
    return added, already


def _order(tx: Transaction, shelf: Shelf, ids: list[int], position: int) -> None:
    """Move papers already on the shelf so the first lands at ``position``."""
    order = sorted(
        tx.session.scalars(select(ShelfItem).where(ShelfItem.shelf_id == shelf.id)),
        key=lambda i: i.position,
    )
    moving = set(ids)
    by_id = {i.paper_id: i for i in order}
    # The insertion point counts only the items that stay where they are.
    stay = [i for i in order if i.paper_id not in moving]
    at = len([i for i in order[:position] if i.paper_id not in moving])
    final = [*stay[:at], *(by_id[i] for i in ids), *stay[at:]]
    for n, item in enumerate(final):
        if item.position != n:
            item.position = n


def check_papers(tx: Transaction, ids: Iterable[int]) -> None:
    wanted = set(ids)
    found = set(tx.session.scalars(select(Paper.id).where(Paper.id.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise LibraryError(f"no paper with id {missing[0]}")


def find(session: Session, name: str) -> Shelf | None:
    return session.scalar(select(Shelf).where(Shelf.name_key == title_key(name)))


def _shelf(session: Session, name: str, *, lock: bool = False) -> Shelf:
    """The shelf named ``name``; with ``lock``, held until commit before its papers are read.

    Two clients reordering one shelf then take turns, each starting from the other's
    committed order, so positions never repeat or go missing.
    """
    shelf = find(session, name)
    if shelf is None:
        raise ShelfNotFound(name)
    if lock:
        lock_shelves(session, [shelf.id])
    return shelf


def _manual(session: Session, name: str, *, lock: bool = True) -> Shelf:
    shelf = _shelf(session, name, lock=lock)
    if shelf.kind == ShelfKind.SMART.value:
        raise LibraryError(f"shelf {shelf.name!r} is a smart shelf: its papers follow its query")
    return shelf


def _renumber_shelves(session: Session) -> None:
    for n, shelf in enumerate(session.scalars(select(Shelf).order_by(Shelf.position, Shelf.id))):
        shelf.position = n


def _clean_name(name: str) -> str:
    try:
        name = textlimits.fit(name, textlimits.SHELF_NAME)
    except textlimits.TooLong as err:
        raise LibraryError(str(err)) from err
    if not name:
        raise LibraryError("a shelf needs a name")
    return name


def _info(shelf: Shelf, count: int) -> ShelfInfo:
    return ShelfInfo(
        id=shelf.id,
        name=shelf.name,
        position=shelf.position,
        kind=ShelfKind(shelf.kind),
        query=shelf.query,
        count=count,
        changed_by=shelf.changed_by,
        changed_at=shelf.changed_at,
    )
