"""The import dialog: preview files, untick some, import with progress, then a summary.

Any file readinglist reads can be added (digests, arXiv feeds, Hugging Face daily papers,
BibTeX, RIS, CSL-JSON, bundles): the importer recognises each by its content.

Nothing is written until the user presses Import. Previews and the import run off the GUI
thread (:mod:`readinglist.gui.tasks`); every figure shown comes from
:class:`readinglist.importing.Importer`, so the dialog and ``readinglist import`` agree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from readinglist.core import NO_CHANGES, Changes
from readinglist.gui.tasks import CancelCheck, ProgressReport, TaskHandle, run_task
from readinglist.importing import FileReport, Importer, ImportResult, chain_previews

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.library import Library

__all__ = ["Column", "DialogState", "ImportDialog", "ImportModel", "digest_paths_from_mime"]

PASTED_NAME = "Pasted digest"
FILE_FILTER = (
    "Papers (*.txt *.json *.bib *.ris *.atom *.rss *.rdf *.xml *.html *.htm);;"
    "Digests (*.txt);;BibTeX (*.bib);;RIS (*.ris);;"
    "CSL-JSON, daily papers, bundles (*.json);;arXiv feeds (*.atom *.rss *.rdf *.xml);;"
    "Saved web pages (*.html *.htm);;All files (*)"
)
"""Names only help people find files: every file is read as what its content is."""
CLOSE_WAIT_MS = 2000


def digest_paths_from_mime(mime: QMimeData) -> list[Path]:
    """Local files dropped from a file manager, in order; web links and plain text give []."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return list(dict.fromkeys(p for p in paths if str(p)))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


class DialogState(enum.Enum):
    PREVIEWING = "previewing"
    READY = "ready"
    IMPORTING = "importing"
    DONE = "done"


class Phase(enum.Enum):
    """Where one row stands."""

    WAITING = "waiting"  # not yet previewed
    CHECKING = "checking"  # preview running
    CHECKED = "checked"  # preview done (maybe with an error)
    QUEUED = "queued"  # ticked, import not there yet
    IMPORTING = "importing"
    IMPORTED = "imported"  # the importer reported on it (maybe with an error)
    NOT_IMPORTED = "not imported"  # unticked, cancelled before it, or the import failed


class Column(enum.IntEnum):
    FILE = 0
    ENTRIES = 1
    NEW = 2
    KNOWN = 3
    TRASH = 4
    STATUS = 5


_HEADERS = {
    Column.FILE: ("File", "The file (full path in the tooltip)"),
    Column.ENTRIES: ("Entries", "Entries found in the file"),
    Column.NEW: ("New", "Papers not yet in the library, nor in a ticked file above"),
    Column.KNOWN: ("Known", "Entries whose paper is already in the library, or in a file above"),
    Column.TRASH: ("In Trash", "Papers of the file that are in the Trash"),
    Column.STATUS: ("Status", "Warnings, errors and what happened"),
}


@dataclass(eq=False)
class ImportRow:
    """One file (or the pasted text) in the dialog."""

    name: str
    path: Path | None  # None: pasted text
    text: str | None = None
    checked: bool = True
    phase: Phase = Phase.WAITING
    preview: FileReport | None = None  # this file alone
    chained: FileReport | None = None  # imported after the ticked rows above it
    result: FileReport | None = None  # what the import did

    @property
    def error(self) -> str | None:
        report = self.result or self.preview
        return report.error if report is not None else None

    @property
    def tickable(self) -> bool:
        return self.phase in (Phase.WAITING, Phase.CHECKING, Phase.CHECKED) and not (
            self.preview is not None and self.preview.error
        )

    @property
    def shown(self) -> FileReport | None:
        """The report whose figures the row shows."""
        if self.result is not None:
            return self.result
        if self.checked and self.chained is not None:
            return self.chained
        return self.preview


class ImportModel(QAbstractTableModel):
    """The dialog's rows: files with their preview and, later, their import outcome."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ImportRow] = []
        self._icons: dict[str, QIcon] = {}

    # -- reading -----------------------------------------------------------------------------

    @property
    def rows(self) -> list[ImportRow]:
        return list(self._rows)

    def row(self, n: int) -> ImportRow:
        return self._rows[n]

    def ticked(self) -> list[ImportRow]:
        """Rows to import: ticked and previewed without error, in order."""
        return [
            r
            for r in self._rows
            if r.checked and r.preview is not None and r.preview.ok and r.phase == Phase.CHECKED
        ]

    def known_paths(self) -> set[Path]:
        return {r.path.resolve() for r in self._rows if r.path is not None}

    # -- changing ----------------------------------------------------------------------------

    def add_rows(self, rows: Sequence[ImportRow]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        try:
            self._rows.extend(rows)
        finally:
            self.endInsertRows()

    def set_preview(self, row: ImportRow, report: FileReport) -> None:
        row.preview = report
        row.phase = Phase.CHECKED
        if not report.ok or report.already_imported:
            # Errors cannot be imported; an already imported file would add nothing.
            row.checked = False
        self.rechain()

    def set_phase(self, row: ImportRow, phase: Phase) -> None:
        row.phase = phase
        self._row_changed(row)

    def set_result(self, row: ImportRow, report: FileReport | None) -> None:
        row.result = report
        row.phase = Phase.IMPORTED if report is not None else Phase.NOT_IMPORTED
        self._row_changed(row)

    def rechain(self) -> None:
        """Recompute the figures of ticked rows: each one as imported after those above."""
        ticked = [(r, r.preview) for r in self._rows if r.checked and r.preview is not None]
        chained = chain_previews([report for _, report in ticked])
        for (row, _), report in zip(ticked, chained, strict=True):
            row.chained = report
        for row in self._rows:
            if not row.checked:
                row.chained = None
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )

    def _row_changed(self, row: ImportRow) -> None:
        n = self._rows.index(row)
        self.dataChanged.emit(self.index(n, 0), self.index(n, len(Column) - 1))

    # -- QAbstractTableModel -----------------------------------------------------------------

    # QAbstractItemModel.rowCount override
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    # QAbstractItemModel.columnCount override
    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    # QAbstractItemModel.headerData override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        label, tip = _HEADERS[Column(section)]
        if role == Qt.ItemDataRole.DisplayRole:
            return label
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = (
                Qt.AlignmentFlag.AlignLeft
                if section in (Column.FILE, Column.STATUS)
                else Qt.AlignmentFlag.AlignRight
            )
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    # QAbstractItemModel.flags override
    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if index.column() == Column.FILE:
            row = self._rows[index.row()]
            if row.tickable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            elif row.phase == Phase.CHECKED:
                flags &= ~Qt.ItemFlag.ItemIsEnabled  # an error: greyed, the reason beside it
        return flags

    # QAbstractItemModel.setData override
    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or index.column() != Column.FILE:
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        row = self._rows[index.row()]
        if not row.tickable:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked != row.checked:
            row.checked = checked
            self.rechain()
        return True

    # QAbstractItemModel.data override
    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.FILE:
            return Qt.CheckState.Checked if row.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (
            Column.FILE,
            Column.STATUS,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return self._status_icon(row)
        if role == Qt.ItemDataRole.ForegroundRole and self._dimmed(row, column):
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    def _dimmed(self, row: ImportRow, column: Column) -> bool:
        """Figures of a file that will not be imported are shown, but quietly."""
        if column == Column.STATUS or row.result is not None:
            return False
        return not row.checked or row.phase == Phase.NOT_IMPORTED

    def _display(self, row: ImportRow, column: Column) -> str | None:
        if column == Column.FILE:
            return row.name
        if column == Column.STATUS:
            return self.status_text(row)
        report = row.shown
        if report is None or not report.ok or row.phase in (Phase.WAITING, Phase.CHECKING):
            return None
        value = {
            Column.ENTRIES: report.entries,
            Column.NEW: report.new,
            Column.KNOWN: report.duplicates,
            Column.TRASH: report.in_trash,
        }[column]
        return f"{value:,}"

    @staticmethod
    def status_text(row: ImportRow) -> str:
        """One short line: what the file holds, or what happened to it."""
        error = row.error
        phase = row.phase
        if phase == Phase.WAITING:
            return "Waiting to be checked"
        if phase == Phase.CHECKING:
            return "Checking…"
        if error is not None:
            prefix = "Not imported: " if phase == Phase.IMPORTED else ""
            return prefix + error
        if phase == Phase.QUEUED:
            return "Queued"
        if phase == Phase.IMPORTING:
            return "Importing…"
        if phase == Phase.NOT_IMPORTED:
            return "Not imported"
        report = row.shown
        assert report is not None
        warnings = _plural(len(report.warnings), "warning") if report.warnings else ""
        if phase == Phase.IMPORTED:
            if report.already_imported:
                text = "Already imported: nothing added"
            else:
                text = f"Imported: {_plural(report.new, 'new paper')}"
            return f"{text}; {warnings}" if warnings and not report.already_imported else text
        if report.already_imported:
            return (
                "Already imported"
                if row.preview and row.preview.already_imported
                else ("Same content as a file above")
            )
        text = "Skipped" if not row.checked else "Ready"
        return f"{text}; {warnings}" if warnings else text

    def _tooltip(self, row: ImportRow, column: Column) -> str | None:
        if column == Column.FILE:
            return str(row.path) if row.path is not None else "Text pasted from the clipboard"
        if column == Column.STATUS:
            report = row.result or row.preview
            lines = [self.status_text(row)]
            if report is not None:
                lines += [f"• {w}" for w in report.warnings]
            return "\n".join(lines)
        return _HEADERS[column][1]

    def _status_icon(self, row: ImportRow) -> QIcon | None:
        report = row.result or row.preview
        if report is None or row.phase in (Phase.WAITING, Phase.CHECKING):
            return None
        if not report.ok:
            return self._icon("error", QStyle.StandardPixmap.SP_MessageBoxCritical)
        if report.warnings:
            return self._icon("warning", QStyle.StandardPixmap.SP_MessageBoxWarning)
        if row.phase == Phase.IMPORTED:
            return self._icon("ok", QStyle.StandardPixmap.SP_DialogApplyButton)
        return None

    def _icon(self, key: str, pixmap: QStyle.StandardPixmap) -> QIcon:
        if key not in self._icons:
            self._icons[key] = QApplication.style().standardIcon(pixmap)
        return self._icons[key]


class _PaddedDelegate(QStyledItemDelegate):
    """Keeps the status text off the right-aligned figures just before it."""

    # QStyledItemDelegate.initStyleOption override
    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.column() == Column.STATUS:
            option.rect.adjust(option.fontMetrics.averageCharWidth() * 2, 0, 0, 0)


@dataclass
class _ImportOutcome:
    text_reports: list[FileReport]
    files: ImportResult | None
    cancelled: bool


class ImportDialog(QDialog):
    """Preview, choose, import, summarise. ``exec()`` or ``open()`` it; it never blocks."""

    imported = Signal(object)
    """The import ended (also when cancelled): the Changes it made (None: unknown, it
    failed on the way); ``new_ids`` holds the papers it added."""
    show_papers = Signal(list)
    """The user asked to see the new papers: their ids."""

    def __init__(
        self,
        library: Library,
        paths: Sequence[Path] = (),
        text: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setSizeGripEnabled(True)
        self._importer = Importer(library)
        self._state = DialogState.READY
        self._preview_task: TaskHandle | None = None
        self._import_task: TaskHandle | None = None
        self._import_rows: list[ImportRow] = []
        self._cancel_requested = False
        self._closing = False
        self._ready_once = False
        self._failure: str | None = None
        self.new_ids: list[int] = []
        self.start_folder: Path | None = None
        """Where "Add Files…" opens; set by the owner (last import folder)."""
        self.last_folder: Path | None = None
        """The folder the user last added files from, for the owner to remember."""

        self.model = ImportModel(self)
        # Ticks change what Import will do: keep the heading and the button in step.
        self.model.dataChanged.connect(self._rows_changed)
        self._build()
        if text is not None:
            self.model.add_rows([ImportRow(PASTED_NAME, None, text=text)])
        self.add_paths(paths)
        self._update()

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # error messages quote file text
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        self.table.setItemDelegate(_PaddedDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(Column.FILE, QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        for column in (Column.ENTRIES, Column.NEW, Column.KNOWN, Column.TRASH):
            # Room for the header label and a six-digit figure, whichever is wider.
            label = _HEADERS[column][0]
            width = max(metrics.horizontalAdvance(label), metrics.horizontalAdvance("000,000"))
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width + 3 * metrics.averageCharWidth())
        header.setSectionResizeMode(Column.STATUS, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.FILE, metrics.horizontalAdvance("0" * 30))
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress_label = QLabel()
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)

        self.add_button = QPushButton("&Add Files…")
        self.add_button.setToolTip("Add more files to this import")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.choose_files)
        self.show_button = QPushButton("&Show New Papers")
        self.show_button.setAutoDefault(False)
        self.show_button.clicked.connect(self._show_new_papers)
        self.import_button = QPushButton("&Import")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        for button in (self.show_button, self.import_button, self.close_button):
            buttons.addWidget(button)
        buttons.addWidget(self.cancel_button)

        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label, 1)
        progress_row.addWidget(self.progress, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.detail)
        layout.addWidget(self.table, 1)
        layout.addLayout(progress_row)
        layout.addLayout(buttons)
        self.resize(860, 380)

    # -- state -------------------------------------------------------------------------------

    @property
    def state(self) -> DialogState:
        return self._state

    def _update(self) -> None:
        """Bring heading, buttons and progress in line with the rows and the state."""
        rows = self.model.rows
        if self._state in (DialogState.PREVIEWING, DialogState.READY):
            busy = any(r.phase in (Phase.WAITING, Phase.CHECKING) for r in rows)
            self._state = DialogState.PREVIEWING if busy else DialogState.READY
        state = self._state
        self.add_button.setVisible(state in (DialogState.PREVIEWING, DialogState.READY))
        self.import_button.setVisible(state != DialogState.DONE)
        self.show_button.setVisible(state == DialogState.DONE)
        self.close_button.setVisible(state == DialogState.DONE)
        self.cancel_button.setVisible(state != DialogState.DONE)
        self.progress.setVisible(state in (DialogState.PREVIEWING, DialogState.IMPORTING))
        self.progress_label.setVisible(self.progress.isVisible())
        if state in (DialogState.PREVIEWING, DialogState.READY):
            self._update_choosing(rows)
        elif state == DialogState.IMPORTING:
            self._update_importing()
        else:
            self._update_done()

    def _update_choosing(self, rows: list[ImportRow]) -> None:
        ticked = self.model.ticked()
        new = sum(r.chained.new for r in ticked if r.chained is not None)
        entries = sum(r.chained.entries for r in ticked if r.chained is not None)
        failed = [r for r in rows if r.preview is not None and not r.preview.ok]
        what = (
            PASTED_NAME.lower()
            if len(ticked) == 1 and ticked[0].path is None
            else _plural(len(ticked), "file")
        )
        papers = _plural(new, "new paper") if new else "no new papers"
        self.import_button.setText(f"&Import {what} ({papers})" if ticked else "&Import")
        self.import_button.setEnabled(bool(ticked) and self._state == DialogState.READY)
        self.import_button.setDefault(True)
        if self.import_button.isEnabled() and not self._ready_once:
            # First time ready: Enter imports; Tab reaches the list to untick files.
            self._ready_once = True
            self.import_button.setFocus()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(True)
        if not rows:
            self.heading.setText("Choose files to import")
            self.detail.setText("Use Add Files…, or drop files on the main window.")
            return
        if self._state == DialogState.PREVIEWING:
            checked = sum(1 for r in rows if r.phase == Phase.CHECKED)
            self.heading.setText(f"Checking {_plural(len(rows), 'file')}…")
            self.detail.setText("Nothing is added to the library until you press Import.")
            self.progress.setRange(0, len(rows))
            self.progress.setValue(checked)
            current = next((r for r in rows if r.phase == Phase.CHECKING), None)
            self.progress_label.setText(f"Reading {current.name}" if current else "")
            return
        self.heading.setText(
            f"Ready to import {_plural(entries, 'entry', 'entries')} from {what}: {papers}"
            if ticked
            else "Nothing to import"
        )
        notes = []
        if failed:
            notes.append(
                f"{_plural(len(failed), 'file')} cannot be imported (reason under Status)."
            )
        notes.append("Untick files you do not want. Nothing is added until you press Import.")
        self.detail.setText(" ".join(notes))

    def _update_importing(self) -> None:
        self.import_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…" if self._cancel_requested else "Cancel")
        self.cancel_button.setEnabled(not self._cancel_requested)
        self.cancel_button.setDefault(True)
        total = len(self._import_rows)
        self.heading.setText(f"Importing {_plural(total, 'file')}…")
        self.detail.setText(
            "Cancel stops after the file being imported; files already imported stay."
            if not self._cancel_requested
            else "Stopping: the file being imported is rolled back."
        )

    def _update_done(self) -> None:
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        rows = self._import_rows
        results = [r.result for r in rows if r.result is not None]
        new = sum(r.new for r in results if r.ok)
        known = sum(r.duplicates for r in results if r.ok)
        failed = [r for r in results if not r.ok]
        skipped = [r for r in rows if r.phase == Phase.NOT_IMPORTED]
        unreadable = [r for r in self.model.rows if r.preview is not None and not r.preview.ok]
        imported = len(results) - len(failed)
        self.show_button.setEnabled(bool(self.new_ids))
        self.show_button.setText(
            f"&Show {_plural(len(self.new_ids), 'New Paper')}" if self.new_ids else "&Show"
        )
        if self._failure is not None:
            self.heading.setText("The import stopped with an error")
            self.detail.setText(self._failure)
            return
        heading = f"Added {_plural(new, 'new paper')}" if new else "No new papers added"
        heading = f"{heading} from {_plural(imported, 'file')}"
        self.heading.setText(
            f"Import cancelled: {heading[0].lower()}{heading[1:]}" if skipped else heading
        )
        notes = []
        if known:
            notes.append(
                f"{_plural(known, 'entry', 'entries')} were papers already known; what the "
                "files add to them was merged in."
            )
        if failed:
            notes.append(f"{_plural(len(failed), 'file')} failed (reason under Status).")
        if unreadable:
            notes.append(f"{_plural(len(unreadable), 'file')} could not be read (see Status).")
        if skipped:
            notes.append(
                f"Cancelled: {_plural(len(skipped), 'file')} not imported; nothing of them "
                "was added."
            )
        self.detail.setText(" ".join(notes))

    @Slot()
    def _rows_changed(self) -> None:
        if self._state in (DialogState.PREVIEWING, DialogState.READY):
            self._update()

    # -- rows and previews -------------------------------------------------------------------

    def add_paths(self, paths: Sequence[Path]) -> int:
        """Add files (skipping ones already listed) and preview them; returns how many."""
        if self._state not in (DialogState.PREVIEWING, DialogState.READY):
            return 0
        known = self.model.known_paths()
        rows = []
        for path in paths:
            key = path.resolve()
            if key not in known:
                known.add(key)
                rows.append(ImportRow(path.name or str(path), path))
        self.model.add_rows(rows)
        self._preview_next()
        return len(rows)

    @Slot()
    def choose_files(self) -> None:
        """The Add Files… button: a native multi-file dialog."""
        start = self.last_folder or self.start_folder
        names, _ = QFileDialog.getOpenFileNames(
            self, "Add Files", str(start) if start else "", FILE_FILTER
        )
        if names:
            self.last_folder = Path(names[0]).parent
            self.add_paths([Path(n) for n in names])

    def _preview_next(self) -> None:
        if self._preview_task is not None:
            return
        row = next((r for r in self.model.rows if r.phase == Phase.WAITING), None)
        if row is None:
            self._update()
            return
        self.model.set_phase(row, Phase.CHECKING)
        importer = self._importer

        def work(progress: ProgressReport, cancelled: CancelCheck) -> FileReport:
            if row.path is None:
                return importer.preview_text(row.text or "", name=PASTED_NAME)
            (report,) = importer.preview([row.path])
            return report

        task = run_task(work, parent=self)
        task.finished.connect(lambda report: self._previewed(row, report))
        task.failed.connect(lambda message: self._previewed(row, self._error(row, message)))
        task.done.connect(self._preview_done)
        self._preview_task = task
        self._update()

    def _error(self, row: ImportRow, message: str) -> FileReport:
        return FileReport(str(row.path) if row.path else PASTED_NAME, error=message)

    def _previewed(self, row: ImportRow, report: object) -> None:
        assert isinstance(report, FileReport)
        self.model.set_preview(row, report)

    @Slot()
    def _preview_done(self) -> None:
        self._preview_task = None
        self._preview_next()
        self._update()

    # -- importing ---------------------------------------------------------------------------

    @Slot()
    def start_import(self) -> None:
        """The Import button: import the ticked rows in order, off the GUI thread."""
        if self._state != DialogState.READY:
            return
        rows = self.model.ticked()
        if not rows:
            return
        self._state = DialogState.IMPORTING
        self._import_rows = rows
        # One file reports no progress of its own: show a busy bar rather than a still one.
        self.progress.setRange(0, len(rows) if len(rows) > 1 else 0)
        self.progress.setValue(0)
        for row in self.model.rows:
            self.model.set_phase(row, Phase.QUEUED if row in rows else Phase.NOT_IMPORTED)
        self.model.set_phase(rows[0], Phase.IMPORTING)
        importer = self._importer
        text_rows = [r for r in rows if r.path is None]
        paths = [r.path for r in rows if r.path is not None]
        total = len(rows)

        def work(progress: ProgressReport, cancelled: CancelCheck) -> _ImportOutcome:
            text_reports: list[FileReport] = []
            for row in text_rows:
                if cancelled():
                    return _ImportOutcome(text_reports, None, cancelled=True)
                progress(len(text_reports), total, row.name)
                text_reports.append(importer.import_text(row.text or "", name=PASTED_NAME))
            offset = len(text_reports)
            result = importer.import_files(
                paths,
                progress=lambda n, _total, message: progress(offset + n, total, message),
                cancelled=cancelled,
            )
            return _ImportOutcome(text_reports, result, cancelled=result.cancelled)

        task = run_task(work, parent=self)
        task.progress.connect(self._import_progress)
        task.finished.connect(self._import_finished)
        task.failed.connect(self._import_failed)
        self._import_task = task
        self._update()

    @Slot(int, int, str)
    def _import_progress(self, done: int, total: int, message: str) -> None:
        for n, row in enumerate(self._import_rows):
            if n < done and row.phase in (Phase.QUEUED, Phase.IMPORTING):
                self.model.set_phase(row, Phase.IMPORTED)  # figures arrive with the result
            elif n == done and row.phase == Phase.QUEUED:
                self.model.set_phase(row, Phase.IMPORTING)
                self.table.scrollTo(self.model.index(self.model.rows.index(row), Column.FILE))
        if self.progress.maximum():
            self.progress.setValue(done)
        name = Path(message).name if message else ""
        self.progress_label.setText(
            f"File {min(done + 1, total)} of {total}: {name}" if name else f"{done} of {total}"
        )

    @Slot(object)
    def _import_finished(self, outcome: object) -> None:
        assert isinstance(outcome, _ImportOutcome)
        reports = list(outcome.text_reports)
        if outcome.files is not None:
            reports += outcome.files.files
        for n, row in enumerate(self._import_rows):
            self.model.set_result(row, reports[n] if n < len(reports) else None)
        changes = NO_CHANGES
        for r in reports:
            changes = changes | r.changes
        self._finish([i for r in reports for i in r.new_ids], changes)

    @Slot(str)
    def _import_failed(self, message: str) -> None:
        for row in self._import_rows:
            if row.result is None:
                self.model.set_result(row, None)
        self._failure = message
        self._finish([], None)

    def _finish(self, new_ids: list[int], changes: Changes | None) -> None:
        self._import_task = None
        self.new_ids = new_ids
        self._state = DialogState.DONE
        self._update()
        self.imported.emit(changes)

    @Slot()
    def _show_new_papers(self) -> None:
        self.show_papers.emit(list(self.new_ids))
        self.accept()

    # -- closing -----------------------------------------------------------------------------

    # QDialog.reject override: Escape and Cancel
    def reject(self) -> None:
        if self._state == DialogState.IMPORTING and not self._closing:
            # Escape during an import cancels the import; the summary then says what stayed.
            self.cancel_import()
            return
        self._stop_preview()
        super().reject()

    def cancel_import(self) -> None:
        if self._import_task is not None and not self._cancel_requested:
            self._cancel_requested = True
            self._import_task.cancel()
            self._update()

    # QWidget.closeEvent override: the title-bar close button
    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        task = self._import_task
        if task is not None:
            self.cancel_import()
            # Finished files stay imported; deliver the outcome now so that ``imported``
            # reaches the owner before the dialog goes away.
            if task.wait(CLOSE_WAIT_MS):
                task.flush()
        self._stop_preview()
        super().closeEvent(event)  # calls reject()
        self._closing = False

    def _stop_preview(self) -> None:
        if self._preview_task is not None:
            self._preview_task.cancel()
            self._preview_task.silence()
            self._preview_task = None
