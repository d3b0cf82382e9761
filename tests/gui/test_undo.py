"""Undo commands against the services: each puts back exactly what was there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QUndoStack

from readinglist.gui import undo
from readinglist.gui.ops import Ops, Update
from readinglist.gui.undo import (
    AddTagsCommand,
    NoteCommand,
    SetTagsCommand,
    StarCommand,
    StatusCommand,
    TrashCommand,
)
from readinglist.records import ReadStatus

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from readinglist.library import Library


@pytest.fixture
def stack(qtbot: QtBot) -> QUndoStack:
    return QUndoStack()


@pytest.fixture(params=["records", "queries"])
def ops(request: pytest.FixtureRequest, library: Library, monkeypatch: pytest.MonkeyPatch) -> Ops:
    """Both ways of reading the earlier state: records (few papers), id queries (many)."""
    if request.param == "queries":
        monkeypatch.setattr(undo, "FEW", 0)
    return Ops(library)


def test_star_undo_restores_each_papers_own_star(
    ops: Ops, stack: QUndoStack, library: Library, papers: list[int]
) -> None:
    library.set_starred([papers[0]], True)
    stack.push(StarCommand(ops, papers[:3], True))
    assert all(r.starred for r in library.papers(papers[:3]))
    stack.undo()
    assert [r.starred for r in library.papers(papers[:3])] == [True, False, False]
    stack.redo()
    assert all(r.starred for r in library.papers(papers[:3]))


def test_status_undo_restores_mixed_statuses(
    ops: Ops, stack: QUndoStack, library: Library, papers: list[int]
) -> None:
    library.set_status([papers[0]], ReadStatus.READ)
    library.set_status([papers[1]], ReadStatus.SKIMMED)
    stack.push(StatusCommand(ops, papers[:3], ReadStatus.SKIMMED))
    stack.undo()
    assert [r.read_status for r in library.papers(papers[:3])] == [
        ReadStatus.READ,
        ReadStatus.SKIMMED,
        ReadStatus.UNREAD,
    ]


def test_adding_tags_undoes_only_what_it_added(
    ops: Ops, stack: QUndoStack, library: Library, papers: list[int]
) -> None:
    library.add_tags([papers[0]], ["lora"])
    stack.push(AddTagsCommand(ops, papers[:2], ["LoRA", "peft"]))
    assert [r.tags for r in library.papers(papers[:2])] == [("lora", "peft"), ("lora", "peft")]
    stack.undo()
    assert [r.tags for r in library.papers(papers[:2])] == [("lora",), ()]


def test_set_tags_and_trash_round_trip(
    ops: Ops, stack: QUndoStack, library: Library, papers: list[int]
) -> None:
    stack.push(SetTagsCommand(ops, papers[0], [], ["a", "b"]))
    stack.push(TrashCommand(ops, papers[:2]))
    assert library.paper(papers[0]).trashed
    stack.undo()
    assert not library.paper(papers[0]).trashed
    assert library.paper(papers[0]).tags == ("a", "b")  # kept through the Trash
    stack.undo()
    assert library.paper(papers[0]).tags == ()


def test_note_saves_merge_and_a_failed_save_leaves_no_step(
    ops: Ops, stack: QUndoStack, library: Library, papers: list[int]
) -> None:
    stack.push(NoteCommand(ops, papers[0], "", "a"))
    stack.push(NoteCommand(ops, papers[0], "a", "ab"))
    assert stack.count() == 1
    stack.push(NoteCommand(ops, papers[1], "", "other paper"))
    assert stack.count() == 2
    stack.push(StarCommand(ops, [10_000], True))  # no such paper: refused, not pushed
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert library.paper(papers[0]).note == ""


def test_every_edit_broadcasts_what_changed(
    qtbot: QtBot, ops: Ops, stack: QUndoStack, papers: list[int]
) -> None:
    with qtbot.waitSignal(ops.changed) as blocker:
        stack.push(StarCommand(ops, papers[:2], True))
    update = blocker.args[0]
    assert isinstance(update, Update)
    # What the service reports it changed, not what the window asked for.
    assert update.papers == frozenset(papers[:2])
    assert not update.external
    with qtbot.waitSignal(ops.changed) as blocker:
        stack.push(StarCommand(ops, papers[:3], True))  # two of them are starred already
    assert blocker.args[0].papers == frozenset(papers[2:3])
    with qtbot.waitSignal(ops.error) as error:
        stack.push(TrashCommand(ops, [10_000]))
    assert "10000" in error.args[0]


def test_a_big_edit_runs_off_the_gui_thread_and_still_undoes(
    qtbot: QtBot,
    stack: QUndoStack,
    library: Library,
    papers: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from readinglist.gui import ops as ops_module

    monkeypatch.setattr(ops_module, "BIG_EDIT", 1)
    threads: list[int] = []
    real = library.trash

    def trash(ids: list[int]) -> None:
        threads.append(threading.get_ident())
        real(ids)

    monkeypatch.setattr(library, "trash", trash)
    ops = Ops(library)
    stack.push(TrashCommand(ops, papers[:3]))  # returns once done, like any edit
    assert all(r.trashed for r in library.papers(papers[:3]))
    assert threads
    assert threads[0] != threading.get_ident()
    stack.undo()
    assert not any(r.trashed for r in library.papers(papers[:3]))
    with qtbot.waitSignal(ops.error):
        stack.push(TrashCommand(ops, [papers[0], 10_000]))  # the worker's error reaches us
    assert not library.paper(papers[0]).trashed
