"""Fixtures for shared libraries: several clients of one PostgreSQL database.

A client is what one person's computer has: its own author name and its own data directory
(where the local search index lives); the database is the one they share.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from readinglist.library import Library

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Library]]:
    """``open_client(url, "alice")``: the library as alice's computer opens it."""
    opened: list[Library] = []

    def open_(url: str, author: str, *, sync_index: bool = True) -> Library:
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / f"home-{author}"))
        monkeypatch.setenv("READINGLIST_AUTHOR", author)
        lib = Library.open(url, sync_index=sync_index)
        opened.append(lib)
        return lib

    yield open_
    for lib in opened:
        lib.close()


@dataclass
class ClientProcess:
    """A client in a process of its own (tests/shared/client.py), started and waiting."""

    proc: subprocess.Popen[str]

    def wait_ready(self) -> None:
        """Block until the client has opened the library (it starts in parallel with others)."""
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            _out, err = self.proc.communicate(timeout=30)
            raise AssertionError(f"client did not start: {line}{err}")

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def result(self, timeout: float = 60) -> dict[str, Any]:
        out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err
        return dict(json.loads(out.strip().splitlines()[-1]))


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., ClientProcess]]:
    """``spawn(url, "alice", "tag", "12", ...)``: a client process, starting up."""
    started: list[ClientProcess] = []

    def start(url: str, author: str, action: str, *args: str) -> ClientProcess:
        env = {
            **os.environ,
            "READINGLIST_AUTHOR": author,
            "XDG_DATA_HOME": str(tmp_path / f"home-{author}"),
            "PYTHONPATH": str(ROOT),
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.shared.client", url, action, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        client = ClientProcess(proc)
        started.append(client)
        return client

    yield start
    for client in started:
        if client.proc.poll() is None:
            client.proc.kill()
        for pipe in (client.proc.stdin, client.proc.stdout, client.proc.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        client.proc.wait()
