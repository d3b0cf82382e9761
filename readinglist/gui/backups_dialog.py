"""Library > Backups…: the library's verified backups with dates and sizes; back up or restore.

Backing up runs off the GUI thread.  Restoring swaps the database under the open library, so
the window hands in a ``restore`` function that closes its library, calls
:func:`readinglist.maintenance.backup.restore_backup` with the instance lock it holds, and
reopens; without one, the dialog restores directly (for a library no window has open).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readinglist.errors import LibraryError
from readinglist.gui.tasks import CancelCheck, ProgressReport, TaskHandle, run_task
from readinglist.layout import DB_NAME
from readinglist.maintenance import backup as backups

if TYPE_CHECKING:
    from collections.abc import Callable

    from readinglist.maintenance.backup import BackupInfo, RestoreResult

__all__ = ["BackupsDialog", "describe_reason"]

_REASONS = {
    "daily": "Daily",
    "manual": "Made by hand",
    "upgrade": "Before an upgrade",
    "repair": "Before a repair",
}
PATH_ROLE = Qt.ItemDataRole.UserRole


def describe_reason(reason: str) -> str:
    return _REASONS.get(reason, reason.capitalize())


class BackupsDialog(QDialog):
    """Lists backups newest first; Back Up Now, and Restore… after a confirmation."""

    backed_up = Signal(object)  # BackupInfo
    restored = Signal(object)  # RestoreResult: the window reloads everything

    def __init__(
        self,
        location: Path,
        parent: QWidget | None = None,
        *,
        restore: Callable[[Path], RestoreResult] | None = None,
    ) -> None:
        super().__init__(parent)
        self.location = Path(location)
        self._restore_fn = restore or (lambda path: backups.restore_backup(self.location, path))
        self._task: TaskHandle | None = None
        self.setWindowTitle("Backups")
        self.resize(620, 380)

        intro = QLabel(
            "A verified backup is made before every upgrade of the library's format and, "
            "when the newest is over a day old, whenever the library is opened."
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Made", "Why", "Size"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.restore_selected())
        self.empty_label = QLabel("No backups yet.")
        self.kept_label = QLabel()
        self.kept_label.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.backup_button = QPushButton("Back Up Now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.kept_label)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.refresh()

    # -- the list ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the backups from disk, keeping the selection when it still exists."""
        selected = self.selected_path()
        self.tree.clear()
        found = backups.list_backups(self.location)
        for info in found:
            item = QTreeWidgetItem(
                [
                    info.created.astimezone().strftime("%Y-%m-%d %H:%M"),
                    describe_reason(info.reason),
                    backups.human_size(info.size),
                ]
            )
            item.setData(0, PATH_ROLE, str(info.path))
            item.setToolTip(0, str(info.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
            if selected is not None and info.path == selected:
                item.setSelected(True)
        self.empty_label.setVisible(not found)
        policy = backups.read_policy(self.location / DB_NAME)
        self.kept_label.setText(
            f"Kept: every backup of the last day, then one a day for {policy.daily} days, "
            f"one a week for {policy.weekly} weeks and one a month for {policy.monthly} months. "
            f"Folder: {backups.backup_dir(self.location)}"
        )
        self._update_buttons()

    def paths(self) -> list[Path]:
        """The listed backups, top to bottom (newest first)."""
        return [Path(item.data(0, PATH_ROLE)) for item in self._items()]

    def _items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(n) for n in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def selected_path(self) -> Path | None:
        items = self.tree.selectedItems()
        return Path(items[0].data(0, PATH_ROLE)) if items else None

    def select(self, path: Path) -> None:
        for item in self._items():
            item.setSelected(Path(item.data(0, PATH_ROLE)) == path)

    @Slot()
    def _update_buttons(self) -> None:
        busy = self._task is not None
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.selected_path() is not None)

    # -- backing up --------------------------------------------------------------------------

    @Slot()
    def back_up_now(self) -> None:
        if self._task is not None:
            return
        location = self.location

        def work(_progress: ProgressReport, _cancelled: CancelCheck) -> BackupInfo:
            return backups.create_backup(location)

        self.status.setText("Backing up…")
        self._task = run_task(work, parent=self)
        self._task.finished.connect(self._backed_up)
        self._task.failed.connect(self._failed)
        self._task.done.connect(self._task_done)
        self._update_buttons()

    @Slot(object)
    def _backed_up(self, info: BackupInfo) -> None:
        self.refresh()
        self.select(info.path)
        self.status.setText(
            f"Backed up and verified: {info.name} ({backups.human_size(info.size)})."
        )
        self.backed_up.emit(info)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.status.setText(f"Backup failed: {message}")

    @Slot()
    def _task_done(self) -> None:
        self._task = None
        self._update_buttons()

    # -- restoring ---------------------------------------------------------------------------

    def confirm_restore(self, info: BackupInfo) -> bool:
        """Ask before replacing the library (tests replace this method)."""
        when = info.created.astimezone().strftime("%Y-%m-%d %H:%M")
        answer = QMessageBox.question(
            self,
            "Restore Backup",
            f"Replace the library with the backup of {when}?\n\n"
            "Changes made since then will no longer be in the library. The current library "
            f"is kept in {self.location / backups.ASIDE_DIR}.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def restore_selected(self) -> None:
        path = self.selected_path()
        if path is None or self._task is not None:
            return
        info = next((b for b in backups.list_backups(self.location) if b.path == path), None)
        if info is None:
            self.status.setText(f"{path.name} is gone; the list was refreshed.")
            self.refresh()
            return
        if not self.confirm_restore(info):
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = self._restore_fn(info.path)
        except LibraryError as err:
            self.status.setText(f"Not restored: {err}")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        when = info.created.astimezone().strftime("%Y-%m-%d %H:%M")
        kept = f" The previous library is kept in {result.aside}." if result.aside else ""
        self.status.setText(f"Restored the backup of {when}.{kept}")
        self.refresh()
        self.restored.emit(result)

    # QDialog.done override (Close, Escape): a backup still running finishes unseen.
    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.silence()
        super().done(result)
