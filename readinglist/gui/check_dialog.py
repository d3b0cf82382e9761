"""Library > Check Library…: run the check off the GUI thread, show what it found, offer Repair.

Every finding comes from :mod:`readinglist.maintenance.check`, so the dialog and
``readinglist check`` agree.  A repair backs the library up first; afterwards the dialog
emits :attr:`CheckDialog.repaired` so the window reloads its views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.gui.tasks import CancelCheck, ProgressReport, TaskHandle, run_task
from readinglist.maintenance.check import CheckReport, check_library, repair_library

if TYPE_CHECKING:
    from collections.abc import Callable

    from readinglist.library import Library

__all__ = ["CheckDialog"]


class CheckDialog(QDialog):
    """Checks when shown (and on Check Again); Repair is offered for repairable problems."""

    checked = Signal(object)  # CheckReport
    repaired = Signal(object)  # CheckReport after a repair: the library changed

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        check: Callable[[Library], CheckReport] = check_library,
        repair: Callable[[Library], CheckReport] = repair_library,
        start: bool = True,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self._check = check
        self._repair = repair
        self._task: TaskHandle | None = None
        self.report: CheckReport | None = None
        self.setWindowTitle("Check Library")
        self.resize(560, 340)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)

        self.check_button = QPushButton("Check Again")
        self.check_button.clicked.connect(self.run_check)
        self.repair_button = QPushButton("Repair")
        self.repair_button.setToolTip("Back up the library, then fix the problems found")
        self.repair_button.clicked.connect(self.run_repair)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.check_button)
        row.addWidget(self.repair_button)
        row.addStretch(1)
        row.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self._update_buttons()
        if start:
            self.run_check()

    @property
    def busy(self) -> bool:
        return self._task is not None

    # -- running -----------------------------------------------------------------------------

    @Slot()
    def run_check(self) -> None:
        self._start(self._check, "Checking the library…", self._show_checked)

    @Slot()
    def run_repair(self) -> None:
        self._start(self._repair, "Backing up, then repairing…", self._show_repaired)

    def _start(
        self,
        fn: Callable[[Library], CheckReport],
        message: str,
        on_done: Callable[[CheckReport], None],
    ) -> None:
        if self._task is not None:
            return
        library = self.library

        def work(_progress: ProgressReport, _cancelled: CancelCheck) -> CheckReport:
            return fn(library)

        self.summary.setText(message)
        self.note.clear()
        self._task = run_task(work, parent=self)
        self._task.finished.connect(on_done)
        self._task.failed.connect(self._failed)
        self._task.done.connect(self._task_done)
        self._update_buttons()

    @Slot(object)
    def _show_checked(self, report: CheckReport) -> None:
        self._show(report)
        self.checked.emit(report)

    @Slot(object)
    def _show_repaired(self, report: CheckReport) -> None:
        self._show(report)
        self.repaired.emit(report)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.summary.setText(f"The check could not run: {message}")

    @Slot()
    def _task_done(self) -> None:
        self._task = None
        self._update_buttons()

    # -- showing -----------------------------------------------------------------------------

    def _show(self, report: CheckReport) -> None:
        self.report = report
        self.problems.clear()
        papers = f"{report.papers:,} paper{'s' if report.papers != 1 else ''}"
        if report.repaired:
            fixed = len(report.repaired)
            head = f"Repaired {fixed} problem{'s' if fixed != 1 else ''}. "
        else:
            head = ""
        if report.ok:
            self.summary.setText(f"{head}No problems found in {papers}.")
        else:
            n = len(report.problems)
            self.summary.setText(f"{head}{n} problem{'s' if n != 1 else ''} found in {papers}:")
        for problem in report.problems:
            text = problem.message if problem.repairable else f"{problem.message} (not repairable)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, problem.code)
            self.problems.addItem(item)
        notes = []
        if report.backup:
            notes.append(f"A backup from before the repair: {report.backup}")
        if any(not p.repairable for p in report.problems):
            notes.append("Problems that cannot be repaired need a backup: Library > Backups…")
        self.note.setText("\n".join(notes))
        self._update_buttons()

    def problem_codes(self) -> list[str]:
        """The codes of the problems listed, top to bottom."""
        return [
            str(self.problems.item(n).data(Qt.ItemDataRole.UserRole))
            for n in range(self.problems.count())
        ]

    def _update_buttons(self) -> None:
        busy = self._task is not None
        repairable = self.report is not None and any(p.repairable for p in self.report.problems)
        self.check_button.setEnabled(not busy)
        self.repair_button.setEnabled(not busy and repairable)
        self.repair_button.setVisible(self.report is None or not self.report.ok)

    # QDialog.done override (Close, Escape): a check still running finishes unseen.
    def done(self, result: int) -> None:
        if self._task is not None:
            self._task.silence()
        super().done(result)
