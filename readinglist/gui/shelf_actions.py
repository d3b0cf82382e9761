"""Undoable shelf edits for drops and keys: what the sidebar and the table call.

Each edit becomes one command on the window's undo stack (through ``push``), so a drop
undoes like any other action. Edits that would change nothing are refused up front.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from readinglist.digest import title_key
from readinglist.errors import LibraryError
from readinglist.gui.undo import (
    ShelfCommand,
    add_to_shelf,
    move_in_shelf,
    remove_from_shelf,
    transfer_to_shelf,
)
from readinglist.records import ShelfKind
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtGui import QUndoCommand

    from readinglist.gui.ops import Ops


class ShelfActions:
    """Shelf edits through :class:`Ops`, pushed as undo commands; each returns success."""

    def __init__(self, ops: Ops, push: Callable[[QUndoCommand], None]) -> None:
        self.ops = ops
        self.push = push

    def _shelves(self) -> Shelves:
        return Shelves(self.ops.library)

    def is_manual(self, name: str) -> bool:
        try:
            return self._shelves().get(name).kind == ShelfKind.MANUAL
        except LibraryError:
            return False

    def paper_ids(self, name: str, *, include_trashed: bool = True) -> list[int]:
        """The shelf's order; with the trashed papers by default, since positions count them."""
        try:
            return self._shelves().paper_ids(name, include_trashed=include_trashed)
        except LibraryError:
            return []

    def _run(self, command: ShelfCommand) -> bool:
        self.push(command)
        return command.ok

    def add(self, name: str, ids: Sequence[int]) -> bool:
        """Add the papers not yet on the shelf (those there already stay where they are)."""
        have = set(self.paper_ids(name))
        new = [i for i in dict.fromkeys(ids) if i not in have]
        if not new or not self.is_manual(name):
            return False
        return self._run(add_to_shelf(self.ops, name, new))

    def transfer(self, source: str, target: str, ids: Sequence[int]) -> bool:
        """Move papers from ``source`` to ``target`` (a Shift-drag between shelves)."""
        if title_key(source) == title_key(target):
            return False
        on_source = set(self.paper_ids(source))
        moving = [i for i in dict.fromkeys(ids) if i in on_source]
        if not moving or not (self.is_manual(source) and self.is_manual(target)):
            return False
        return self._run(transfer_to_shelf(self.ops, source, target, moving))

    def move(self, name: str, ids: Sequence[int], position: int) -> bool:
        """Put papers at ``position`` in the shelf's full order, keeping their relative order."""
        order = self.paper_ids(name)
        on_shelf = set(order)
        moving = [i for i in order if i in set(ids)]  # relative order kept
        if not moving or any(i not in on_shelf for i in ids):
            return False
        position = max(0, min(position, len(order)))
        stay = [i for i in order if i not in set(moving)]
        at = len([i for i in order[:position] if i not in set(moving)])
        if [*stay[:at], *moving, *stay[at:]] == order:
            return False  # dropped where they already are
        return self._run(move_in_shelf(self.ops, name, moving, position))

    def step(self, name: str, ids: Sequence[int], delta: int) -> bool:
        """Move the papers one place up (``delta`` -1) or down (+1) within the shelf."""
        shown = self.paper_ids(name, include_trashed=False)  # trashed papers are skipped
        rows = sorted(shown.index(i) for i in set(ids) if i in shown)
        if not rows:
            return False
        full = self.paper_ids(name)
        if delta < 0:
            if rows[0] == 0:
                return False
            return self.move(name, ids, full.index(shown[rows[0] - 1]))
        if rows[-1] + 1 >= len(shown):
            return False
        return self.move(name, ids, full.index(shown[rows[-1] + 1]) + 1)

    def remove(self, name: str, ids: Sequence[int]) -> bool:
        on_shelf = set(self.paper_ids(name))
        gone = [i for i in dict.fromkeys(ids) if i in on_shelf]
        if not gone or not self.is_manual(name):
            return False
        return self._run(remove_from_shelf(self.ops, name, gone))
