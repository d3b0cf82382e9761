"""The crash harness: SIGKILL a worker editing a library at random moments, then verify it.

After every kill: ``PRAGMA integrity_check`` is ok and ``foreign_key_check`` empty (before
the library is opened again); the reopened library (whose open repairs the index from the
change journal) holds every change the worker reported as committed; no digest is
half-imported; and the search index answers exactly like an index freshly rebuilt from the
database.  Used by tests/reliability/test_crash.py (CI) and scripts/crash_harness.py (long).
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy import select as sql_select
from whoosh import index as whoosh_index

from readinglist.core import Scope
from readinglist.digest import title_key
from readinglist.importing import Importer
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.maintenance.check import check_library
from readinglist.search import IndexState, SearchIndex
from readinglist.search.index import STATE_ID
from readinglist.shelves import Shelves
from readinglist.store.convert import iter_all_papers, to_index_doc
from readinglist.store.models import Digest, Paper, Sighting

if TYPE_CHECKING:
    from collections.abc import Iterator

DRIVER = Path(__file__).with_name("crash_driver.py")
ROOT = Path(__file__).resolve().parents[2]
Event = tuple[str, str, dict[str, Any]]
OPENING_SHARE = 0.2


class HarnessFailure(AssertionError):
    """Something the library promised did not hold after a kill."""


@dataclass
class HarnessConfig:
    kills: int = 50
    mode: str = "mixed"  # or "between": the worker dies between database and index commits
    seed: int = 1
    reset_every: int = 10  # a fresh library every N kills keeps each verification fast
    max_delay_s: float = 0.5  # a kill comes at a uniformly random time up to this after spawn
    check_every: int = 5  # also run `readinglist check` after every N-th kill


@dataclass
class HarnessResult:
    kills: int = 0
    in_flight: Counter[str] = field(default_factory=Counter)  # what was running when killed
    committed_in_flight: int = 0  # killed after the commit but before reporting it
    reported: int = 0  # changes reported committed and found
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.in_flight.items()))
        return (
            f"{self.kills} kills in {self.seconds:.1f} s; killed during: {kinds}; "
            f"{self.reported} reported changes all present; {self.committed_in_flight} "
            "unreported operations found committed (whole)"
        )


class ForkServer:
    """The driver process, speaking its line protocol."""

    def __init__(self, stderr: IO[bytes]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=ROOT,
        )
        self._buffer = b""

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def events(self, timeout: float) -> Iterator[Event]:
        """Events as they arrive, until ``timeout`` seconds pass without one ending it."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                tag, kind, payload = line.decode().split(" ", 2)
                yield tag, kind, json.loads(payload)
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise HarnessFailure("the fork server died")
                self._buffer += chunk

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@dataclass
class Expectations:
    """Everything reported committed so far, as facts the library must keep."""

    starred: set[int] = field(default_factory=set)
    tags: set[tuple[int, str]] = field(default_factory=set)
    notes: set[tuple[int, str]] = field(default_factory=set)
    status: dict[int, int] = field(default_factory=dict)
    imports: dict[str, list[str]] = field(default_factory=dict)  # content hash -> new titles
    shelves: dict[str, list[int]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)  # search probes: tags and note words

    def add(self, op: dict[str, Any]) -> None:
        kind = op["op"]
        if kind == "import":
            self.imports[op["hash"]] = op["new"]
        elif kind == "star":
            self.starred.add(op["paper"])
        elif kind == "tag":
            self.tags.add((op["paper"], op["tag"]))
            self.words.add(op["tag"])
        elif kind == "note":
            self.notes.add((op["paper"], op["line"]))
            self.words.add(op["line"])
        elif kind == "status":
            self.status[op["paper"]] = max(self.status.get(op["paper"], 0), op["rank"])
        else:
            self.shelves[op["shelf"]] = op["order"]


RANK = {"unread": 0, "skimmed": 1, "read": 2}


def seed_library(location: Path, rng: random.Random) -> Expectations:
    """A library with papers and three manual shelves to work on."""
    from tests.reliability.crash_driver import digest

    text, _new = digest(0, 0, rng, [])
    with Library.open(location, backups=False) as lib:
        report = Importer(lib).import_text(text, "seed.txt")
        assert report.ok, report.error
        ids = sorted(lib.paper_ids(Scope.library()))
        shelves = Shelves(lib)
        expect = Expectations()
        for n in range(3):
            shelves.create(f"S{n}")
            chosen = rng.sample(ids, min(4, len(ids)))
            shelves.add(f"S{n}", chosen)
            expect.shelves[f"S{n}"] = chosen
    return expect


def run_harness(workdir: Path, config: HarnessConfig, log: IO[str] | None = None) -> HarnessResult:
    """Kill ``config.kills`` workers and verify the library after each; raises on a failure."""
    if not hasattr(os, "fork"):
        raise RuntimeError("the crash harness needs fork() and SIGKILL (Linux, macOS)")
    rng = random.Random(config.seed)
    result = HarnessResult()
    started = time.monotonic()
    stderr_path = workdir / "driver-stderr.txt"
    with stderr_path.open("wb") as stderr:
        server = ForkServer(stderr)
        try:
            location = workdir / "library-0"
            expect = seed_library(location, rng)
            for n in range(config.kills):
                if n and n % config.reset_every == 0:
                    location = workdir / f"library-{n // config.reset_every}"
                    expect = seed_library(location, rng)
                events = _one_kill(server, location, n + 1, rng, config, stderr_path)
                _verify(location, events, expect, result, config.mode, rng)
                if config.check_every and (n + 1) % config.check_every == 0:
                    with Library.open(location, backups=False) as lib:
                        report = check_library(lib)
                    if not report.ok:
                        raise HarnessFailure(f"kill {n + 1}: check found {report.problems}")
                result.kills += 1
                if log is not None and (n + 1) % 10 == 0:
                    elapsed = time.monotonic() - started
                    print(f"{n + 1} kills verified ({elapsed:.0f} s)", file=log, flush=True)
        finally:
            server.close()
    result.seconds = time.monotonic() - started
    return result


def _one_kill(
    server: ForkServer,
    location: Path,
    run: int,
    rng: random.Random,
    config: HarnessConfig,
    stderr_path: Path,
) -> list[Event]:
    server.send(f"run {run} {rng.randrange(1 << 30)} {config.mode} {location}")
    events: list[Event] = []
    pid = None
    for tag, kind, payload in server.events(30):
        if (tag, kind) == ("z", "spawned") and payload["run"] == run:
            pid = payload["pid"]
            break
    if pid is None:
        raise HarnessFailure(f"run {run}: the worker did not start")
    if config.mode == "mixed":
        # One kill in five at any moment after the fork (most land while the library opens);
        # the others at a random moment once it works: in an operation or between two.
        if rng.random() >= OPENING_SHARE:
            events += _until_ready(server, run, stderr_path)
        events += _collect(server, run, rng.uniform(0, config.max_delay_s), stderr_path)
        os.kill(pid, signal.SIGKILL)
    server.send(f"reap {pid}")
    status = None
    deadline = time.monotonic() + 60
    while status is None and time.monotonic() < deadline:
        for tag, kind, payload in server.events(1):
            if (tag, kind) == ("z", "exited") and payload["pid"] == pid:
                status = payload["status"]
                break
            events.append(_own(run, tag, kind, payload, stderr_path))
    if status is None:
        os.kill(pid, signal.SIGKILL)
        raise HarnessFailure(f"run {run}: the worker never died (mode {config.mode})")
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise HarnessFailure(f"run {run}: the worker ended with status {status}, not SIGKILL")
    return events


def _until_ready(server: ForkServer, run: int, stderr_path: Path) -> list[Event]:
    events = []
    for event in server.events(30):
        events.append(_own(run, *event, stderr_path))
        if event[1] == "ready":
            return events
    raise HarnessFailure(f"run {run}: the worker did not open the library within 30 s")


def _collect(server: ForkServer, run: int, seconds: float, stderr_path: Path) -> list[Event]:
    return [_own(run, *event, stderr_path) for event in server.events(seconds)]


def _own(run: int, tag: str, kind: str, payload: dict[str, Any], stderr_path: Path) -> Event:
    if kind == "error":
        raise HarnessFailure(f"run {run}: the worker failed:\n{payload['error']}")
    if tag != str(run):
        raise HarnessFailure(f"run {run}: unexpected line {tag} {kind} {payload}")
    return tag, kind, payload


def _verify(
    location: Path,
    events: list[Event],
    expect: Expectations,
    result: HarnessResult,
    mode: str,
    rng: random.Random,
) -> None:
    begun: dict[int, dict[str, Any]] = {}
    done: set[int] = set()
    for _tag, kind, payload in events:
        if kind == "begin":
            begun[payload["k"]] = payload
        elif kind == "done":
            done.add(payload["k"])
    pending = [op for k, op in begun.items() if k not in done]
    in_flight = pending[0] if pending else None
    result.in_flight[in_flight["op"] if in_flight else "idle" if begun else "opening"] += 1
    for k in sorted(done):
        expect.add(begun[k])
    result.reported += len(done)

    _check_file(location)
    with Library.open(location, backups=False) as lib:  # repairs the index from the journal
        shelf_orders = {s: Shelves(lib).paper_ids(s) for s in expect.shelves}
        if in_flight is not None and _committed(lib, in_flight, expect, shelf_orders):
            expect.add(in_flight)
            result.committed_in_flight += 1
        elif in_flight is not None and mode == "between":
            raise HarnessFailure(f"killed after the database commit, yet {in_flight} is missing")
        _check_expectations(lib, expect, shelf_orders)
        _check_digests(lib)
        lib.index.wait_for_merge()  # compare a settled index, not one mid-merge
        _check_index(lib, expect, rng)


def _check_file(location: Path) -> None:
    conn = sqlite3.connect(location / DB_NAME)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    if integrity != ["ok"]:
        raise HarnessFailure(f"integrity_check: {integrity[:5]}")
    if fk:
        raise HarnessFailure(f"foreign_key_check: {fk[:5]}")


def _committed(
    lib: Library, op: dict[str, Any], expect: Expectations, orders: dict[str, list[int]]
) -> bool:
    """Whether the unreported operation is in the library, whole; raises if half of it is."""
    kind = op["op"]
    if kind == "import":
        with lib.read() as session:
            row = session.scalar(sql_select(Digest.id).where(Digest.content_hash == op["hash"]))
            keys = [title_key(t) for t in op["new"]]
            present = session.scalar(
                sql_select(func.count(Paper.id)).where(Paper.title_key.in_(keys))
            )
        if row is None and present:
            raise HarnessFailure(f"import {op['k']}: {present} papers without their digest")
        return row is not None
    if kind in ("order", "move", "add"):
        actual = orders[op["shelf"]]
        if actual not in (op["order"], expect.shelves[op["shelf"]]):
            raise HarnessFailure(f"shelf {op['shelf']}: order {actual} is neither before nor after")
        return bool(actual == op["order"])
    record = lib.paper(op["paper"])
    if kind == "star":
        return bool(record.starred)
    if kind == "tag":
        return op["tag"] in record.tags
    if kind == "note":
        return op["line"] in record.note.split("\n")
    return bool(RANK[record.read_status.value] >= op["rank"])


def _check_expectations(lib: Library, expect: Expectations, orders: dict[str, list[int]]) -> None:
    records = {r.id: r for r in lib.papers(sorted({*expect.starred, *expect.status,
                                                    *(p for p, _ in expect.tags),
                                                    *(p for p, _ in expect.notes)}))}  # fmt: skip
    lost: list[object] = [p for p in expect.starred if not records[p].starred]
    lost += [(p, t) for p, t in expect.tags if t not in records[p].tags]
    lost += [(p, n) for p, n in expect.notes if n not in records[p].note.split("\n")]
    lost += [(p, r) for p, r in expect.status.items() if RANK[records[p].read_status.value] < r]
    lost += [(s, o) for s, o in expect.shelves.items() if orders[s] != o]
    with lib.read() as session:
        hashes = set(session.scalars(sql_select(Digest.content_hash)))
        keys = set(session.scalars(sql_select(Paper.title_key)))
    for content_hash, titles in expect.imports.items():
        if content_hash not in hashes or any(title_key(t) not in keys for t in titles):
            lost.append(("import", content_hash[:12]))
    if lost:
        raise HarnessFailure(f"reported changes lost: {lost[:10]}")


def _check_digests(lib: Library) -> None:
    with lib.read() as session:
        counts = session.execute(
            sql_select(Digest.file_name, Digest.entry_count, func.count(Sighting.id))
            .outerjoin(Sighting, Sighting.digest_id == Digest.id)
            .group_by(Digest.id)
        ).all()
    half = [(name, n, seen) for name, n, seen in counts if n != seen]
    if half:
        raise HarnessFailure(f"digests half-imported (name, entries, sightings): {half}")


def _check_index(lib: Library, expect: Expectations, rng: random.Random) -> None:
    """The index must hold exactly what a fresh rebuild holds, and answer probes the same."""
    from tests.reliability.crash_driver import WORDS

    with tempfile.TemporaryDirectory(prefix="crash-fresh-") as tmp:
        fresh = SearchIndex(Path(tmp) / "index")
        try:
            with lib.read() as session:
                fresh.rebuild((to_index_doc(p) for p in iter_all_papers(session)), IndexState(0, 0))
            live_ids, fresh_ids = lib.index.ids(), fresh.ids()
            if live_ids != fresh_ids:
                missing, extra = fresh_ids - live_ids, live_ids - fresh_ids
                raise HarnessFailure(f"index ids differ: missing {missing}, extra {extra}")
            live, want = indexed_terms(lib.index.directory), indexed_terms(fresh.directory)
            if live != want:
                diff = sorted(set(live.items()) ^ set(want.items()))[:5]
                raise HarnessFailure(f"indexed documents differ from a fresh rebuild: {diff}")
            probes = [
                *rng.sample(WORDS, 2),
                *rng.sample(sorted(expect.words), min(2, len(expect.words))),
            ]
            for word in probes:
                got = lib.index.search_ids(word, limit=None)
                wanted = fresh.search_ids(word, limit=None)
                if sorted(got) != sorted(wanted) or len(got) != len(set(got)):
                    raise HarnessFailure(f"index answers {word!r} differently: {got} != {wanted}")
        finally:
            fresh.close()


def indexed_terms(directory: Path) -> dict[tuple[str, bytes], frozenset[str]]:
    """Every (field, term) of the live documents of an index, with the papers holding it."""
    ix = whoosh_index.open_dir(str(directory))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            ids = {n: str(f["id"]) for n, f in reader.iter_docs()}
            if len(set(ids.values())) != len(ids):
                raise HarnessFailure(f"{directory}: a paper is indexed twice")
            found = {}
            for name, term in reader.all_terms():
                docs = frozenset(ids[d] for d in reader.postings(name, term).all_ids() if d in ids)
                if docs and name not in ("state", "id") and STATE_ID not in docs:
                    found[(name, term)] = docs
            return found
    finally:
        ix.close()


def main(argv: list[str] | None = None) -> int:
    """Command line for the long run (see scripts/crash_harness.py)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--between", type=int, default=100, help="kills between the commits")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the libraries here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crash-harness-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for mode, kills in (("mixed", args.kills), ("between", args.between)):
            if not kills:
                continue
            folder = workdir / mode
            folder.mkdir(exist_ok=True)
            config = HarnessConfig(kills=kills, mode=mode, seed=args.seed, reset_every=25)
            outcome = run_harness(folder, config, log=sys.stderr)
            print(f"{mode}: {outcome.summary()}", flush=True)
    return 0
