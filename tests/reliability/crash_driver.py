"""The process the crash harness kills: random imports, edits and shelf reorders on a library.

Started once as a *fork server* (``python crash_driver.py serve``) that imports everything and
then, per ``run`` command on stdin, forks a worker; the harness SIGKILLs the worker at a
random moment and asks the server to reap it.  Forking keeps each kill cheap (no 0.5 s
interpreter start) while every worker is still a separate process killed for real.

Protocol (one line each, written with a single ``write`` so lines never interleave):

    stdin   run RUN SEED MODE LIBRARY      fork a worker
            reap PID                       wait for that worker; answer "z exited PID STATUS"
    stdout  RUN ready {}                   the worker opened the library
            RUN begin {op...}              an operation starts (what it will change)
            RUN done {"k": K}              Library.write returned: the change is committed
            z spawned RUN PID / z exited PID STATUS

MODE ``mixed`` runs until killed; ``between`` kills itself (SIGKILL) inside the N-th
``SearchIndex.update``, which runs right after a database commit and before the index commit.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __name__ == "__main__":  # run as a script from anywhere: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from readinglist.core import Scope
from readinglist.importing import Importer
from readinglist.incoming import text_fingerprint
from readinglist.library import Library
from readinglist.records import ReadStatus, ShelfKind
from readinglist.search import SearchIndex
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable

    from readinglist.search import IndexState, IndexUpdate

WORDS = (
    "adapter",
    "gradient",
    "sparse",
    "transformer",
    "memory",
    "retrieval",
    "diffusion",
    "vision",
    "robust",
    "agent",
    "distillation",
    "pruning",
    "quantum",
    "kernel",
    "attention",
    "benchmark",
    "reward",
    "policy",
    "graph",
    "token",
)
STATUS_RANK = {ReadStatus.UNREAD: 0, ReadStatus.SKIMMED: 1, ReadStatus.READ: 2}
MAX_RUN_S = 60.0  # a worker whose harness died stops by itself


def emit(tag: str, kind: str, payload: dict[str, Any]) -> None:
    os.write(1, f"{tag} {kind} {json.dumps(payload)}\n".encode())


def digest(run: int, k: int, rng: random.Random, known: list[str]) -> tuple[str, list[str]]:
    """A digest text with new papers (short abstracts, metadata blocks) and a few known ones."""
    new = [
        f"Crash r{run} k{k} e{i} {rng.choice(WORDS)} {rng.choice(WORDS)}"
        for i in range(rng.randint(3, 25))
    ]
    titles = new + rng.sample(known, min(len(known), rng.randint(0, 2)))
    rng.shuffle(titles)
    parts = ["Daily Papers", "Mar 11"]
    for title in titles:
        words = " ".join(rng.choice(WORDS) for _ in range(8))
        parts += [title, f"We study {words}.", "  • 3 authors", "·", f"Mar 10, 2024 {k}"]
    return "\n\n".join(parts) + "\n", new


def run_ops(location: Path, run: int, seed: int, mode: str) -> None:
    """Edit the library at random, reporting each operation before and after it commits."""
    rng = random.Random(seed)
    lib = Library.open(location, backups=False)
    if mode == "between":
        _die_in_update(rng.randint(1, 6))
    shelves = Shelves(lib)
    orders = {
        s.name: shelves.paper_ids(s.name) for s in shelves.list() if s.kind is ShelfKind.MANUAL
    }
    ids = sorted(lib.paper_ids(Scope.library()))
    known = [r.title for r in lib.papers(rng.sample(ids, min(20, len(ids))))]
    tag = str(run)
    emit(tag, "ready", {})
    started = time.monotonic()
    k = 0
    while time.monotonic() - started < MAX_RUN_S:
        k += 1
        kind = rng.choices(
            ["import", "star", "tag", "note", "status", "order", "move", "add"],
            weights=[3, 2, 2, 2, 2, 2, 2, 1],
        )[0]
        op: dict[str, Any] = {"op": kind, "k": k}
        action: Callable[[], object]
        if kind == "import":
            text, new = digest(run, k, rng, known)
            op |= {
                "hash": text_fingerprint(text),  # how the importer identifies a digest
                "new": new,
            }
            action = partial(_import, lib, text, f"r{run}k{k}.txt")
        elif kind in ("star", "tag", "note", "status"):
            paper = rng.choice(ids)
            op["paper"] = paper
            if kind == "star":
                action = partial(lib.set_starred, [paper], True)
            elif kind == "tag":
                op["tag"] = f"t{rng.randint(0, 30)}"
                action = partial(lib.add_tags, [paper], [op["tag"]])
            elif kind == "note":
                op["line"] = f"nr{run}k{k}"
                action = partial(_append_note, lib, paper, op["line"])
            else:
                current = lib.paper(paper).read_status
                target = ReadStatus.SKIMMED if current is ReadStatus.UNREAD else ReadStatus.READ
                op["rank"] = STATUS_RANK[target]
                action = partial(lib.set_status, [paper], target)
        else:
            name = rng.choice(sorted(orders))
            order = list(orders[name])
            if kind == "order" or not order:
                order = rng.sample(ids, rng.randint(1, min(8, len(ids))))
                action = partial(shelves.restore_order, name, order)
            elif kind == "move":
                paper = rng.choice(order)
                position = rng.randint(0, len(order))
                stay = [i for i in order if i != paper]
                at = len([i for i in order[:position] if i != paper])
                order = [*stay[:at], paper, *stay[at:]]
                action = partial(shelves.move, name, [paper], position)
            else:
                paper = rng.choice(ids)
                if paper not in order:  # a paper already there keeps its place
                    order = [*order, paper]
                action = partial(shelves.add, name, [paper])
            orders[name] = order
            op |= {"shelf": name, "order": order}
        emit(tag, "begin", op)
        action()
        emit(tag, "done", {"k": k})
        if kind == "import":
            ids = sorted(lib.paper_ids(Scope.library()))


def _import(lib: Library, text: str, name: str) -> None:
    report = Importer(lib).import_text(text, name)
    if report.error:
        raise RuntimeError(f"{name}: {report.error}")


def _append_note(lib: Library, paper: int, line: str) -> None:
    note = lib.paper(paper).note
    lib.set_note(paper, f"{note}\n{line}" if note else line)


def _die_in_update(at_call: int) -> None:
    """SIGKILL this process inside the N-th index update: the database has just committed."""
    original = SearchIndex.update
    calls = 0

    def update(
        self: SearchIndex, plan: Callable[[IndexState | None], IndexUpdate | None]
    ) -> IndexState | None:
        nonlocal calls
        calls += 1
        if calls >= at_call:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, plan)

    SearchIndex.update = update  # type: ignore[method-assign]


def warm_up() -> None:
    """Load, once, everything opening and editing a library loads lazily (Alembic's scripts,
    Whoosh's writers and parsers), so each forked worker starts ready to work."""
    with tempfile.TemporaryDirectory(prefix="crash-warm-") as tmp:
        with Library.open(Path(tmp) / "library", backups=False) as lib:
            text, _new = digest(0, 0, random.Random(0), [])
            _import(lib, text, "warm.txt")
            ids = sorted(lib.paper_ids(Scope.library()))
            lib.add_tags(ids[:1], ["warm"])
            Shelves(lib).create("warm")
            Shelves(lib).add("warm", ids[:2])
            lib.index.search_ids("adapter", limit=None)
        Library.open(Path(tmp) / "library", backups=False).close()


def serve() -> None:
    """The fork server: one worker per ``run`` line; ``reap`` waits for one."""
    warm_up()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "run":
            run, seed, mode, location = int(words[1]), int(words[2]), words[3], words[4]
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    run_ops(Path(location), run, seed, mode)
                except BaseException:
                    emit(str(run), "error", {"error": traceback.format_exc()})
                    code = 1
                finally:
                    os._exit(code)
            emit("z", "spawned", {"run": run, "pid": pid})
        elif words[0] == "reap":
            pid = int(words[1])
            _, status = os.waitpid(pid, 0)
            emit("z", "exited", {"pid": pid, "status": status})


if __name__ == "__main__":
    if sys.argv[1:] != ["serve"]:
        sys.exit("usage: crash_driver.py serve")
    serve()
