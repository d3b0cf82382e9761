"""Start-up: the application object, the library, the main window. The only wiring place."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from readinglist import __version__
from readinglist.gui import icons
from readinglist.gui.main_window import MainWindow
from readinglist.library import Library, LibraryError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

APP_NAME = "readinglist"
ORG_NAME = "readinglist"
LOCK_NAME = "window.lock"


def application() -> QApplication:
    """The QApplication, created once, named so that QSettings finds our settings."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationDisplayName("readinglist")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.readinglist")  # packaging/linux/<this>.desktop
    app.setWindowIcon(icons.app_icon())
    return app


def run(location: Path | str, files: Sequence[Path] = (), *, smoke_test: bool = False) -> int:
    """Open the window on the library at ``location``; returns the exit status.

    ``files`` (from "Open With" or the command line) open in the import dialog;
    ``smoke_test`` exits 0 once the window has painted (the packaged build's check).
    """
    app = application()
    try:
        # The index sync and the daily backup run in the background once the window shows.
        library = Library.open(location, sync_index=False, daily_backup=False)
    except LibraryError as err:
        QMessageBox.critical(None, "readinglist", f"Cannot open the library.\n\n{err}")
        return 1
    lock = QLockFile(str(library.location / LOCK_NAME))
    # One window per local library; a shared library is made for several windows at once
    # (the server keeps them consistent), so it takes no instance lock.
    if not library.shared and not lock.tryLock(200):
        # QLockFile reclaims a lock whose process died; this one is held by a live process.
        pid, host, _app = lock.getLockInfo()
        holder = f"process {pid} on {host or 'this computer'}"
        library.close()
        QMessageBox.information(
            None,
            "readinglist",
            f"readinglist is already open on this library ({holder}):\n{location}",
        )
        return 1
    try:
        window = MainWindow(library, QSettings())
        window.show()
        QTimer.singleShot(0, window.start_background_work)
        if files:
            QTimer.singleShot(0, lambda: window.open_import(list(files)))
        if smoke_test:
            QTimer.singleShot(300, lambda: _finish_smoke_test(app, window))
        _close_on_signals(app, window)
        return app.exec()
    finally:
        library.close()
        if lock.isLocked():
            lock.unlock()


def _finish_smoke_test(app: QApplication, window: MainWindow) -> None:
    """Paint the whole window once, close it as a user would, and exit 0 if all went well."""
    painted = not window.grab().isNull()
    ok = painted and window.isVisible()
    window.close()
    app.exit(0 if ok else 1)


def _close_on_signals(app: QApplication, window: MainWindow) -> None:
    """Ctrl+C or a polite kill closes the window properly (the note being typed is saved)."""

    def close(*_args: object) -> None:
        QTimer.singleShot(0, window.close)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, close)
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    ticker = QTimer(app)
    ticker.setInterval(250)
    ticker.timeout.connect(lambda: None)
    ticker.start()
