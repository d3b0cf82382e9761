"""Undoable edits: each command calls the services through :class:`Ops`, both ways.

A command remembers just enough of the papers' earlier state to put it back. The state is
read with cheap filtered id queries rather than full records, so that starring or tagging
a selection of thousands of papers stays quick and still undoes exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from readinglist import querylang as ql
from readinglist.core import Changes, Scope
from readinglist.digest import title_key
from readinglist.records import ReadStatus
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from readinglist.gui.ops import Ops
    from readinglist.library import Library
    from readinglist.records import PaperRecord, ShelfInfo

NOTE_COMMAND_ID = 1001
"""Consecutive saves of one paper's note merge into one undo step."""


FEW = 200
"""Up to this many papers, earlier state comes from their records; beyond, from id queries."""


def _matching(library: Library, condition: ql.Node, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` meet ``condition`` (starred, a status, a tag), in or out of the Trash."""
    if len(ids) <= FEW:
        records = library.papers(ids)
        return {r.id for r in records if _meets(r, condition)}
    return set(library.paper_ids(Scope.papers(ids).matching(condition)))


def _meets(record: PaperRecord, condition: ql.Node) -> bool:
    if isinstance(condition, ql.Flag) and condition.name == "starred":
        return record.starred
    if isinstance(condition, ql.Flag):
        return record.read_status.value == condition.name
    assert isinstance(condition, ql.Phrase)
    return title_key(condition.text) in {title_key(t) for t in record.tags}


def _plural(n: int, word: str = "Paper") -> str:
    return f"{n} {word}s" if n != 1 else word


class _Command(QUndoCommand):
    """Runs ``_apply``/``_revert``; a failed service call drops the command from the stack."""

    def __init__(self, ops: Ops, text: str) -> None:
        super().__init__(text)
        self.ops = ops

    def _apply(self) -> bool:
        raise NotImplementedError

    def _revert(self) -> bool:
        raise NotImplementedError

    # QUndoCommand.redo override
    def redo(self) -> None:
        if not self._apply():
            self.setObsolete(True)

    # QUndoCommand.undo override
    def undo(self) -> None:
        if not self._revert():
            self.setObsolete(True)


class StarCommand(_Command):
    def __init__(self, ops: Ops, ids: Sequence[int], starred: bool) -> None:
        super().__init__(ops, f"{'Star' if starred else 'Unstar'} {_plural(len(ids))}")
        self.ids = list(ids)
        self.starred = starred
        self.before = _matching(ops.library, ql.Flag("starred"), ids)

    def _apply(self) -> bool:
        return self.ops.set_starred(self.ids, self.starred)

    def _revert(self) -> bool:
        return self.ops.restore_starred({i: i in self.before for i in self.ids})


class StatusCommand(_Command):
    def __init__(self, ops: Ops, ids: Sequence[int], status: ReadStatus) -> None:
        super().__init__(ops, f"Mark {_plural(len(ids))} {status.value.capitalize()}")
        self.ids = list(ids)
        self.status = status
        self.before: dict[int, ReadStatus] = {}
        for old in ReadStatus:
            for i in _matching(ops.library, ql.Flag(old.value), ids):
                self.before[i] = old

    def _apply(self) -> bool:
        return self.ops.set_status(self.ids, self.status)

    def _revert(self) -> bool:
        return self.ops.restore_status(self.before)


class AddTagsCommand(_Command):
    """Add tags to a selection; undo removes each tag only from papers that lacked it."""

    def __init__(self, ops: Ops, ids: Sequence[int], names: Sequence[str]) -> None:
        super().__init__(ops, f"Tag {_plural(len(ids))}")
        self.ids = list(ids)
        self.names = list(names)
        self.lacking: dict[str, list[int]] = {}
        for name in names:
            have = _matching(ops.library, ql.Phrase(name, "tag"), ids)
            self.lacking[name] = [i for i in self.ids if i not in have]

    def _apply(self) -> bool:
        return self.ops.add_tags(self.ids, self.names)

    def _revert(self) -> bool:
        return self.ops.remove_tags_each(self.lacking)


class SetTagsCommand(_Command):
    """Make one paper's tags exactly ``after`` (the tag editor)."""

    def __init__(
        self, ops: Ops, paper_id: int, before: Sequence[str], after: Sequence[str]
    ) -> None:
        super().__init__(ops, "Edit Tags")
        self.paper_id = paper_id
        self.before = list(before)
        self.after = list(after)

    def _apply(self) -> bool:
        return self.ops.set_tags(self.paper_id, self.after)

    def _revert(self) -> bool:
        return self.ops.set_tags(self.paper_id, self.before)


def same_tags(a: Sequence[str], b: Sequence[str]) -> bool:
    """Tag lists equal the way the library compares names (case and spacing aside)."""
    return sorted(title_key(n) for n in a) == sorted(title_key(n) for n in b)


class NoteCommand(_Command):
    """One save of a note; saves in a row of the same note merge into one undo step.

    The first save goes only over ``version`` (the note version the editor started from):
    a colleague's newer save is reported, never overwritten.
    """

    def __init__(
        self, ops: Ops, paper_id: int, before: str, after: str, version: int | None = None
    ) -> None:
        super().__init__(ops, "Edit Note")
        self.paper_id = paper_id
        self.before = before
        self.after = after
        self.version = version
        self._first = True  # the first redo saves what the editor already shows

    def _apply(self) -> bool:
        shown, self._first = self._first, False
        expected = self.version if shown else None
        return self.ops.set_note(
            self.paper_id, self.after, expected_version=expected, from_editor=shown
        )

    def _revert(self) -> bool:
        return self.ops.set_note(self.paper_id, self.before, from_editor=False)

    # QUndoCommand.id override
    def id(self) -> int:
        return NOTE_COMMAND_ID

    # QUndoCommand.mergeWith override
    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NoteCommand) or other.paper_id != self.paper_id:
            return False
        self.after = other.after
        if self.after == self.before:
            self.setObsolete(True)
        return True


class TrashCommand(_Command):
    def __init__(self, ops: Ops, ids: Sequence[int]) -> None:
        super().__init__(ops, f"Move {_plural(len(ids))} to the Trash")
        self.ids = list(ids)

    def _apply(self) -> bool:
        return self.ops.trash(self.ids)

    def _revert(self) -> bool:
        return self.ops.restore(self.ids)


class RestoreCommand(_Command):
    def __init__(self, ops: Ops, ids: Sequence[int]) -> None:
        super().__init__(ops, f"Restore {_plural(len(ids))} from the Trash")
        self.ids = list(ids)

    def _apply(self) -> bool:
        return self.ops.restore(self.ids)

    def _revert(self) -> bool:
        return self.ops.trash(self.ids)


class ShelfCommand(_Command):
    """One edit of shelves (add, transfer, move, remove); undo restores each shelf's order.

    The shelves' orders are read before the edit, so undo puts back exactly what was there
    (a paper added twice is not removed twice, a reordered shelf gets its old order).
    """

    def __init__(
        self,
        ops: Ops,
        text: str,
        shelves: Sequence[str],
        ids: Sequence[int],
        apply: Callable[[], bool],
    ) -> None:
        super().__init__(ops, text)
        self.ids = list(ids)
        self.apply = apply
        reader = Shelves(ops.library)
        self.before = {
            name: reader.paper_ids(name, include_trashed=True) for name in dict.fromkeys(shelves)
        }
        self.ok = False  # whether the last redo succeeded (a drop reports it)

    def _apply(self) -> bool:
        self.ok = self.apply()
        return self.ok

    def _revert(self) -> bool:
        return self.ops.shelf_restore_orders(self.before)


def add_to_shelf(ops: Ops, name: str, ids: Sequence[int]) -> ShelfCommand:
    return ShelfCommand(
        ops, f"Add {_plural(len(ids))} to {name}", [name], ids, lambda: ops.shelf_add(name, ids)
    )


def transfer_to_shelf(ops: Ops, source: str, target: str, ids: Sequence[int]) -> ShelfCommand:
    return ShelfCommand(
        ops,
        f"Move {_plural(len(ids))} from {source} to {target}",
        [source, target],
        ids,
        lambda: ops.shelf_transfer(source, target, ids),
    )


def move_in_shelf(ops: Ops, name: str, ids: Sequence[int], position: int) -> ShelfCommand:
    return ShelfCommand(
        ops,
        f"Reorder {name}",
        [name],
        ids,
        lambda: ops.shelf_move(name, ids, position),
    )


def remove_from_shelf(ops: Ops, name: str, ids: Sequence[int]) -> ShelfCommand:
    return ShelfCommand(
        ops,
        f"Remove {_plural(len(ids))} from {name}",
        [name],
        ids,
        lambda: ops.shelf_remove(name, ids),
    )


class _ShelfLifeCommand(QUndoCommand):
    """A shelf renamed or deleted; a failed service call says why and leaves the stack."""

    def __init__(self, ops: Ops, text: str) -> None:
        super().__init__(text)
        self.ops = ops
        self.shelves = Shelves(ops.library)

    def _run(self, action: Callable[[], object]) -> None:
        if not self.ops.run(action):
            self.setObsolete(True)


class RenameShelfCommand(_ShelfLifeCommand):
    def __init__(self, ops: Ops, old: str, new: str) -> None:
        super().__init__(ops, f"Rename Shelf {old!r}")
        self.old, self.new = old, new

    # QUndoCommand.redo override
    def redo(self) -> None:
        self._run(lambda: self.shelves.rename(self.old, self.new))

    # QUndoCommand.undo override
    def undo(self) -> None:
        self._run(lambda: self.shelves.rename(self.new, self.old))


class DeleteShelfCommand(_ShelfLifeCommand):
    """Deleting a shelf remembers its kind, query, place and order, so undo brings it back."""

    def __init__(self, ops: Ops, info: ShelfInfo) -> None:
        super().__init__(ops, f"Delete Shelf {info.name!r}")
        self.info = info
        self.ids = [] if info.query else self.shelves.paper_ids(info.name, include_trashed=True)

    # QUndoCommand.redo override
    def redo(self) -> None:
        self._run(lambda: self.shelves.delete(self.info.name))

    # QUndoCommand.undo override
    def undo(self) -> None:
        def recreate() -> Changes:
            done = self.shelves.create(self.info.name, query=self.info.query).changes
            done = done | self.shelves.move_shelf(self.info.name, self.info.position)
            if self.ids:
                done = done | self.shelves.restore_order(self.info.name, self.ids)
            return done

        self._run(recreate)
