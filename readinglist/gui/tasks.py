"""Long work off the GUI thread: progress, cancel, and a clean stop when the window closes.

Usage::

    def work(progress, cancelled):
        for n, path in enumerate(paths):
            if cancelled():
                break
            progress(n, len(paths), str(path))
            ...
        return result

    handle = run_task(work, parent=self)
    handle.progress.connect(self._show_progress)   # (done, total, message)
    handle.finished.connect(self._show_result)     # fn's return value
    handle.failed.connect(self._show_error)        # str(err) for an exception in fn

Every signal of a :class:`TaskHandle` is delivered on the GUI thread. Progress reports are
coalesced: however often ``fn`` reports, at most one report waits in the event queue, so a
chatty task never floods the GUI. ``fn`` must not touch widgets; services open a session per
call, so calling them from the worker is safe.

The main window owns a :class:`TaskRunner` and calls :meth:`TaskRunner.shutdown` from its
``closeEvent``: every running task is asked to cancel and waited for (2 s by default), and
results that arrive afterwards are dropped. A task that ignores the request keeps running
unseen; its thread is kept referenced and waited for when Python exits, so Qt never destroys
a running thread.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, Signal, Slot

from readinglist.errors import LibraryError

__all__ = [
    "CancelCheck",
    "ProgressReport",
    "TaskCancelled",
    "TaskFn",
    "TaskHandle",
    "TaskRunner",
    "run_task",
    "running_tasks",
    "shutdown_tasks",
]

log = logging.getLogger(__name__)

ProgressReport = Callable[[int, int, str], None]
"""Called by a task with (done, total, message); total 0 means "unknown"."""

CancelCheck = Callable[[], bool]
"""Called by a task now and then: True once the user asked to stop."""

TaskFn = Callable[[ProgressReport, CancelCheck], Any]
"""The work: ``fn(progress, cancelled)``, returning what ``finished`` carries."""


class TaskCancelled(Exception):
    """A task may raise this to stop early; its handle then emits ``cancelled``."""


class _Worker(QThread):
    """The thread running one task. Its signals are emitted from the worker thread."""

    succeeded = Signal(object)
    crashed = Signal(str)
    stopped = Signal()
    progressed = Signal()

    def __init__(self, fn: TaskFn) -> None:
        # No parent: a QThread destroyed with its parent while running aborts the process.
        super().__init__()
        self._fn = fn
        self.cancel_event = threading.Event()
        self.ended = threading.Event()
        self._lock = threading.Lock()
        self._latest: tuple[int, int, str] | None = None
        self._report_pending = False

    # QThread.run override: runs in the worker thread.
    def run(self) -> None:
        try:
            result = self._fn(self._report, self.cancel_event.is_set)
        except TaskCancelled:
            self.stopped.emit()
        except LibraryError as err:
            self.crashed.emit(str(err))
        except BaseException as err:
            log.exception("background task failed")
            self.crashed.emit(str(err) or type(err).__name__)
        else:
            self.succeeded.emit(result)
        finally:
            self.ended.set()

    def _report(self, done: int, total: int, message: str) -> None:
        with self._lock:
            self._latest = (done, total, message)
            if self._report_pending:
                return
            self._report_pending = True
        self.progressed.emit()

    def take_report(self) -> tuple[int, int, str] | None:
        """The newest progress report, once (called on the GUI thread)."""
        with self._lock:
            latest, self._latest = self._latest, None
            self._report_pending = False
        return latest


# Threads still running, kept referenced so that Qt never destroys a running QThread.
_LIVE: set[_Worker] = set()
_HANDLES: set[TaskHandle] = set()


@atexit.register
def _wait_for_stragglers() -> None:
    """At exit, let tasks that ignored a cancel request finish rather than abort Qt."""
    for worker in list(_LIVE):
        worker.cancel_event.set()
        worker.wait()


class TaskHandle(QObject):
    """One running task as the GUI sees it. Create with :func:`run_task`."""

    progress = Signal(int, int, str)
    """(done, total, message); reports are coalesced, the newest one wins."""
    finished = Signal(object)
    """fn returned: its return value (also after a cancel, if fn returned normally)."""
    failed = Signal(str)
    """fn raised: the message (LibraryError messages are meant for the user)."""
    cancelled = Signal()
    """fn raised :class:`TaskCancelled`."""
    done = Signal()
    """Emitted last, after finished, failed or cancelled: for clean-up that runs either way."""

    def __init__(self, fn: TaskFn, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: _Worker | None = _Worker(fn)
        self._cancel_event = self._worker.cancel_event
        self._ended = self._worker.ended
        self._delivered = False
        self._silenced = False
        queued = Qt.ConnectionType.QueuedConnection
        self._worker.progressed.connect(self._on_progress, queued)
        self._worker.succeeded.connect(self._on_succeeded, queued)
        self._worker.crashed.connect(self._on_crashed, queued)
        self._worker.stopped.connect(self._on_stopped, queued)
        self._worker.finished.connect(self._on_thread_finished, queued)
        # A handle destroyed with its parent (a closed dialog) stops its task.
        event = self._cancel_event
        self.destroyed.connect(lambda *_: event.set())

    def _start(self) -> None:
        assert self._worker is not None
        _LIVE.add(self._worker)
        _HANDLES.add(self)
        self._worker.start()

    @property
    def running(self) -> bool:
        """True until fn has returned or raised."""
        return not self._ended.is_set()

    @property
    def is_cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel_event.is_set()

    def cancel(self) -> None:
        """Ask the task to stop; it does so the next time it checks ``cancelled()``."""
        self._cancel_event.set()

    def wait(self, timeout_ms: int) -> bool:
        """Block until fn has returned (True) or ``timeout_ms`` passed (False).

        The outcome signals still arrive through the event loop afterwards (or at once with
        :meth:`flush`).
        """
        return self._ended.wait(max(0, timeout_ms) / 1000)

    def flush(self) -> None:
        """Deliver now the signals the worker has already sent (after a successful wait).

        For a receiver about to go away, e.g. a dialog closed during its task, that still
        wants the outcome.
        """
        QCoreApplication.sendPostedEvents(self, int(QEvent.Type.MetaCall))

    def silence(self) -> None:
        """Drop every signal not yet delivered: the receiver is going away."""
        self._silenced = True

    # -- slots: run on the GUI thread ----------------------------------------------------------

    @Slot()
    def _on_progress(self) -> None:
        report = self._worker.take_report() if self._worker is not None else None
        if report is not None and not self._silenced and not self._delivered:
            self.progress.emit(*report)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._deliver(lambda: self.finished.emit(result))

    @Slot(str)
    def _on_crashed(self, message: str) -> None:
        self._deliver(lambda: self.failed.emit(message))

    @Slot()
    def _on_stopped(self) -> None:
        self._deliver(self.cancelled.emit)

    def _deliver(self, emit: Callable[[], object]) -> None:
        self._delivered = True
        if self._silenced:
            return
        emit()
        self.done.emit()

    @Slot()
    def _on_thread_finished(self) -> None:
        worker = self._worker
        if worker is None:
            return
        worker.wait()  # finished() is emitted just before the thread really ends
        _LIVE.discard(worker)
        _HANDLES.discard(self)
        self._worker = None


def run_task(fn: TaskFn, *, parent: QObject | None = None) -> TaskHandle:
    """Start ``fn(progress, cancelled)`` on a worker thread; connect to the returned handle.

    The handle is started right away; connect its signals before control returns to the
    event loop (they are queued, so nothing is missed).
    """
    handle = TaskHandle(fn, parent)
    handle._start()
    return handle


def running_tasks() -> list[TaskHandle]:
    """Every task of this process whose fn has not returned yet."""
    return [h for h in _HANDLES if h.running]


def shutdown_tasks(timeout_ms: int = 2000) -> bool:
    """Cancel every running task and wait up to ``timeout_ms`` in all; True if all stopped.

    Outcomes not yet delivered are dropped: this is for closing the application.
    """
    handles = list(_HANDLES)
    for handle in handles:
        handle.cancel()
        handle.silence()
    deadline = time.monotonic() + max(0, timeout_ms) / 1000
    stopped = True
    for handle in handles:
        left_ms = int((deadline - time.monotonic()) * 1000)
        if not handle.wait(max(0, left_ms)):
            stopped = False
    if not stopped:
        log.warning("some background work did not stop within %d ms", timeout_ms)
    return stopped


class TaskRunner(QObject):
    """The main window's task starter; ``busy_changed`` drives a status-bar spinner."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handles: list[TaskHandle] = []

    def run(self, fn: TaskFn) -> TaskHandle:
        """Start ``fn`` like :func:`run_task`, owned by this runner."""
        was_busy = self.busy
        handle = run_task(fn, parent=self)
        self._handles.append(handle)
        handle.done.connect(self._forget)
        handle.destroyed.connect(self._forget)
        if not was_busy:
            self.busy_changed.emit(True)
        return handle

    @property
    def busy(self) -> bool:
        return any(h.running for h in self._handles)

    @Slot()
    def _forget(self) -> None:
        was_busy = bool(self._handles)
        self._handles = [h for h in self._handles if h.running]
        if was_busy and not self._handles:
            self.busy_changed.emit(False)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Cancel and wait for every task of the process (the window is closing).

        This covers tasks started by dialogs with :func:`run_task`, too. Returns True if all
        stopped within ``timeout_ms``; the rest finish unseen (see the module docstring).
        """
        stopped = shutdown_tasks(timeout_ms)
        self._handles.clear()
        return stopped
