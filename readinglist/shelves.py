"""Shelves: reading lists in a manual order, or smart shelves that follow a saved search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from readinglist.digest import title_key
from readinglist.library import (
    Library,
    LibraryError,
    Transaction,
    lock_shelves,
    renumber_shelf,
    retry_conflicts,
)
from readinglist.records import ShelfInfo, ShelfKind
from readinglist.store.engine import advisory_lock
from readinglist.store.models import Paper, Shelf, ShelfItem, utcnow

if TYPE_CHECKING:
    import builtins
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

MAX_SHELF_NAME = 200
SHELF_ORDER_LOCK = "readinglist.shelf-order"
"""Held (shared libraries) by the edits that renumber the shelves themselves."""


class ShelfNotFound(LibraryError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no shelf named {name!r}")


class Shelves:
    """Every shelf operation; each is one transaction and keeps the index in step."""

    def __init__(self, library: Library) -> None:
        self.library = library

    # -- reading ------------------------------------------------------------------------------

    def list(self) -> list[ShelfInfo]:
        with self.library.read() as session:
            count = (
                select(func.count(ShelfItem.paper_id))
                .join(Paper, Paper.id == ShelfItem.paper_id)
                .where(ShelfItem.shelf_id == Shelf.id, Paper.deleted_at.is_(None))
                .scalar_subquery()
            )
            rows = session.execute(select(Shelf, count).order_by(Shelf.position, Shelf.id))
            return [_info(s, n) for s, n in rows]

    def get(self, name: str) -> ShelfInfo:
        for info in self.list():
            if title_key(info.name) == title_key(name):
                return info
        raise ShelfNotFound(name)

    def paper_ids(
        self, name: str, *, include_trashed: bool = False
    ) -> builtins.list[int]:  # `list` is a method here
        """The shelf's papers in manual order (a smart shelf's are its query's, by the caller).

        ``include_trashed`` adds the trashed papers keeping their places (an undo snapshot
        for :meth:`restore_order` must not drop them).
        """
        with self.library.read() as session:
            shelf = _shelf(session, name)
            stmt = (
                select(ShelfItem.paper_id)
                .join(Paper, Paper.id == ShelfItem.paper_id)
                .where(ShelfItem.shelf_id == shelf.id)
                .order_by(ShelfItem.position)
            )
            if not include_trashed:
                stmt = stmt.where(Paper.deleted_at.is_(None))
            return list(session.scalars(stmt))

    # -- shelves themselves ---------------------------------------------------------------

    @retry_conflicts
    def create(self, name: str, *, query: str | None = None) -> ShelfInfo:
        name = _clean_name(name)
        with self.library.write() as tx:
            advisory_lock(tx.session, SHELF_ORDER_LOCK)  # two new shelves never share a place
            if _find(tx.session, name) is not None:
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
            return _info(shelf, 0)

    @retry_conflicts
    def rename(self, old: str, new: str) -> None:
        new = _clean_name(new)
        with self.library.write() as tx:
            shelf = _shelf(tx.session, old, lock=True)
            clash = _find(tx.session, new)
            if clash is not None and clash.id != shelf.id:
                raise LibraryError(f"a shelf named {clash.name!r} already exists")
            shelf.name, shelf.name_key = new, title_key(new)
            tx.touch(*(i.paper_id for i in shelf.items))

    def set_query(self, name: str, query: str) -> None:
        with self.library.write() as tx:
            shelf = _shelf(tx.session, name, lock=True)
            if shelf.kind != ShelfKind.SMART.value:
                raise LibraryError(f"shelf {shelf.name!r} is not a smart shelf")
            shelf.query = query

    def delete(self, name: str) -> builtins.list[int]:
        """Delete a shelf (its papers stay in the library); returns its papers in order."""
        with self.library.write() as tx:
            advisory_lock(tx.session, SHELF_ORDER_LOCK)
            shelf = _shelf(tx.session, name, lock=True)
            ids = [i.paper_id for i in shelf.items]
            tx.touch(*ids)
            tx.session.delete(shelf)
            tx.session.flush()
            _renumber_shelves(tx.session)
            return ids

    def move_shelf(self, name: str, position: int) -> None:
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

    # -- papers on shelves ------------------------------------------------------------------

    def add(self, name: str, ids: Sequence[int], *, position: int | None = None) -> int:
        """Add papers (in the given order) at ``position`` (default: the end).

        Papers already on the shelf are moved there instead of duplicated; returns how
        many were new to the shelf.
        """
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            _check_papers(tx, ids)
            return _place(tx, shelf, list(dict.fromkeys(ids)), position)

    def remove(self, name: str, ids: Iterable[int]) -> int:
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            wanted = set(ids)
            gone = [i for i in shelf.items if i.paper_id in wanted]
            for item in gone:
                tx.session.delete(item)
            tx.touch(*(i.paper_id for i in gone))
            tx.session.flush()
            renumber_shelf(tx.session, shelf.id)
            return len(gone)

    def move(self, name: str, ids: Sequence[int], position: int) -> None:
        """Move papers already on the shelf so the first lands at ``position``, in order."""
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            on_shelf = {i.paper_id for i in shelf.items}
            missing = [i for i in ids if i not in on_shelf]
            if missing:
                raise LibraryError(f"paper {missing[0]} is not on shelf {shelf.name!r}")
            _place(tx, shelf, list(dict.fromkeys(ids)), position)

    def transfer(self, source: str, target: str, ids: Sequence[int]) -> int:
        """Move papers from one shelf to another in one transaction (Shift-drag)."""
        with self.library.write() as tx:
            src = _manual(tx.session, source, lock=False)
            dst = _manual(tx.session, target, lock=False)
            if src.id == dst.id:
                return 0
            lock_shelves(tx.session, [src.id, dst.id])  # both at once: no deadlock
            wanted = list(dict.fromkeys(ids))
            for item in [i for i in src.items if i.paper_id in set(wanted)]:
                tx.session.delete(item)
            tx.session.flush()
            renumber_shelf(tx.session, src.id)
            tx.session.expire(src)
            return _place(tx, dst, wanted, None)

    def restore_order(self, name: str, ids: Sequence[int]) -> None:
        """Make the shelf hold exactly ``ids`` in this order (undo of any shelf edit)."""
        with self.library.write() as tx:
            shelf = _manual(tx.session, name)
            _check_papers(tx, ids)
            tx.touch(*(i.paper_id for i in shelf.items))
            for item in list(shelf.items):
                tx.session.delete(item)
            tx.session.flush()
            tx.session.expire(shelf)
            _place(tx, shelf, list(dict.fromkeys(ids)), None)


def _place(tx: Transaction, shelf: Shelf, ids: list[int], position: int | None) -> int:
    items = {
        i.paper_id: i
        for i in tx.session.scalars(select(ShelfItem).where(ShelfItem.shelf_id == shelf.id))
    }
    order = sorted(items.values(), key=lambda i: i.position)
    moving = set(ids)
    if position is None:
        position = len(order)
    # The insertion point counts only the items that stay where they are.
    stay = [i for i in order if i.paper_id not in moving]
    at = len([i for i in order[:position] if i.paper_id not in moving])
    added = 0
    placed: list[ShelfItem] = []
    for paper_id in ids:
        item = items.get(paper_id)
        if item is None:
            item = ShelfItem(shelf_id=shelf.id, paper_id=paper_id, position=-1, added_at=utcnow())
            tx.session.add(item)
            added += 1
        placed.append(item)
    final = [*stay[:at], *placed, *stay[at:]]
    for n, item in enumerate(final):
        item.position = n
    tx.touch(*ids)
    return added


def _check_papers(tx: Transaction, ids: Iterable[int]) -> None:
    wanted = set(ids)
    found = set(tx.session.scalars(select(Paper.id).where(Paper.id.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise LibraryError(f"no paper with id {missing[0]}")


def _find(session: Session, name: str) -> Shelf | None:
    return session.scalar(select(Shelf).where(Shelf.name_key == title_key(name)))


def _shelf(session: Session, name: str, *, lock: bool = False) -> Shelf:
    """The shelf named ``name``; with ``lock``, held until commit before its papers are read.

    Two clients reordering one shelf then take turns, each starting from the other's
    committed order, so positions never repeat or go missing.
    """
    shelf = _find(session, name)
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
    name = " ".join(name.split())
    if not name:
        raise LibraryError("a shelf needs a name")
    if len(name) > MAX_SHELF_NAME:
        raise LibraryError(f"shelf name too long (at most {MAX_SHELF_NAME} characters)")
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
