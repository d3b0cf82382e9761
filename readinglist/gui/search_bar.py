"""The search field: the query language as you type, debounced, with "did you mean"."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

if TYPE_CHECKING:
    from readinglist.records import SearchOutcome

DEBOUNCE_MS = 150

PLACEHOLDER = 'Search: words, "a phrase", tag:lora, is:starred, year:2024… (Ctrl+F)'


class SearchField(QLineEdit):
    """The line edit: emits :attr:`query_changed` once typing pauses, Escape clears."""

    query_changed = Signal(str)
    leave_requested = Signal()  # Escape on an empty field, Down arrow: back to the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchField")
        self.setPlaceholderText(PLACEHOLDER)
        self.setClearButtonEnabled(True)
        shortcut = QKeySequence(QKeySequence.StandardKey.Find).toString(
            QKeySequence.SequenceFormat.NativeText
        )
        self.setToolTip(
            f"Search the library ({shortcut}).\n"
            'Words are stemmed; "quotes" find a phrase; OR, -word, field:word (title, '
            "abstract, tag, note, shelf, org),\nis:starred / is:unread / is:read, year:2024, "
            "upvotes:>=5, seen:>=2, added:7d"
        )
        self._sent = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._send)
        self.textChanged.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self._send)

    @property
    def query(self) -> str:
        """The query last sent (what the table shows)."""
        return self._sent

    def set_query(self, text: str) -> None:
        """Replace the text and search for it at once (a "did you mean" click)."""
        self.setText(text)
        self._send()

    def _send(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._sent:
            self._sent = text
            self.query_changed.emit(text)

    # QWidget.keyPressEvent override: Escape clears, then leaves; Down goes to the table
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
                self._send()
            else:
                self.leave_requested.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self._send()
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)


class SearchInfo(QWidget):
    """A line under the field: "Did you mean …?" (clickable) and problems with the query."""

    suggestion_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchInfo")
        self.label = QLabel()
        self.label.setObjectName("searchInfoLabel")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.linkActivated.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.label)
        self._suggestion: str | None = None
        self.hide()

    @property
    def suggestion(self) -> str | None:
        return self._suggestion

    def show_outcome(self, outcome: SearchOutcome | None) -> None:
        parts = []
        self._suggestion = outcome.suggestion if outcome is not None else None
        if outcome is not None and outcome.message:
            parts.append(html.escape(outcome.message))
        if self._suggestion:
            parts.append(
                f'Did you mean <a href="suggest"><b><i>{html.escape(self._suggestion)}</i></b></a>?'
            )
        self.label.setText(" · ".join(parts))
        self.setVisible(bool(parts))

    def _clicked(self, _link: str) -> None:
        if self._suggestion:
            self.suggestion_clicked.emit(self._suggestion)
