"""User actions on papers: each calls one service and broadcasts what changed.

Views never keep their own copy of the truth: they listen to :attr:`Ops.changed` and
decide for themselves what to reload (a row, the list, the sidebar counts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog
from sqlalchemy.exc import OperationalError

from readinglist.gui.tasks import run_task
from readinglist.library import LibraryError
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from PySide6.QtWidgets import QWidget

    from readinglist.library import Library
    from readinglist.records import ReadStatus

V = TypeVar("V")

BIG_EDIT = 300
"""Edits of more papers than this run off the GUI thread (with their index update)."""


@dataclass(frozen=True, slots=True)
class Change:
    """What an action (or someone else) changed, so that each view can decide to refresh."""

    papers: frozenset[int] = frozenset()  # whose records changed
    listing: bool = True  # which papers a list shows may have changed
    sidebar: bool = True  # counts, tags, shelves or digests may have changed
    external: bool = False  # made outside this window (the command line)
    from_editor: bool = False  # a note saved from the editor, which already shows it


class Ops(QObject):
    """The GUI's door to the services; emits :attr:`changed` after every successful edit."""

    changed = Signal(object)  # Change
    error = Signal(str)  # a LibraryError's message, for the user

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.window: QWidget | None = None  # parent of the progress dialog of big edits

    def _run(self, work: Callable[[], object], change: Change) -> bool:
        try:
            if len(change.papers) > BIG_EDIT:
                self._run_waiting(work, len(change.papers))
            else:
                work()
        except LibraryError as err:
            self.error.emit(str(err))
            return False
        except OperationalError as err:  # another program holds the database too long
            self.error.emit(f"The library is busy, try again in a moment ({err.orig})")
            return False
        self.changed.emit(change)
        return True

    def _run_waiting(self, work: Callable[[], object], count: int) -> None:
        """Run a big edit (thousands of papers and their index) off the GUI thread.

        The window stays painted behind a modal progress dialog; for the undo stack the
        edit is still synchronous: this returns when it is done, or raises its error.
        """
        outcome: dict[str, str] = {}
        loop = QEventLoop()
        handle = run_task(lambda _progress, _cancelled: work(), parent=self)
        handle.failed.connect(lambda message: outcome.setdefault("error", message))
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
            raise LibraryError(outcome["error"])

    # -- single changes ----------------------------------------------------------------------

    def set_starred(self, ids: Sequence[int], starred: bool) -> bool:
        return self._run(lambda: self.library.set_starred(ids, starred), _papers(ids))

    def set_status(self, ids: Sequence[int], status: ReadStatus) -> bool:
        return self._run(lambda: self.library.set_status(ids, status), _papers(ids))

    def add_tags(self, ids: Sequence[int], names: Sequence[str]) -> bool:
        return self._run(lambda: self.library.add_tags(ids, names), _papers(ids))

    def set_tags(self, paper_id: int, names: Sequence[str]) -> bool:
        return self._run(lambda: self.library.set_tags(paper_id, names), _papers([paper_id]))

    def set_note(self, paper_id: int, body: str, *, from_editor: bool = False) -> bool:
        change = Change(frozenset({paper_id}), listing=False, from_editor=from_editor)
        return self._run(lambda: self.library.set_note(paper_id, body), change)

    def trash(self, ids: Sequence[int]) -> bool:
        return self._run(lambda: self.library.trash(ids), _papers(ids))

    def restore(self, ids: Sequence[int]) -> bool:
        return self._run(lambda: self.library.restore(ids), _papers(ids))

    # -- shelves ------------------------------------------------------------------------------

    def shelf_add(self, name: str, ids: Sequence[int], position: int | None = None) -> bool:
        return self._run(
            lambda: Shelves(self.library).add(name, ids, position=position), _papers(ids)
        )

    def shelf_transfer(self, source: str, target: str, ids: Sequence[int]) -> bool:
        return self._run(lambda: Shelves(self.library).transfer(source, target, ids), _papers(ids))

    def shelf_move(self, name: str, ids: Sequence[int], position: int) -> bool:
        return self._run(lambda: Shelves(self.library).move(name, ids, position), _papers(ids))

    def shelf_remove(self, name: str, ids: Sequence[int]) -> bool:
        return self._run(lambda: Shelves(self.library).remove(name, ids), _papers(ids))

    def shelf_restore_orders(
        self, orders: Mapping[str, Sequence[int]], moved: Iterable[int] = ()
    ) -> bool:
        """Give each shelf exactly these papers in this order (undo of a shelf edit).

        ``moved``: papers the undone edit placed, whose records change back too.
        """

        def work() -> None:
            shelves = Shelves(self.library)
            for name, ids in orders.items():
                shelves.restore_order(name, ids)

        touched = {i for ids in orders.values() for i in ids} | set(moved)
        return self._run(work, _papers(touched))

    # -- putting back several papers' earlier values (undo) ---------------------------------

    def restore_starred(self, before: Mapping[int, bool]) -> bool:
        return self._run(lambda: _grouped(before, self.library.set_starred), _papers(before.keys()))

    def restore_status(self, before: Mapping[int, ReadStatus]) -> bool:
        return self._run(lambda: _grouped(before, self.library.set_status), _papers(before.keys()))

    def remove_tags_each(self, ids_by_tag: Mapping[str, Sequence[int]]) -> bool:
        """Remove each tag from its own papers (undo of adding tags to a selection)."""

        def work() -> None:
            for name, ids in ids_by_tag.items():
                if ids:
                    self.library.remove_tags(ids, [name])

        touched = {i for ids in ids_by_tag.values() for i in ids}
        return self._run(work, _papers(touched))

    # -- news from elsewhere -----------------------------------------------------------------

    def announce(self, change: Change) -> None:
        """Tell the views about a change made elsewhere (an import, another process)."""
        self.changed.emit(change)


def _papers(ids: Iterable[int]) -> Change:
    return Change(frozenset(ids))


def _grouped(before: Mapping[int, V], apply: Callable[[list[int], V], None]) -> None:
    groups: dict[V, list[int]] = defaultdict(list)
    for paper_id, value in before.items():
        groups[value].append(paper_id)
    for value, ids in groups.items():
        apply(ids, value)
