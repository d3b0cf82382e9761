"""One GUI per library: an OS file lock plus a note saying which process holds it.

The lock is an OS lock (``flock`` / ``LockFileEx`` through ``filelock``), so the operating
system releases it when the holding process dies, however it dies: a lock left by a killed
process is simply free again.  The note (``instance.json``: pid, host, start time) only
serves the message a second start shows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from readinglist.errors import LibraryError

if TYPE_CHECKING:
    from types import TracebackType

LOCK_NAME = ".instance.lock"
INFO_NAME = "instance.json"


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a library's instance lock, as its note says."""

    pid: int | None
    host: str | None
    started: dt.datetime | None


class AlreadyRunning(LibraryError):
    """Another readinglist window has this library open."""

    def __init__(self, location: Path, holder: Holder) -> None:
        self.location = location
        self.pid = holder.pid
        self.host = holder.host
        self.started = holder.started
        who = f"process {holder.pid}" if holder.pid is not None else "another process"
        if holder.host:
            who += f" on {holder.host}"
        if holder.started is not None:
            who += f", started {holder.started.astimezone():%Y-%m-%d %H:%M}"
        super().__init__(f"{location}: readinglist already has this library open ({who})")


class InstanceLock:
    """The library's single-instance lock; ``acquire()`` raises AlreadyRunning when taken.

    Keep the object referenced for as long as the window is open: once it is garbage
    collected, the lock is released.
    """

    def __init__(self, location: Path | str) -> None:
        self.location = Path(location)
        self._lock = FileLock(self.location / LOCK_NAME, timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> InstanceLock:
        """Take the lock (at once, never waiting) and write who holds it."""
        self.location.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise AlreadyRunning(self.location, self.holder()) from None
        self._write_note()
        return self

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        with contextlib.suppress(OSError):
            (self.location / INFO_NAME).unlink()
        self._lock.release(force=True)

    def holder(self) -> Holder:
        """What the note says about the holder (fields are None when it is unreadable)."""
        try:
            data = json.loads((self.location / INFO_NAME).read_text(encoding="utf-8"))
            pid = data.get("pid")
            host = data.get("host")
            started = data.get("started")
            return Holder(
                pid if isinstance(pid, int) else None,
                host if isinstance(host, str) else None,
                dt.datetime.fromisoformat(started) if isinstance(started, str) else None,
            )
        except (OSError, ValueError, AttributeError):
            return Holder(None, None, None)

    def _write_note(self) -> None:
        note = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        path = self.location / INFO_NAME
        temp = path.with_name(f".{INFO_NAME}.{os.getpid()}")
        with contextlib.suppress(OSError):  # the note is informative; the lock is what counts
            temp.write_text(json.dumps(note), encoding="utf-8")
            os.replace(temp, path)

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.release()
