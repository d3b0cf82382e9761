"""The notes editor: Markdown with a rendered preview, saved while you type.

A save is asked for 500 ms after typing stops, and at once when the editor loses focus,
when another paper is shown and when the window closes (:meth:`NotesEditor.flush`), so a
note survives the window closing or the app being killed a second after typing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.gui.links import open_web_url

SAVE_DELAY_MS = 500


class NotesEditor(QWidget):
    """Edit one paper's note; emits :attr:`save_requested` (paper id, before, after, and the
    note version the text started from, so a colleague's newer save is never overwritten)."""

    save_requested = Signal(int, str, str, int)
    link_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesEditor")
        self._paper_id: int | None = None
        self._version = 0
        self._saved = ""  # the body as last saved (or loaded)
        self._loading = False

        title = QLabel("<b>Notes</b>")
        self.state_label = QLabel()
        self.state_label.setObjectName("noteState")
        self.preview_button = QToolButton()
        self.preview_button.setText("Preview")
        self.preview_button.setCheckable(True)
        self.preview_button.setToolTip("Show the note rendered from Markdown")
        self.preview_button.toggled.connect(self._set_preview)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.state_label)
        top.addWidget(self.preview_button)

        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEdit")
        self.editor.setPlaceholderText(
            "Write a note in Markdown: *emphasis*, **bold**, - lists, [links](https://…)"
        )
        self.editor.setTabChangesFocus(True)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(self.font().pointSizeF())
        self.editor.setFont(fixed)
        self.editor.textChanged.connect(self._edited)
        self.editor.installEventFilter(self)

        self.preview = QTextBrowser()
        self.preview.setObjectName("notePreview")
        self.preview.setOpenLinks(False)
        self.preview.anchorClicked.connect(self._link)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.editor)
        self.stack.addWidget(self.preview)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self.setEnabled(False)

    @property
    def paper_id(self) -> int | None:
        return self._paper_id

    @property
    def dirty(self) -> bool:
        return self._paper_id is not None and self.editor.toPlainText() != self._saved

    def text(self) -> str:
        return self.editor.toPlainText()

    @property
    def version(self) -> int:
        """The note version the text in the editor started from (0: no note)."""
        return self._version

    def saved(self, paper_id: int, version: int) -> None:
        """The library saved this editor's text as ``version``."""
        if paper_id == self._paper_id:
            self._version = version

    def show_note(
        self, paper_id: int | None, body: str, *, version: int = 0, force: bool = False
    ) -> None:
        """Show ``body`` for ``paper_id``, saving the previous paper's typing first.

        For the paper already shown, unsaved typing is kept unless ``force`` (an undo
        replaces it): a refresh never throws away what the user is writing.
        """
        same = paper_id == self._paper_id
        if not same:
            self.flush()
        elif self.dirty and not force:
            return
        self._paper_id = paper_id
        self._saved = body
        self._version = version
        self.setEnabled(paper_id is not None)
        if self.editor.toPlainText() != body:
            cursor = self.editor.textCursor().position() if same else 0
            self._loading = True
            try:
                self.editor.setPlainText(body)
            finally:
                self._loading = False
            if same:
                moved = self.editor.textCursor()
                moved.setPosition(min(cursor, len(body)))
                self.editor.setTextCursor(moved)
        self._timer.stop()
        if not same:
            self.state_label.setText("")
            if not self.editor.hasFocus():
                self.preview_button.setChecked(bool(body.strip()))
        self._render()

    def flush(self) -> None:
        """Save now if the text differs from the saved note (the save is synchronous)."""
        self._timer.stop()
        if not self.dirty:
            return
        assert self._paper_id is not None
        before, after = self._saved, self.editor.toPlainText()
        self._saved = after
        self.save_requested.emit(self._paper_id, before, after, self._version)
        self.state_label.setText("Saved")

    def saved_failed(self, body: str) -> None:
        """The owner could not save: keep the text and show it as unsaved."""
        self._saved = body
        self.state_label.setText("Not saved")

    def edit(self) -> None:
        """Switch to the editor and put the cursor in it."""
        self.preview_button.setChecked(False)
        self.editor.setFocus()

    def _edited(self) -> None:
        if self._loading or self._paper_id is None:
            return
        self.state_label.setText("Editing…")
        self._timer.start()

    def _set_preview(self, on: bool) -> None:
        if on:
            self.flush()
            self._render()
        self.stack.setCurrentWidget(self.preview if on else self.editor)
        self.preview_button.setText("Edit" if on else "Preview")

    def _render(self) -> None:
        body = self.editor.toPlainText()
        if body.strip():
            self.preview.setMarkdown(body)
        else:
            self.preview.setHtml("<p><i>No note yet: press Edit to write one.</i></p>")

    def _link(self, url: QUrl) -> None:
        if not open_web_url(url):
            self.link_refused.emit(url.toString())

    # QObject.eventFilter override: save when the editor loses focus
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)
