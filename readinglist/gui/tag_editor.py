"""Editing tags as comma-separated text, completing each tag from the library's tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


def split_tags(text: str) -> list[str]:
    """Tags typed as "a, b, c": trimmed, empty ones dropped, first spelling of each kept."""
    seen: dict[str, str] = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def join_tags(tags: Sequence[str]) -> str:
    return ", ".join(tags)


class TagLineEdit(QLineEdit):
    """A line edit for "tag, tag, tag" whose completer completes the tag being typed."""

    committed = Signal(list)  # the tags, when Enter is pressed or focus leaves with a change

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Add tags, separated by commas")
        self.setClearButtonEnabled(True)
        self._known = QStringListModel(self)
        completer = QCompleter(self._known, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setWidget(self)
        completer.activated.connect(self._insert_completion)
        self._completer = completer
        self._committed_text = ""
        self.textEdited.connect(self._update_completion)
        self.editingFinished.connect(self._finish)

    @property
    def completer_(self) -> QCompleter:
        return self._completer

    def _popup(self) -> QAbstractItemView:
        popup = self._completer.popup()
        assert popup is not None  # QCompleter always has one
        return popup

    def set_known_tags(self, names: Sequence[str]) -> None:
        self._known.setStringList(sorted(names, key=str.casefold))

    def set_tags(self, tags: Sequence[str]) -> None:
        """Show ``tags`` as the saved state (no commit)."""
        self._committed_text = join_tags(tags)
        self.setText(self._committed_text)

    def tags(self) -> list[str]:
        return split_tags(self.text())

    def _current_token(self) -> str:
        head = self.text()[: self.cursorPosition()]
        return head.rsplit(",", 1)[-1].lstrip()

    def _update_completion(self, _text: str) -> None:
        token = self._current_token()
        if not token:
            self._popup().hide()
            return
        self._completer.setCompletionPrefix(token)
        if self._completer.completionCount():
            self._completer.complete()
        else:
            self._popup().hide()

    def _insert_completion(self, name: str) -> None:
        text, cursor = self.text(), self.cursorPosition()
        head, tail = text[:cursor], text[cursor:]
        before = head.rsplit(",", 1)[0] + ", " if "," in head else ""
        rest = tail.split(",", 1)[1] if "," in tail else ""
        new_head = f"{before}{name}, "
        self.setText(new_head + rest.lstrip())
        self.setCursorPosition(len(new_head))

    # QObject.event override: Escape with an unsaved edit is ours (it reverts), not a
    # window shortcut's (which would move the focus away and so save the edit)
    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.text() != self._committed_text
        ):
            event.accept()
            return True
        return super().event(event)

    # QWidget.keyPressEvent override: let the popup take Enter/Escape while it is open
    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._popup()
        if popup.isVisible() and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Escape,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            event.ignore()
            return
        if event.key() == Qt.Key.Key_Escape and self.text() != self._committed_text:
            self.setText(self._committed_text)  # Escape drops the unsaved edit
            return
        super().keyPressEvent(event)

    def _finish(self) -> None:
        if self._popup().isVisible():
            return
        tags = self.tags()
        if split_tags(self._committed_text) != tags:
            self._committed_text = join_tags(tags)
            self.setText(self._committed_text)
            self.committed.emit(tags)


class TagDialog(QDialog):
    """T in the table: edit one paper's tags, or add tags to a selection."""

    def __init__(
        self,
        known: Sequence[str],
        *,
        count: int,
        current: Sequence[str] = (),
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tagDialog")
        self.adding = count > 1
        self.setWindowTitle("Add Tags" if self.adding else "Edit Tags")
        layout = QVBoxLayout(self)
        if self.adding:
            text = f"Add tags to {count:,} papers:"
        else:
            short = title if len(title) <= 70 else title[:69] + "…"
            text = f"Tags for “{short}”:"
        label = QLabel(text)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.editor = TagLineEdit(self)
        self.editor.set_known_tags(known)
        if not self.adding:
            self.editor.set_tags(current)
            if current:
                self.editor.setText(join_tags(current) + ", ")
        self.editor.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 48)
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        label.setBuddy(self.editor)

    def tags(self) -> list[str]:
        return self.editor.tags()
