"""The export dialog: scope, format, what to include and where; the export runs off the GUI thread.

All formatting and writing is :class:`readinglist.export.Exporter`'s, so the dialog and
``readinglist export`` produce the same files. The last choices are remembered in QSettings
under ``export/``. The notes vault is written into a folder: the dialog then chooses a
folder, and offers to write beside files readinglist did not write.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.core import Scope, View
from readinglist.export import ExportCancelled, Exporter, ExportResult, export_title
from readinglist.exporters import BUNDLE, FORMATS, ExportOptions, render
from readinglist.gui.tasks import CancelCheck, ProgressReport, TaskCancelled, TaskHandle, run_task
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QCloseEvent

    from readinglist.library import Library
    from readinglist.records import PaperRecord

__all__ = ["COPY_FORMATS", "ExportDialog", "copy_as", "export_summary"]

SETTINGS_GROUP = "export"
COPY_FORMATS = ("md", "bibtex")
"""What "Copy as ..." offers for the selection (Ctrl+Shift+C copies the first)."""
CLOSE_WAIT_MS = 2000
_SEARCH = Scope(View.ALL, key="search")
"""The "Search results…" entry: the query typed below the list makes its scope."""


def copy_as(records: Sequence[PaperRecord], fmt: str) -> str:
    """The records as text for the clipboard, in any format but the bundle."""
    return render(records, fmt, ExportOptions(title="Selected papers"))


def export_summary(result: ExportResult) -> str:
    """One line on what an export wrote, for the status bar."""
    papers = f"{result.papers} paper{'' if result.papers == 1 else 's'}"
    text = f"Exported {papers} to {result.path}"
    written = result.vault
    if written is None:
        return text + "."
    text += (
        f": {len(written.created)} new, {len(written.updated)} updated, "
        f"{written.unchanged} unchanged"
    )
    if written.stale:
        shown = ", ".join(written.stale[:3]) + (" …" if len(written.stale) > 3 else "")
        text += f"; kept {len(written.stale)} file(s) of papers not exported ({shown})"
    return text + "."


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-").lower()
    return slug[:60] or "reading-list"


class ExportDialog(QDialog):
    """File > Export… and a shelf's "Export…": choose, then write the file with progress."""

    exported = Signal(object)
    """Emitted with the :class:`readinglist.export.ExportResult` when the file is written."""

    def __init__(
        self,
        library: Library,
        *,
        scope: Scope | None = None,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        self._library = library
        self._settings = settings if settings is not None else QSettings()
        self._task: TaskHandle | None = None
        self._given = scope

        self.scope_box = QComboBox()
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("Search query, e.g. lora OR adapter")
        self.format_box = QComboBox()
        for spec in FORMATS.values():
            self.format_box.addItem(spec.label, spec.name)
        self.abstracts_check = QCheckBox("Abstracts")
        self.notes_check = QCheckBox("Notes")
        self.force_check = QCheckBox("Write beside files readinglist did not write")
        self.force_check.setToolTip(
            "A vault folder holding other files is refused unless this is ticked; "
            "those files are never changed"
        )
        self.path_edit = QLineEdit()
        self.browse_button = QPushButton("Browse…")
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")

        include = QHBoxLayout()
        include.addWidget(self.abstracts_check)
        include.addWidget(self.notes_check)
        include.addStretch(1)
        destination = QHBoxLayout()
        destination.addWidget(self.path_edit, 1)
        destination.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("Papers:", self.scope_box)
        form.addRow("", self.query_edit)
        form.addRow("Format:", self.format_box)
        form.addRow("Include:", include)
        form.addRow("Save to:", destination)
        form.addRow("", self.force_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._fill_scopes(scope)
        self._restore()
        self.scope_box.currentIndexChanged.connect(self._scope_changed)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.browse_button.clicked.connect(self._browse)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        self._scope_changed()
        self._format_changed()

    # -- choices ----------------------------------------------------------------------------

    def _fill_scopes(self, given: Scope | None) -> None:
        box = self.scope_box
        if given is not None and given.view is View.PAPERS:
            box.addItem(f"Selection ({given.describe()})", given)
        box.addItem("Whole library", Scope.library())
        for info in Shelves(self._library).list(count_smart=False):
            box.addItem(f"Shelf: {info.name}", Scope.shelf(info.name))
        for tag in self._library.tags():
            box.addItem(f"Tag: {tag.name}", Scope.tag(tag.name))
        box.addItem("Search results…", _SEARCH)
        if given is None:
            box.setCurrentIndex(0)
            return
        if given.query:
            self.query_edit.setText(given.query)
            given = _SEARCH
        for n in range(box.count()):
            item: Scope = box.itemData(n)
            if item.view is given.view and (
                given.view in (View.PAPERS, View.ALL, View.LIBRARY)
                or str(item.key).casefold() == str(given.key).casefold()
            ):
                box.setCurrentIndex(n)
                return

    def scope(self) -> Scope:
        """The scope as chosen now (a search takes the query typed below the list)."""
        chosen: Scope = self.scope_box.currentData()
        if chosen == _SEARCH:
            return Scope.search(self.query_edit.text())
        return chosen

    def format(self) -> str:
        fmt: str = self.format_box.currentData()
        return fmt

    def is_folder(self) -> bool:
        """Whether the chosen format writes a folder (the vault)."""
        return FORMATS[self.format()].folder

    def options(self) -> ExportOptions:
        return ExportOptions(
            abstracts=self.abstracts_check.isChecked(), notes=self.notes_check.isChecked()
        )

    @Slot()
    def _scope_changed(self) -> None:
        is_query = self.scope_box.currentData() == _SEARCH
        self.query_edit.setVisible(is_query)
        self.query_edit.setEnabled(is_query)
        self._suggest_path()

    @Slot()
    def _format_changed(self) -> None:
        lossless = self.format() == BUNDLE
        # The bundle always holds everything: it is meant to be imported again.
        self.abstracts_check.setEnabled(not lossless)
        self.notes_check.setEnabled(not lossless)
        self.force_check.setVisible(self.is_folder())
        path = self.path_edit.text().strip()
        if path:
            typed = self.path_edit.isModified()
            self.path_edit.setText(str(Path(path).with_suffix(FORMATS[self.format()].extension)))
            self.path_edit.setModified(typed)
        else:
            self._suggest_path()

    def _suggest_path(self) -> None:
        if self.path_edit.isModified():
            return  # the user typed a path: leave it alone
        folder = Path(str(self._settings.value(f"{SETTINGS_GROUP}/directory", "") or Path.home()))
        name = _slug(export_title(self.scope())) + FORMATS[self.format()].extension
        self.path_edit.setText(str(folder / name))

    @Slot()
    def _browse(self) -> None:
        spec = FORMATS[self.format()]
        if spec.folder:
            folder = QFileDialog.getExistingDirectory(
                self, "Export the vault into", self.path_edit.text()
            )
            if folder:
                self.path_edit.setText(folder)
                self.path_edit.setModified(True)
            return
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Export to",
            self.path_edit.text(),
            f"{spec.label} (*{spec.extension});;All files (*)",
        )
        if path:
            if not Path(path).suffix:
                path += spec.extension
            self.path_edit.setText(path)
            self.path_edit.setModified(True)

    # -- remembering ------------------------------------------------------------------------

    def _restore(self) -> None:
        s = self._settings
        fmt = str(s.value(f"{SETTINGS_GROUP}/format", "md"))
        index = self.format_box.findData(fmt)
        self.format_box.setCurrentIndex(max(0, index))
        self.abstracts_check.setChecked(_flag(s.value(f"{SETTINGS_GROUP}/abstracts", True)))
        self.notes_check.setChecked(_flag(s.value(f"{SETTINGS_GROUP}/notes", True)))

    def _remember(self, path: Path) -> None:
        s = self._settings
        s.setValue(f"{SETTINGS_GROUP}/format", self.format())
        s.setValue(f"{SETTINGS_GROUP}/abstracts", self.abstracts_check.isChecked())
        s.setValue(f"{SETTINGS_GROUP}/notes", self.notes_check.isChecked())
        s.setValue(f"{SETTINGS_GROUP}/directory", str(path.parent))
        s.sync()

    # -- running ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and self._task.running

    @Slot()
    def start_export(self) -> None:
        """Export with the current choices; the dialog closes when the file is written."""
        if self.running:
            return
        text = self.path_edit.text().strip()
        if not text:
            self._show_error("Choose where to save the export.")
            return
        scope = self.scope()
        if self.scope_box.currentData() == _SEARCH and not scope.query:
            self._show_error("Type a search query, or choose other papers to export.")
            return
        path = Path(text).expanduser()
        fmt, options = self.format(), self.options()
        force = self.is_folder() and self.force_check.isChecked()
        library = self._library

        def work(progress: ProgressReport, cancelled: CancelCheck) -> ExportResult:
            try:
                return Exporter(library).export(
                    scope,
                    fmt,
                    path,
                    options,
                    progress=lambda done, total: progress(done, total, ""),
                    cancelled=cancelled,
                    force=force,
                )
            except ExportCancelled as err:
                raise TaskCancelled from err

        self._set_running(True)
        self.message.setText(f"Exporting {scope.describe()}…")
        self.message.setStyleSheet("")
        self._remember(path)
        task = run_task(work, parent=self)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        task.cancelled.connect(self._on_cancelled)
        self._task = task

    def _set_running(self, running: bool) -> None:
        for widget in (
            self.scope_box,
            self.query_edit,
            self.format_box,
            self.path_edit,
            self.browse_button,
            self.export_button,
            self.force_check,
        ):
            widget.setEnabled(not running)
        lossless = self.format() == BUNDLE
        self.abstracts_check.setEnabled(not running and not lossless)
        self.notes_check.setEnabled(not running and not lossless)
        self.progress_bar.setVisible(running)
        self.progress_bar.setRange(0, 0)  # busy until the first report says how much

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, _message: str) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._task = None
        self._set_running(False)
        assert isinstance(result, ExportResult)
        self.message.setText(export_summary(result))
        self.exported.emit(result)
        self.accept()

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._task = None
        self._set_running(False)
        self._show_error(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._task = None
        self._set_running(False)
        self.message.setText("Export cancelled; nothing was written.")

    def _show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("color: #c01c28;")

    # -- closing ----------------------------------------------------------------------------

    @Slot()
    def reject(self) -> None:
        """QDialog.reject override: Cancel stops a running export first (nothing is written)."""
        if self.running and self._task is not None:
            self._task.cancel()
            self._task.wait(CLOSE_WAIT_MS)
            self._task.silence()
            self._task = None
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """QWidget.closeEvent override: closing the window cancels like Cancel does."""
        if self.running and self._task is not None:
            self._task.cancel()
            self._task.wait(CLOSE_WAIT_MS)
            self._task.silence()
            self._task = None
        super().closeEvent(event)


def _flag(value: object) -> bool:
    """QSettings hands booleans back as strings from some back ends."""
    if isinstance(value, str):
        return value.lower() in {"1", "true", "yes"}
    return bool(value)
