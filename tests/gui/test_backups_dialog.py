"""Library > Backups…: the list, Back Up Now off the GUI thread, restore after confirmation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from readinglist.errors import LibraryError
from readinglist.gui.backups_dialog import BackupsDialog
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.maintenance.backup import human_size
from readinglist.maintenance.lock import InstanceLock
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from readinglist.maintenance.backup import BackupInfo, RestoreResult

NOW = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def lib(library: Library) -> Library:
    Importer(library).import_text(digest_text(("Alpha Adapters", ABSTRACT), ("Beta", ABSTRACT)))
    return library


def _dialog(qtbot: QtBot, location: Path, **kwargs: object) -> BackupsDialog:
    dialog = BackupsDialog(location, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def test_lists_backups_newest_first_with_dates_reasons_and_sizes(
    qtbot: QtBot, lib: Library
) -> None:
    old = backups.create_backup(lib.location, reason="upgrade", now=NOW - dt.timedelta(days=2))
    new = backups.create_backup(lib.location, reason="daily", now=NOW)
    dialog = _dialog(qtbot, lib.location)
    assert dialog.paths() == [new.path, old.path]
    top, bottom = dialog.tree.topLevelItem(0), dialog.tree.topLevelItem(1)
    assert top is not None
    assert bottom is not None
    assert top.text(0) == NOW.astimezone().strftime("%Y-%m-%d %H:%M")
    assert top.text(1) == "Daily"
    assert bottom.text(1) == "Before an upgrade"
    assert top.text(2) == human_size(new.size)
    assert dialog.empty_label.isHidden()
    assert not dialog.restore_button.isEnabled()  # nothing selected yet


def test_empty_list_says_so(qtbot: QtBot, lib: Library) -> None:
    dialog = _dialog(qtbot, lib.location)
    assert dialog.paths() == []
    assert not dialog.empty_label.isHidden()


def test_back_up_now_runs_off_the_gui_thread_and_selects_the_new_backup(
    qtbot: QtBot, lib: Library
) -> None:
    dialog = _dialog(qtbot, lib.location)
    with qtbot.waitSignal(dialog.backed_up, timeout=10_000) as made:
        QTest.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
        assert not dialog.backup_button.isEnabled()  # one at a time
    info = made.args[0]
    assert dialog.paths() == [info.path]
    assert dialog.selected_path() == info.path
    assert "verified" in dialog.status.text()
    qtbot.waitUntil(dialog.backup_button.isEnabled)


def test_restore_asks_and_does_nothing_when_declined(
    qtbot: QtBot, lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = backups.create_backup(lib.location, now=NOW)
    called: list[Path] = []
    dialog = _dialog(qtbot, lib.location, restore=called.append)
    asked: list[BackupInfo] = []

    def decline(info: BackupInfo) -> bool:
        asked.append(info)
        return False

    monkeypatch.setattr(dialog, "confirm_restore", decline)
    dialog.select(info.path)
    QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert [i.path for i in asked] == [info.path]
    assert called == []


def test_restore_through_the_windows_function(
    qtbot: QtBot, lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window closes its library, restores holding its own lock, and reopens."""
    info = backups.create_backup(lib.location, now=NOW)
    lib.trash(lib.paper_ids())
    window_lock = InstanceLock(lib.location).acquire()
    reopened: list[Library] = []

    def restore(path: Path) -> RestoreResult:
        lib.close()
        result = backups.restore_backup(lib.location, path, lock=window_lock)
        reopened.append(Library.open(lib.location))
        return result

    dialog = _dialog(qtbot, lib.location, restore=restore)
    monkeypatch.setattr(dialog, "confirm_restore", lambda _info: True)
    dialog.select(info.path)
    try:
        with qtbot.waitSignal(dialog.restored) as done:
            QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        assert done.args[0].aside is not None
        assert done.args[0].aside.is_dir()
        assert reopened[0].summary().papers == 2
        assert "Restored the backup" in dialog.status.text()
    finally:
        for opened in reopened:
            opened.close()
        window_lock.release()


def test_a_failed_restore_is_shown(
    qtbot: QtBot, lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = backups.create_backup(lib.location, now=NOW)

    def refuse(_path: Path) -> RestoreResult:
        raise LibraryError("the backup is damaged")

    dialog = _dialog(qtbot, lib.location, restore=refuse)
    monkeypatch.setattr(dialog, "confirm_restore", lambda _info: True)
    dialog.select(info.path)
    with qtbot.assertNotEmitted(dialog.restored):
        QTest.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Not restored: the backup is damaged"
