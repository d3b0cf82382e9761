"""Screenshots of the import dialog (preview and summary) on the real example digests, for docs/.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_import_dialog.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from readinglist.gui.import_dialog import DialogState, ImportDialog
from readinglist.library import Library

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = ROOT / "tests" / "fixtures" / "digests" / "real"
DOCS = ROOT / "docs"


def _spin(app: QApplication, done: object, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not done() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    if not done():  # type: ignore[operator]
        raise SystemExit("the dialog did not get there in time")


def main() -> None:
    app = QApplication(sys.argv[:1])
    paths = sorted(DIGESTS.glob("*.txt"))
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder) / "library")
        dialog = ImportDialog(library, paths)
        dialog.resize(860, 300)
        dialog.show()
        _spin(app, lambda: dialog.state == DialogState.READY)
        app.processEvents()
        dialog.grab().save(str(DOCS / "screenshot-import.png"))
        dialog.start_import()
        _spin(app, lambda: dialog.state == DialogState.DONE)
        app.processEvents()
        dialog.grab().save(str(DOCS / "screenshot-import-summary.png"))
        dialog.close()
        library.close()
    print(f"wrote {DOCS / 'screenshot-import.png'} and screenshot-import-summary.png")


if __name__ == "__main__":
    main()
