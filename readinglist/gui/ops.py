"""User actions on papers: each calls one service and forwards what the service changed.

Views never keep their own copy of the truth: they listen to :attr:`Ops.changed` and
decide for themselves what to reload (a row, the list, the sidebar counts) from the
:class:`~readinglist.core.Changes` the service returned, never from what the window asked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog

from readinglist.core import NO_CHANGES, Changes
from readinglist.errors import EditConflict, LibraryError
from readinglist.gui.tasks import run_task
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from PySide6.QtWidgets import QWidget

    from readinglist.library import Library
    from readinglist.records import ReadStatus

V = TypeVar("V")

BIG_EDIT = 300
"""Edits of more papers than this run off the GUI thread (with their index update)."""


class _HasChanges(Protocol):
    @property
    def changes(self) -> Changes: ...


@dataclass(frozen=True, slots=True)
class Update:
    """What changed, for the views: the service's Changes plus where they came from.

    ``external``: made outside this window (the command line, a colleague); ``reload``:
    the change cannot be told by ids (a restored library, a repair): read everything again;
    ``from_editor``: a note saved from the editor, which already shows it.
    """

    changes: Changes = NO_CHANGES
    external: bool = False
    reload: bool = False
    from_editor: bool = False

    @property
    def papers(self) -> frozenset[int]:
        return self.changes.papers


RELOAD = Update(reload=True)


def changes_of(result: object) -> Changes:
    """The Changes a service call returned (itself, or its ``changes`` field)."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, Changes) else NO_CHANGES


class Ops(QObject):
    """The GUI's door to the services; emits :attr:`changed` after every successful edit."""

    changed = Signal(object)  # Update
    error = Signal(str)  # a LibraryError's message, for the user
    warning = Signal(str)  # saved, but something after the commit went wrong (the index)
    note_saved = Signal(int, int)  # paper id, the note's version now
    note_conflict = Signal(int, str, object)  # paper id, the text not saved, EditConflict

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.window: QWidget | None = None  # parent of the progress dialog of big edits

    def run(
        self,
        work: Callable[[], object],
        *,
        size: int = 1,
        from_editor: bool = False,
        quiet: tuple[type[LibraryError], ...] = (),
    ) -> bool:
        """Call a service; on success tell the views what it changed. ``size``: how many
        papers it edits (big edits run off the GUI thread behind a progress dialog);
        ``quiet``: refusals the caller reports itself (no error box)."""
        try:
            result = self._run_waiting(work, size) if size > BIG_EDIT else work()
        except LibraryError as err:
            if not isinstance(err, quiet):
                self.error.emit(str(err))
            return False
        changes = changes_of(result)
        for warning in changes.warnings:
            self.warning.emit(warning)
        self.changed.emit(Update(changes, from_editor=from_editor))
        return True

    def _run_waiting(self, work: Callable[[], object], count: int) -> object:
        """Run a big edit (thousands of papers and their index) off the GUI thread.

        The window stays painted behind a modal progress dialog; for the undo stack the
        edit is still synchronous: this returns when it is done, or raises its error.
        """
        outcome: dict[str, object] = {}
        loop = QEventLoop()
        handle = run_task(lambda _progress, _cancelled: work(), parent=self)
        handle.failed.connect(lambda message: outcome.setdefault("error", message))
        handle.finished.connect(lambda result: outcome.setdefault("result", result))
        handle.done.connect(loop.quit)
        dialog = QProgressDialog(f"Updating {count:,} papers…", "", 0, 0, self.window)
        dialog.setCancelButton(None)  # half an edit is no option
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(400)
        dialog.setValue(0)
        if handle.running:
            loop.exec()
        dialog.close()
        dialog.deleteLater()
        if "error" in outcome:
            raise LibraryError(str(outcome["error"]))
        return outcome.get("result")

    # -- single changes ----------------------------------------------------------------------

    def set_starred(self, ids: Sequence[int], starred: bool) -> bool:
        return self.run(lambda: self.library.set_starred(ids, starred), size=len(ids))

    def set_status(self, ids: Sequence[int], status: ReadStatus) -> bool:
        return self.run(lambda: self.library.set_status(ids, status), size=len(ids))

    def add_tags(self, ids: Sequence[int], names: Sequence[str]) -> bool:
        return self.run(lambda: self.library.add_tags(ids, names), size=len(ids))

    def set_tags(self, paper_id: int, names: Sequence[str]) -> bool:
        return self.run(lambda: self.library.set_tags(paper_id, names))

    def set_note(
        self,
        paper_id: int,
        body: str,
        *,
        expected_version: int | None = None,
        from_editor: bool = False,
    ) -> bool:
        """Save a note; with ``expected_version``, only over that version: a newer save by
        someone else is reported through :attr:`note_conflict` (nothing is written)."""

        def save() -> Changes:
            try:
                saved = self.library.set_note(paper_id, body, expected_version=expected_version)
            except EditConflict as err:
                self.note_conflict.emit(paper_id, body, err)
                raise
            self.note_saved.emit(paper_id, saved.version)
            return saved.changes

        return self.run(save, from_editor=from_editor, quiet=(EditConflict,))

    def trash(self, ids: Sequence[int]) -> bool:
        return self.run(lambda: self.library.trash(ids), size=len(ids))

    def restore(self, ids: Sequence[int]) -> bool:
        return self.run(lambda: self.library.restore(ids), size=len(ids))

    # -- shelves ------------------------------------------------------------------------------

    def shelf_add(self, name: str, ids: Sequence[int], position: int | None = None) -> bool:
        return self.run(
            lambda: Shelves(self.library).add(name, ids, position=position), size=len(ids)
        )

    def shelf_transfer(self, source: str, target: str, ids: Sequence[int]) -> bool:
        return self.run(lambda: Shelves(self.library).transfer(source, target, ids), size=len(ids))

    def shelf_move(self, name: str, ids: Sequence[int], position: int) -> bool:
        return self.run(lambda: Shelves(self.library).move(name, ids, position), size=len(ids))

    def shelf_remove(self, name: str, ids: Sequence[int]) -> bool:
        return self.run(lambda: Shelves(self.library).remove(name, ids), size=len(ids))

    def shelf_restore_orders(self, orders: Mapping[str, Sequence[int]]) -> bool:
        """Give each shelf exactly these papers in this order (undo of a shelf edit)."""

        def work() -> Changes:
            shelves = Shelves(self.library)
            done = NO_CHANGES
            for name, ids in orders.items():
                done = done | shelves.restore_order(name, ids)
            return done

        return self.run(work, size=sum(len(ids) for ids in orders.values()))

    # -- putting back several papers' earlier values (undo) ---------------------------------

    def restore_starred(self, before: Mapping[int, bool]) -> bool:
        return self.run(lambda: _grouped(before, self.library.set_starred), size=len(before))

    def restore_status(self, before: Mapping[int, ReadStatus]) -> bool:
        return self.run(lambda: _grouped(before, self.library.set_status), size=len(before))

    def remove_tags_each(self, ids_by_tag: Mapping[str, Sequence[int]]) -> bool:
        """Remove each tag from its own papers (undo of adding tags to a selection)."""

        def work() -> Changes:
            done = NO_CHANGES
            for name, ids in ids_by_tag.items():
                if ids:
                    done = done | self.library.remove_tags(ids, [name])
            return done

        return self.run(work, size=sum(len(ids) for ids in ids_by_tag.values()))

    # -- news from elsewhere -----------------------------------------------------------------

    def announce(self, update: Update | Changes) -> None:
        """Tell the views about a change made elsewhere (an import, a dialog, another
        process), as the service that made it reported it."""
        if isinstance(update, Changes):
            update = Update(update)
        for warning in update.changes.warnings:
            self.warning.emit(warning)
        self.changed.emit(update)


def _grouped(before: Mapping[int, V], apply: Callable[[list[int], V], Changes]) -> Changes:
    groups: dict[V, list[int]] = defaultdict(list)
    for paper_id, value in before.items():
        groups[value].append(paper_id)
    done = NO_CHANGES
    for value, ids in groups.items():
        done = done | apply(ids, value)
    return done
