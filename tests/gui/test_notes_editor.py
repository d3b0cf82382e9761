"""The notes editor on its own: when it asks to save, and what a refresh may not overwrite."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from readinglist.gui.notes_editor import SAVE_DELAY_MS, NotesEditor

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


_KEEP: list[QWidget] = []


def editor_in_window(qtbot: QtBot) -> tuple[NotesEditor, QLineEdit]:
    window = QWidget()
    _KEEP[:] = [window]  # the editor lives as long as its window
    layout = QVBoxLayout(window)
    notes = NotesEditor()
    other = QLineEdit()
    layout.addWidget(notes)
    layout.addWidget(other)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return notes, other


def test_saves_once_typing_pauses(qtbot: QtBot) -> None:
    notes, _ = editor_in_window(qtbot)
    notes.show_note(7, "old")
    notes.edit()
    QTest.keyClicks(notes.editor, " and new")
    with qtbot.waitSignal(notes.save_requested, timeout=SAVE_DELAY_MS * 3) as blocker:
        pass
    assert blocker.args[:2] == [7, "old"]
    assert sorted(blocker.args[2]) == sorted("old and new")  # wherever the cursor was
    assert notes.state_label.text() == "Saved"


def test_saves_on_focus_out(qtbot: QtBot) -> None:
    notes, other = editor_in_window(qtbot)
    notes.show_note(1, "")
    notes.edit()
    QTest.keyClicks(notes.editor, "x")
    with qtbot.waitSignal(notes.save_requested, timeout=100):
        other.setFocus()


def test_showing_another_paper_saves_first(qtbot: QtBot) -> None:
    notes, _ = editor_in_window(qtbot)
    notes.show_note(1, "", version=0)
    notes.edit()
    QTest.keyClicks(notes.editor, "one")
    with qtbot.waitSignal(notes.save_requested, timeout=100) as blocker:
        notes.show_note(2, "two", version=4)
    assert blocker.args == [1, "", "one", 0]  # with the version the text started from
    assert notes.version == 4
    assert notes.text() == "two"


def test_a_refresh_keeps_unsaved_typing_but_an_undo_replaces_it(qtbot: QtBot) -> None:
    notes, _ = editor_in_window(qtbot)
    notes.show_note(1, "saved")
    notes.edit()
    notes.editor.setPlainText("being typed")
    notes.show_note(1, "changed elsewhere")
    assert notes.text() == "being typed"
    notes.show_note(1, "undone", force=True)
    assert notes.text() == "undone"
    assert not notes.dirty


def test_nothing_to_save_emits_nothing(qtbot: QtBot) -> None:
    notes, other = editor_in_window(qtbot)
    notes.show_note(1, "same")
    with qtbot.assertNotEmitted(notes.save_requested, wait=SAVE_DELAY_MS + 100):
        notes.edit()
        other.setFocus()


def test_preview_renders_markdown(qtbot: QtBot) -> None:
    notes, _ = editor_in_window(qtbot)
    notes.show_note(1, "# Heading\n\n**bold** and a [link](https://example.org)")
    assert notes.preview_button.isChecked()  # a note opens rendered
    html = notes.preview.toHtml()
    assert "Heading" in html
    assert "font-weight" in html
    assert "https://example.org" in html
    notes.edit()
    assert notes.stack.currentWidget() is notes.editor
