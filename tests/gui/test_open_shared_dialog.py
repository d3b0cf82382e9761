"""Open Shared Library… and the "changed by someone else" question, through their widgets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from readinglist.errors import EditConflict
from readinglist.gui.note_conflict import ConflictChoice, conflict_box, resolve_conflict
from readinglist.gui.open_shared_dialog import OpenSharedDialog
from readinglist.store.location import parse_location

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _dialog(qtbot: QtBot, initial: str | None = None) -> OpenSharedDialog:
    dialog = OpenSharedDialog(initial=initial)
    qtbot.addWidget(dialog)
    return dialog


def _open_button(dialog: OpenSharedDialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Open)


def test_the_fields_make_a_url_that_opens_as_a_shared_library(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    assert not _open_button(dialog).isEnabled()  # type: ignore[attr-defined]
    QTest.keyClicks(dialog.database_edit, "papers")
    dialog.host_edit.setText("db.lab.example")
    dialog.port_box.setValue(5433)
    dialog.user_edit.setText("alice")
    QTest.keyClicks(dialog.password_edit, "s3cret")

    assert dialog.url() == "postgresql://alice:s3cret@db.lab.example:5433/papers"
    assert dialog.url_edit.text() == "postgresql://alice@db.lab.example:5433/papers"  # no pw
    assert _open_button(dialog).isEnabled()  # type: ignore[attr-defined]
    where = parse_location(dialog.url())
    assert where.shared
    assert where.display == "postgresql://alice:***@db.lab.example:5433/papers"


def test_a_pasted_url_fills_the_fields(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    QTest.keyClicks(dialog.url_edit, "postgres://bob:pw@10.0.0.7/lab")
    assert dialog.host_edit.text() == "10.0.0.7"
    assert dialog.port_box.value() == 5432
    assert dialog.database_edit.text() == "lab"
    assert dialog.user_edit.text() == "bob"
    assert dialog.password_edit.text() == "pw"
    assert dialog.url() == "postgresql://bob:pw@10.0.0.7/lab"


def test_an_initial_url_is_shown_ready_to_open(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, initial="postgresql://carol@server/readinglist")
    assert dialog.database_edit.text() == "readinglist"
    assert _open_button(dialog).isEnabled()  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    assert dialog.url() == "postgresql://carol@server/readinglist"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("mysql://a@b/c", "unsupported library URL"),
        ("postgresql://a@b", "names no database"),
        ("~/papers", "starts with postgresql://"),
    ],
)
def test_a_bad_url_says_why_and_cannot_be_opened(qtbot: QtBot, typed: str, problem: str) -> None:
    dialog = _dialog(qtbot)
    QTest.keyClicks(dialog.url_edit, typed)
    assert problem in dialog.problem.text()
    assert not dialog.problem.isHidden()
    assert not _open_button(dialog).isEnabled()  # type: ignore[attr-defined]


def test_missing_parts_keep_the_dialog_open(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot)
    dialog.database_edit.setText("papers")
    dialog.host_edit.setText("")
    assert dialog.problem_text() == "Enter the server's name or address."
    dialog.accept()
    assert dialog.result() != OpenSharedDialog.DialogCode.Accepted
    assert "server" in dialog.problem.text()


CONFLICT = EditConflict("the note on paper 7", "alice", dt.datetime(2025, 3, 14, 10, 32))


def test_the_conflict_question_says_who_and_offers_to_keep_both(qtbot: QtBot) -> None:
    box = conflict_box(None, CONFLICT)
    qtbot.addWidget(box)
    assert "changed by alice" in box.text()
    assert "2025-03-14 10:32 UTC" in box.informativeText()
    assert sorted(b.text().replace("&", "") for b in box.buttons()) == [
        "Keep Both",
        "Keep Editing",
        "Reload Theirs",
        "Save Mine",
    ]
    assert box.defaultButton().text().replace("&", "") == "Keep Both"


@pytest.mark.parametrize(
    ("button", "choice"),
    [
        ("Keep Both", ConflictChoice.KEEP_BOTH),
        ("Reload Theirs", ConflictChoice.RELOAD),
        ("Save Mine", ConflictChoice.OVERWRITE),
        ("Keep Editing", ConflictChoice.KEEP_EDITING),
    ],
)
def test_each_answer_is_reported(qtbot: QtBot, button: str, choice: ConflictChoice) -> None:
    clipboard = QApplication.clipboard()
    clipboard.setText("")

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        (wanted,) = [b for b in box.buttons() if b.text().replace("&", "") == button]
        wanted.click()

    QTimer.singleShot(0, answer)
    assert resolve_conflict(None, CONFLICT, "my unsaved words") == choice
    # reloading never loses what was typed: it waits on the clipboard
    assert (clipboard.text() == "my unsaved words") == (choice is ConflictChoice.RELOAD)
