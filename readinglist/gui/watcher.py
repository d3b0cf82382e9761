"""Noticing changes made outside the window (the command line) while it is open.

Polls the library's cheap ``data_version`` every few seconds and when the application
becomes active again. The window's own edits also move that number, so after each of them
the window calls :meth:`ChangeWatcher.acknowledge`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from readinglist.library import Library

POLL_MS = 2_000

log = logging.getLogger(__name__)


class ChangeWatcher(QObject):
    """Emits :attr:`changed_elsewhere` when someone else committed to the library."""

    changed_elsewhere = Signal()

    def __init__(self, library: Library, parent: QObject | None = None, *, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.library = library
        self._seen = self._version()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(self._state_changed)

    def _version(self) -> int | None:
        try:
            return self.library.data_version()
        except Exception:
            log.warning("could not read the library's data version", exc_info=True)
            return None

    def acknowledge(self) -> None:
        """The window just changed the library itself: nothing to reload for that."""
        self._seen = self._version()

    def check(self) -> bool:
        """Look now; True (and a signal) when the library changed since last seen."""
        version = self._version()
        if version is None or version == self._seen:
            return False
        self._seen = version
        self.changed_elsewhere.emit()
        return True

    def stop(self) -> None:
        self._timer.stop()

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()
