"""One client of a shared library, run as a separate process by the concurrency tests.

    python -m tests.shared.client URL ACTION [ARGS...]

It opens the library, prints ``ready``, waits for a line on stdin (so that the test can
start several clients at the same moment), does ACTION, and prints one JSON line with what
happened. Who it is (READINGLIST_AUTHOR) and where its index lives (XDG_DATA_HOME) come
from the environment, as for a person's own computer.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from readinglist.errors import EditConflict
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.shelves import Shelves

MAX_WAIT_S = 60.0  # a client whose test died stops by itself


def run(lib: Library, action: str, args: list[str]) -> dict[str, Any]:
    if action == "import":
        result = Importer(lib).import_files([Path(a) for a in args])
        return {"files": [f.to_json() for f in result.files]}
    if action == "reorder":
        shelf, seed, moves = args[0], int(args[1]), int(args[2])
        rng = random.Random(seed)
        # Back-to-back transactions (the index is not what this exercises): the most overlap.
        lib.sync_index = lambda *_args, **_kw: 0  # type: ignore[method-assign]
        shelves = Shelves(lib)
        for _ in range(moves):
            ids = shelves.paper_ids(shelf)
            moving = rng.sample(ids, rng.randint(1, 3))
            shelves.move(shelf, moving, rng.randint(0, len(ids)))
        return {"moves": moves}
    if action == "tag":
        paper, prefix, count = int(args[0]), args[1], int(args[2])
        for n in range(count):
            lib.add_tags([paper], [f"{prefix}-{n}", "both"])
            lib.set_starred([paper], n % 2 == 0)
        return {"tagged": count}
    if action == "note":
        paper, body, expected = int(args[0]), args[1], int(args[2])
        try:
            version = lib.set_note(paper, body, expected_version=expected).version
        except EditConflict as err:
            return {"conflict": str(err), "author": err.author}
        return {"version": version}
    raise SystemExit(f"unknown action {action!r}")


def main(argv: list[str]) -> None:
    url, action, args = argv[0], argv[1], argv[2:]
    with Library.open(url) as lib:
        print("ready", flush=True)
        started = time.monotonic()
        if not sys.stdin.readline() or time.monotonic() - started > MAX_WAIT_S:
            raise SystemExit("no go signal")
        outcome = run(lib, action, args)
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
