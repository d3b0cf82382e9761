"""The window and the command line together, as a user has them: one lock, one journal, one
resolver. Every window here is opened the way the app opens it (gui.app.open_window), and
every command line edit runs the real console script in another process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from readinglist.core import Scope, View
from readinglist.gui.app import open_window
from readinglist.gui.backups_dialog import BackupsDialog
from readinglist.gui.import_dialog import ImportDialog
from readinglist.gui.ops import Update
from readinglist.gui.paper_table import Column
from readinglist.gui.sources import ALL_PAPERS, STARRED
from readinglist.library import Library
from readinglist.records import Triage
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from readinglist.gui.main_window import MainWindow

TITLES = (
    "LoRA Adapters for Vision Transformers",
    "Diffusion Models Learn to Denoise",
    "Sparse Adapters Revisited",
    "Retrieval at Scale",
)


def cli(location: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in a process of its own (as a user's terminal runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(location), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def location(tmp_path: Path) -> Path:
    digest = tmp_path / "digest.txt"
    digest.write_text(digest_text(*((t, ABSTRACT) for t in TITLES)), encoding="utf-8")
    where = tmp_path / "lib"
    assert cli(where, "import", str(digest)).returncode == 0
    return where


@pytest.fixture
def ids(location: Path) -> dict[str, int]:
    listed = json.loads(cli(location, "list", "--json").stdout)
    return {p["title"]: p["id"] for p in listed}


@pytest.fixture
def window(qtbot: QtBot, location: Path, settings: QSettings) -> Iterator[MainWindow]:
    win = open_window(location, settings, poll_ms=100)
    qtbot.addWidget(win)
    win.resize(1200, 700)
    with qtbot.waitExposed(win):
        win.show()
    win.start_background_work()
    qtbot.waitUntil(lambda: win._index_ready, timeout=20_000)
    yield win
    if win.isVisible():
        win.close()
    win.release()


def _show(qtbot: QtBot, window: MainWindow, source: Scope, query: str = "") -> list[int]:
    with qtbot.waitSignal(window.listing_applied, timeout=10_000):
        if not window.sidebar.select_source(source):
            window.refresh_listing()
        window.search.set_query(query)
        window.refresh_listing()
    return list(window.table_model.ids)


def test_a_restore_is_refused_from_the_command_line_and_reopens_in_the_window(
    qtbot: QtBot,
    window: MainWindow,
    location: Path,
    ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib = window.library
    two = [ids[TITLES[0]], ids[TITLES[1]]]
    lib.set_starred(two, True)
    backup = json.loads(cli(location, "backup", "create", "--json").stdout)
    assert backup["name"]
    lib.set_starred(two, False)

    # The command line meets the window's own lock, and says whose.
    refused = cli(location, "backup", "restore", "latest", "--yes")
    assert refused.returncode == 1
    assert f"process {os.getpid()}" in refused.stderr
    assert "Traceback" not in refused.stderr

    # The window restores: it closes its library, restores, and opens it again.
    window.tools.open_backups()
    dialog = window.tools.last_dialog
    assert isinstance(dialog, BackupsDialog)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    dialog.select(dialog.paths()[0])
    dialog.restore_button.click()
    assert window.library is not lib  # reopened
    assert sorted(_show(qtbot, window, STARRED)) == sorted(two)

    # An edit made after the restore lands in the restored library on disk.
    third = ids[TITLES[2]]
    assert window.ops.set_starred([third], True)
    window.close()
    window.release()
    with Library.open(location) as reopened:
        assert sorted(reopened.paper_ids(Scope.starred())) == sorted([*two, third])


def test_a_command_line_edit_reaches_the_open_window_with_exact_ids(
    qtbot: QtBot, window: MainWindow, location: Path, ids: dict[str, int]
) -> None:
    _show(qtbot, window, ALL_PAPERS)
    paper = ids[TITLES[3]]
    updates: list[Update] = []
    window.ops.changed.connect(updates.append)
    # The window edits one paper; the command line another, before the window looks again.
    mine = ids[TITLES[0]]
    assert window.ops.set_starred([mine], True)
    assert cli(location, "star", str(paper)).returncode == 0
    qtbot.waitUntil(lambda: any(u.external for u in updates), timeout=10_000)
    (news,) = [u for u in updates if u.external]
    assert news.papers == {paper}  # exactly the paper the command line starred
    assert not news.reload
    qtbot.waitUntil(lambda: window.table_model.cached(paper) is not None)
    qtbot.waitUntil(lambda: window.table_model.cached(paper).starred)  # type: ignore[union-attr]
    own = [u for u in updates if not u.external]
    assert own[0].papers == {mine}  # the window's own edit, as the service reported it


def test_seen_in_is_fresh_after_a_multi_file_import(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, ids: dict[str, int]
) -> None:
    _show(qtbot, window, ALL_PAPERS)
    paper = ids[TITLES[1]]
    row = window.table_model.row_of(paper)
    assert row is not None
    seen = window.table_model.index(row, Column.SEEN)
    assert window.table_model.data(seen) == "1"
    later = []
    for n, label in enumerate(("Mar 12", "Mar 13")):
        path = tmp_path / f"later-{n}.txt"
        path.write_text(digest_text((TITLES[1], ABSTRACT), label=label), encoding="utf-8")
        later.append(path)
    dialog = window.open_import(later)
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(window.listing_applied, timeout=20_000):
        dialog.import_button.click()
    row = window.table_model.row_of(paper)
    assert row is not None
    qtbot.waitUntil(
        lambda: window.table_model.data(window.table_model.index(row, Column.SEEN)) == "3"
    )
    dialog.close()


def test_dismissed_papers_follow_the_same_rule_in_the_window(
    qtbot: QtBot, window: MainWindow, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    lora = ids[TITLES[0]]
    window.library.set_triage([lora], Triage.DISMISSED)
    searched = _show(qtbot, window, ALL_PAPERS, "adapters")
    assert lora not in searched
    assert _show(qtbot, window, ALL_PAPERS, "is:dismissed") == [lora]
    # A smart shelf saved from the search lists what the search listed.
    _show(qtbot, window, ALL_PAPERS, "adapters")
    monkeypatch.setattr(
        "PySide6.QtWidgets.QInputDialog.getText", lambda *_a, **_k: ("Adapters", True)
    )
    window.tools.save_search_as_shelf()
    shelf = Scope(View.SHELF, "Adapters")
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(shelf).isValid())
    assert sorted(_show(qtbot, window, shelf)) == sorted(searched)
    model = window.sidebar_model

    def count() -> int | None:
        entry = model.entry(model.index_of(shelf))
        return entry.count if entry is not None else None

    qtbot.waitUntil(lambda: count() == len(searched))


def test_the_detail_pane_leaves_a_paper_that_left_the_list(
    qtbot: QtBot, window: MainWindow, ids: dict[str, int]
) -> None:
    _show(qtbot, window, ALL_PAPERS)
    paper = ids[TITLES[2]]
    window.table.select_ids([paper], current=paper)
    assert window.detail.paper_id == paper
    listed = _show(qtbot, window, ALL_PAPERS, "diffusion")  # the search does not list it
    assert paper not in listed
    shown = window.detail.paper_id
    assert shown is None or shown in listed  # never a paper the list no longer holds
    window.library.trash(listed)  # and a delete made elsewhere
    _show(qtbot, window, ALL_PAPERS, "diffusion")
    assert window.detail.paper_id is None


def test_a_note_saved_over_a_newer_one_keeps_both_texts(
    qtbot: QtBot,
    window: MainWindow,
    location: Path,
    ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from readinglist.gui import note_conflict

    _show(qtbot, window, ALL_PAPERS)
    paper = ids[TITLES[3]]
    window.table.select_ids([paper], current=paper)
    editor = window.detail.notes
    assert (editor.paper_id, editor.version) == (paper, 0)
    # Someone saves a note on this paper from the command line while the user types.
    colleague = os.environ | {"READINGLIST_AUTHOR": "alice"}
    command = ["-m", "readinglist", "--library", str(location), "note", str(paper)]
    done = subprocess.run(
        [sys.executable, *command, "alice's reading"],
        capture_output=True,
        text=True,
        env=colleague,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    asked: list[str] = []

    def keep_both(_parent: object, conflict: object, mine: str, what: str = "note") -> object:
        asked.append(str(conflict))
        return note_conflict.ConflictChoice.KEEP_BOTH

    monkeypatch.setattr(note_conflict, "resolve_conflict", keep_both)
    editor.editor.setPlainText("my own reading")
    editor.flush()
    qtbot.waitUntil(lambda: bool(asked))
    assert "alice" in asked[0]
    qtbot.waitUntil(lambda: "alice's reading" in window.library.paper(paper).note)
    note = window.library.paper(paper).note
    assert note.index("alice's reading") < note.index("my own reading")  # theirs, then mine
    qtbot.waitUntil(lambda: editor.text() == note)


def test_titles_are_shown_as_text_never_as_markup(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    digest = tmp_path / "markup.txt"
    digest.write_text(digest_text(("<b>Bold</b> <img src=x> Claims", ABSTRACT)), encoding="utf-8")
    from readinglist.importing import Importer

    (imported,) = Importer(window.library).import_files([digest]).files
    (paper,) = imported.new_ids
    window.ops.announce(imported.changes)
    _show(qtbot, window, ALL_PAPERS)
    window.table.select_ids([paper], current=paper)
    assert window.detail.title_label.textFormat() == Qt.TextFormat.PlainText
    assert window.detail.title_label.text() == "<b>Bold</b> <img src=x> Claims"


def test_opening_a_shared_library_never_puts_its_password_on_a_command_line(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.gui.open_shared_dialog import OpenSharedDialog

    url = "postgresql://alice:s3cr3t@db.example/papers"
    monkeypatch.setattr(OpenSharedDialog, "exec", lambda _self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(OpenSharedDialog, "url", lambda _self: url)
    started: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(
        "readinglist.gui.window_tools.subprocess.Popen",
        lambda args, env, **_k: started.append((args, env)),
    )
    window.tools.open_shared_library()
    ((args, env),) = started
    assert not any("s3cr3t" in a for a in args)
    assert env["READINGLIST_HOME"] == url
