"""Library > Open Shared Library…, and the "changed by someone else, reload?" question.

:class:`OpenSharedDialog` asks for a PostgreSQL server and database (or a whole
``postgresql://`` URL pasted in) and hands back the URL to open; it opens nothing itself.
:func:`resolve_conflict` is what an editor asks when its save met a colleague's
(:class:`readinglist.library.EditConflict`): reload theirs, save mine over it, or go on editing.
"""

from __future__ import annotations

import dataclasses
import enum
import getpass
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from readinglist.store.location import LocationError, ServerAddress, is_url

if TYPE_CHECKING:
    from readinglist.library import EditConflict

__all__ = ["ConflictChoice", "OpenSharedDialog", "conflict_box", "resolve_conflict"]

DEFAULT_PORT = 5432


class OpenSharedDialog(QDialog):
    """Where the shared library is: server, port, database, user, password (optional).

    The password may stay empty when the server trusts this computer or the user keeps it
    in ``~/.pgpass`` (docs/shared-library.md). :meth:`url` is what to open.
    """

    def __init__(self, parent: QWidget | None = None, *, initial: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Shared Library")
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("postgresql://user@server/database")
        self.url_edit.setToolTip("Paste a whole URL here, or fill in the fields below.")
        self.host_edit = QLineEdit("localhost")
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit()
        self.database_edit.setPlaceholderText("readinglist")
        self.user_edit = QLineEdit(_os_user())
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("optional (~/.pgpass)")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&URL:", self.url_edit)
        form.addRow("&Server:", self.host_edit)
        form.addRow("&Port:", self.port_box)
        form.addRow("&Database:", self.database_edit)
        form.addRow("U&ser:", self.user_edit)
        form.addRow("Pass&word:", self.password_edit)
        note = QLabel(
            "The papers, tags, notes and shelves live on the server and are shared with "
            "everyone who opens this database; the search index stays on this computer."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self._syncing = False
        self.url_edit.textEdited.connect(self._url_edited)
        for edit in (self.host_edit, self.database_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self._fields_edited)
        self.port_box.valueChanged.connect(self._fields_edited)
        if initial:
            self.url_edit.setText(initial)
            self._url_edited(initial)
        else:
            self._fields_edited()
        self.database_edit.setFocus()

    # -- what the dialog answers ------------------------------------------------------------

    def address(self) -> ServerAddress:
        port = self.port_box.value()
        return ServerAddress(
            host=self.host_edit.text().strip(),
            database=self.database_edit.text().strip(),
            user=self.user_edit.text().strip(),
            password=self.password_edit.text(),
            port=None if port == DEFAULT_PORT else port,
        )

    def url(self) -> str:
        """The URL to open (with the password, if one was typed: never show it)."""
        return self.address().url()

    def problem_text(self) -> str | None:
        """Why the library cannot be opened as filled in, or None."""
        address = self.address()
        if not address.host:
            return "Enter the server's name or address."
        if not address.database:
            return "Enter the name of the database that holds the library."
        return None

    # -- keeping the URL and the fields in step -----------------------------------------------

    @Slot(str)
    def _url_edited(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._show_problem(self.problem_text())
            return
        if not is_url(text):
            self._show_problem("A shared library's URL starts with postgresql://")
            return
        try:
            address = ServerAddress.from_url(text)
        except LocationError as err:
            self._show_problem(str(err))
            return
        self._syncing = True
        try:
            self.host_edit.setText(address.host or "localhost")
            self.port_box.setValue(address.port or DEFAULT_PORT)
            self.database_edit.setText(address.database)
            self.user_edit.setText(address.user)
            self.password_edit.setText(address.password)
        finally:
            self._syncing = False
        self._show_problem(self.problem_text())

    @Slot()
    def _fields_edited(self) -> None:
        if self._syncing:
            return
        # The URL shown never carries the password: it is only in the password field.
        shown = dataclasses.replace(self.address(), password="").url()
        self.url_edit.setText(shown if self.address().database else "")
        self._show_problem(self.problem_text())

    def _show_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
        self.problem.setVisible(bool(text) and bool(self.url_edit.text() or self._touched()))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        ok.setEnabled(text is None)

    def _touched(self) -> bool:
        return bool(self.database_edit.text()) or self.host_edit.text() != "localhost"

    def accept(self) -> None:  # overrides QDialog.accept
        problem = self.problem_text()
        if problem is not None:
            self._show_problem(problem)
            self.problem.show()
            return
        super().accept()


class ConflictChoice(enum.Enum):
    RELOAD = "reload"  # take the colleague's version (mine goes to the clipboard)
    OVERWRITE = "overwrite"  # save mine over theirs
    KEEP_EDITING = "keep"  # do nothing yet


def conflict_box(parent: QWidget | None, conflict: EditConflict, what: str = "note") -> QMessageBox:
    """The question, with its three answers (built apart from exec() so tests can look)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed by someone else")
    who = conflict.author or "someone else"
    box.setText(f"This {what} was changed by {who} while you were editing it.")
    box.setInformativeText(
        f"{conflict}.\n\nReload to see their version (your text is copied to the "
        "clipboard), or save yours over it."
    )
    reload_button = box.addButton("&Reload Theirs", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Save Mine", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Keep Editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_button)
    return box


def resolve_conflict(
    parent: QWidget | None, conflict: EditConflict, mine: str, what: str = "note"
) -> ConflictChoice:
    """Ask what to do about a save that met a colleague's; RELOAD puts ``mine`` on the clipboard."""
    box = conflict_box(parent, conflict, what)
    box.exec()
    role = box.buttonRole(box.clickedButton()) if box.clickedButton() else None
    if role == QMessageBox.ButtonRole.AcceptRole:
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(mine)
        return ConflictChoice.RELOAD
    if role == QMessageBox.ButtonRole.DestructiveRole:
        return ConflictChoice.OVERWRITE
    return ConflictChoice.KEEP_EDITING


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
