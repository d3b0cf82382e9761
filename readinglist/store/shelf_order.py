"""A shelf's manual order in the database: locking it for an edit, closing its gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist.store.models import Shelf, ShelfItem

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session


def lock_shelves(session: Session, shelf_ids: Iterable[int]) -> None:
    """Hold these shelves until commit, so that concurrent edits of their order queue.

    PostgreSQL: SELECT ... FOR UPDATE, in id order (no deadlock between two such locks).
    SQLite renders no FOR UPDATE: its writers already queue (BEGIN IMMEDIATE).
    """
    ids = sorted(set(shelf_ids))
    if ids:
        session.execute(
            select(Shelf.id).where(Shelf.id.in_(ids)).order_by(Shelf.id).with_for_update()
        )


def renumber_shelf(session: Session, shelf_id: int) -> None:
    """Close gaps in a shelf's manual order after removals."""
    items = session.scalars(
        select(ShelfItem).where(ShelfItem.shelf_id == shelf_id).order_by(ShelfItem.position)
    )
    for n, item in enumerate(items):
        item.position = n


__all__ = ["lock_shelves", "renumber_shelf"]
