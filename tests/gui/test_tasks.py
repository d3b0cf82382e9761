"""Background tasks: results, errors, progress and cancel arrive on the GUI thread."""

from __future__ import annotations

import sys
import threading
import time
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QObject, QThread

from readinglist.errors import LibraryError
from readinglist.gui.tasks import (
    CancelCheck,
    ProgressReport,
    TaskCancelled,
    TaskFn,
    TaskHandle,
    TaskRunner,
    run_task,
    running_tasks,
    shutdown_tasks,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture(autouse=True)
def _no_leftover_tasks() -> None:
    """Each test starts with no task of an earlier one still running."""
    assert shutdown_tasks(2000)


def _wait_done(qtbot: QtBot, handle: TaskHandle) -> None:
    with qtbot.waitSignal(handle.done, timeout=5000):
        pass


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: dict[str, object] = {}
    gui_thread = QThread.currentThread()

    def work(progress: ProgressReport, cancelled: CancelCheck) -> int:
        seen["worker"] = QThread.currentThread() is not gui_thread
        return 42

    handle = run_task(work)
    results: list[object] = []

    def on_finished(value: object) -> None:
        seen["slot"] = QThread.currentThread() is gui_thread
        results.append(value)

    handle.finished.connect(on_finished)
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == [42]
    assert results == [42]
    assert seen == {"worker": True, "slot": True}
    assert not handle.running


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (LibraryError("digest.txt: permission denied"), "digest.txt: permission denied"),
        (ValueError("bad value"), "bad value"),
        (RuntimeError(), "RuntimeError"),
    ],
)
def test_an_exception_becomes_failed(
    qtbot: QtBot, error: Exception, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    def work(progress: ProgressReport, cancelled: CancelCheck) -> None:
        raise error

    handle = run_task(work)
    with (
        qtbot.waitSignal(handle.failed, timeout=5000) as blocker,
        qtbot.assertNotEmitted(handle.finished),
    ):
        pass
    assert blocker.args == [message]


def test_progress_is_reported_and_coalesced(qtbot: QtBot) -> None:
    release = threading.Event()

    def work(progress: ProgressReport, cancelled: CancelCheck) -> str:
        for n in range(5000):
            progress(n, 5000, f"step {n}")
        release.wait(5)
        progress(5000, 5000, "all done")
        return "ok"

    handle = run_task(work)
    reports: list[tuple[int, int, str]] = []
    handle.progress.connect(lambda d, t, m: reports.append((d, t, m)))
    qtbot.waitUntil(lambda: bool(reports), timeout=5000)
    release.set()
    _wait_done(qtbot, handle)
    # The last report always arrives, and before the result.
    assert reports[-1] == (5000, 5000, "all done")
    # 5001 reports from a fast loop: most were merged rather than queued one by one.
    assert len(reports) < 1000
    dones = [d for d, _, _ in reports]
    assert dones == sorted(dones)


def test_cancel_is_seen_by_the_task(qtbot: QtBot) -> None:
    started = threading.Event()

    def work(progress: ProgressReport, cancelled: CancelCheck) -> str:
        started.set()
        while not cancelled():
            time.sleep(0.005)
        return "stopped early"

    handle = run_task(work)
    assert started.wait(5)
    handle.cancel()
    assert handle.is_cancelled
    assert handle.wait(2000)
    assert not handle.running
    with qtbot.waitSignal(handle.finished, timeout=5000) as blocker:
        pass
    assert blocker.args == ["stopped early"]


def test_task_cancelled_exception_emits_cancelled(qtbot: QtBot) -> None:
    def work(progress: ProgressReport, cancelled: CancelCheck) -> None:
        raise TaskCancelled

    handle = run_task(work)
    with (
        qtbot.waitSignal(handle.cancelled, timeout=5000),
        qtbot.assertNotEmitted(handle.finished),
        qtbot.assertNotEmitted(handle.failed),
    ):
        pass


def test_wait_times_out_while_the_task_runs(qtbot: QtBot) -> None:
    release = threading.Event()
    handle = run_task(lambda progress, cancelled: release.wait(5))
    assert not handle.wait(50)
    assert handle.running
    release.set()
    assert handle.wait(2000)
    _wait_done(qtbot, handle)


def test_runner_reports_busy_and_shuts_down_quickly(qtbot: QtBot) -> None:
    runner = TaskRunner()
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)

    def work(progress: ProgressReport, cancelled: CancelCheck) -> str:
        while not cancelled():
            progress(0, 0, "waiting")
            time.sleep(0.01)
        return "late"

    handle = runner.run(work)
    # A task started elsewhere (a dialog's own run_task) is stopped by shutdown too.
    other = run_task(work)
    assert runner.busy
    assert set(running_tasks()) >= {handle, other}
    late: list[object] = []
    handle.finished.connect(late.append)
    assert runner.shutdown(2000)  # True: both stopped within the runner's 2 s deadline
    assert not handle.running
    assert not other.running
    qtbot.wait(50)  # let queued outcomes arrive: they are dropped after shutdown
    assert late == []
    assert busy[:1] == [True]


def test_handle_destroyed_with_its_parent_cancels_the_task(qtbot: QtBot) -> None:
    owner = QObject()
    stop_seen = threading.Event()

    def work(progress: ProgressReport, cancelled: CancelCheck) -> None:
        while not cancelled():
            time.sleep(0.005)
        stop_seen.set()

    handle = run_task(work, parent=owner)
    assert handle.running
    owner.deleteLater()
    qtbot.waitUntil(stop_seen.is_set, timeout=2000)
    assert shutdown_tasks(2000)


def test_many_tasks_in_a_row_leave_no_thread_behind(qtbot: QtBot) -> None:
    def square(n: int) -> TaskFn:
        return lambda progress, cancelled: n * n

    handles = [run_task(square(n)) for n in range(20)]
    results: list[object] = []
    for handle in handles:
        handle.finished.connect(results.append)
    qtbot.waitUntil(lambda: len(results) == 20, timeout=5000)
    assert sorted(results, key=str) == sorted((n * n for n in range(20)), key=str)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=2000)


def test_signal_emits_keep_reference_counts(qtbot: QtBot) -> None:
    """PySide6 6.12.0 dropped a reference to True on every Python emit (Python 3.11 crashes).

    pyproject.toml excludes that release; this catches a reinstall of it, or a relapse.
    """
    handle = run_task(lambda progress, cancelled: None)
    _wait_done(qtbot, handle)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(500):
        handle.progress.emit(1, 2, "x")
    assert (sys.getrefcount(True), sys.getrefcount(None)) == before
