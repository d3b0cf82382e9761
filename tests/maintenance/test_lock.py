"""One GUI per library: a second start learns who holds the lock; a killed holder frees it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from readinglist.maintenance.lock import INFO_NAME, AlreadyRunning, InstanceLock

if TYPE_CHECKING:
    from collections.abc import Iterator

HOLDER = """
import sys
from readinglist.maintenance.lock import InstanceLock
lock = InstanceLock(sys.argv[1]).acquire()  # kept referenced: dropping it unlocks
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the library's instance lock until it is killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    yield proc
    proc.kill()
    proc.communicate()  # waits, and closes the pipes


def test_second_lock_in_the_same_process_is_refused(tmp_path: Path) -> None:
    with InstanceLock(tmp_path) as first:
        assert first.held
        with pytest.raises(AlreadyRunning) as caught:
            InstanceLock(tmp_path).acquire()
        assert (caught.value.pid, caught.value.host) == (os.getpid(), socket.gethostname())
        assert f"process {os.getpid()} on {socket.gethostname()}" in str(caught.value)
    assert not (tmp_path / INFO_NAME).exists()
    InstanceLock(tmp_path).acquire().release()  # free again after release


def test_a_running_holder_is_named(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(AlreadyRunning) as caught:
        InstanceLock(tmp_path).acquire()
    assert caught.value.pid == holder.pid
    assert caught.value.started is not None
    assert str(tmp_path) in str(caught.value)


def test_a_killed_holders_lock_is_reclaimed(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert json.loads((tmp_path / INFO_NAME).read_text())["pid"] == holder.pid  # stale note
    lock = InstanceLock(tmp_path).acquire()
    try:
        assert json.loads((tmp_path / INFO_NAME).read_text())["pid"] == os.getpid()
    finally:
        lock.release()


def test_an_unreadable_note_still_gives_a_clear_message(tmp_path: Path) -> None:
    with InstanceLock(tmp_path):
        (tmp_path / INFO_NAME).write_text("{not json")
        with pytest.raises(AlreadyRunning, match="another process"):
            InstanceLock(tmp_path).acquire()
