"""Library > Open Shared Library…: which server and database to open.

:class:`OpenSharedDialog` asks for a PostgreSQL server and database (or a whole
``postgresql://`` URL pasted in) and hands back the URL to open; it opens nothing itself.
"""

from __future__ import annotations

import dataclasses
import getpass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from readinglist.layout import is_url
from readinglist.store.location import LocationError, ServerAddress

__all__ = ["OpenSharedDialog"]

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


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
