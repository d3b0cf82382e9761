"""Background reads where only the newest answer matters (the list, the sidebar counts).

One job runs at a time. Asking again while it runs queues a single rerun, and the running
job's answer, stale by then, is dropped: typing fast or pressing S ten times costs at most
two reads, and a slow old answer never overwrites a newer one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from collections.abc import Callable

    from readinglist.gui.tasks import TaskHandle, TaskRunner


class LatestRunner(QObject):
    """Runs ``make_job()`` in the background; emits :attr:`ready` with the newest result."""

    ready = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        make_job: Callable[[], Callable[[], Any]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._make_job = make_job
        self._handle: TaskHandle | None = None
        self._again = False

    @property
    def busy(self) -> bool:
        return self._handle is not None

    def request(self) -> None:
        """Ask for a fresh answer (the job is built now, from the current state)."""
        if self._handle is not None:
            self._again = True
            return
        self._start()

    def _start(self) -> None:
        self._again = False
        job = self._make_job()
        handle = self._runner.run(lambda _progress, _cancelled: job())
        handle.finished.connect(self._finished)
        handle.failed.connect(self._failed)
        handle.cancelled.connect(self._done)
        self._handle = handle

    def _finished(self, result: object) -> None:
        self._handle = None
        if self._again:
            self._start()
        else:
            self.ready.emit(result)

    def _failed(self, message: str) -> None:
        self._handle = None
        if self._again:
            self._start()
        else:
            self.failed.emit(message)

    def _done(self) -> None:
        self._handle = None
        if self._again:
            self._start()
