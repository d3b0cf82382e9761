"""Noticing changes made outside the window (the command line, a colleague) while it is open.

Reads the library's change journal every second and when the application becomes active
again: one indexed query when nothing happened, and when something did, exactly which
papers, shelves, tags and digests changed. The window's own edits are left out by the
feed (they reach the views through :class:`~readinglist.gui.ops.Ops` already), so a
command-line edit made between an edit and its acknowledgement is never swallowed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from readinglist.gui.ops import Update

if TYPE_CHECKING:
    from readinglist.library import Library

POLL_MS = 1_000

log = logging.getLogger(__name__)


class ChangeWatcher(QObject):
    """Emits :attr:`changed_elsewhere` with an Update when someone else committed."""

    changed_elsewhere = Signal(object)  # Update

    def __init__(self, library: Library, parent: QObject | None = None, *, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.feed = library.feed()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(self._state_changed)

    def check(self) -> bool:
        """Look now; True (and a signal) when the library changed elsewhere since last seen."""
        try:
            news = self.feed.poll()
        except Exception:  # a busy or vanished database: look again next time
            log.warning("could not read the library's change journal", exc_info=True)
            return False
        if news is None:
            return False
        self.changed_elsewhere.emit(Update(news.changes, external=True, reload=news.reload))
        return True

    def stop(self) -> None:
        self._timer.stop()

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()
