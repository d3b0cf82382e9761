"""Start-up: the application object, the library, the main window. The only wiring place."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from readinglist import __version__
from readinglist.errors import LibraryError
from readinglist.gui import icons
from readinglist.gui.main_window import MainWindow
from readinglist.layout import is_url
from readinglist.library import Library
from readinglist.maintenance.lock import AlreadyRunning, InstanceLock

if TYPE_CHECKING:
    from collections.abc import Sequence

APP_NAME = "readinglist"
ORG_NAME = "readinglist"


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
        window = open_window(location, QSettings())
    except AlreadyRunning as err:
        QMessageBox.information(None, "readinglist", f"{err}.")
        return 1
    except (LibraryError, OSError) as err:
        QMessageBox.critical(None, "readinglist", f"Cannot open the library.\n\n{err}")
        return 1
    try:
        window.show()
        QTimer.singleShot(0, window.start_background_work)
        if files:
            QTimer.singleShot(0, lambda: window.open_import(list(files)))
        if smoke_test:
            QTimer.singleShot(300, lambda: _finish_smoke_test(app, window))
        _close_on_signals(app, window)
        return app.exec()
    finally:
        window.release()


def open_window(
    location: Path | str, settings: QSettings, *, poll_ms: int | None = None
) -> MainWindow:
    """Take the library's instance lock, open it, and build its window (not yet shown).

    One window per local library, and no maintenance command (a restore, a repair) while
    it is open: the lock is the one the command line takes. A shared library is made for
    several windows at once (the server keeps them consistent), so it takes none. Raises
    AlreadyRunning (naming the holder), LibraryError or OSError; the caller ends with
    :meth:`MainWindow.release`.
    """
    lock: InstanceLock | None = None
    if not is_url(location):
        lock = InstanceLock(Path(location).expanduser()).acquire()
    try:
        # The index sync and the daily backup run in the background once the window shows.
        library = Library.open(location, sync_index=False, daily_backup=False)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return MainWindow(library, settings, instance_lock=lock, poll_ms=poll_ms)


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
