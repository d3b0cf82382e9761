#!/usr/bin/env python3
"""The project's one task runner: needs nothing but Python 3.11+.

python3 tasks.py run [-- ARGS]     set up .venv and run readinglist (with ARGS: a command)
python3 tasks.py test [ARGS]       set up .venv and run the tests (ARGS go to pytest:
                                   tests/digest, tests/cli/test_cli.py::test_name, -k word)
python3 tasks.py lint              ruff, mypy and the import-layer contracts
python3 tasks.py bench [NAME]      the benchmarks in bench/ (slow)

The development tools are pinned in constraints-dev.txt. After set-up the command itself is
.venv/bin/readinglist (see README, "Start").
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
CONSTRAINTS = ROOT / "constraints-dev.txt"


def ensure_venv(extras: str = "dev") -> None:
    """Create .venv and install the project when pyproject.toml changed since last time."""
    inputs = (ROOT / "pyproject.toml").read_bytes() + CONSTRAINTS.read_bytes() + extras.encode()
    wanted = hashlib.sha256(inputs).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing readinglist and its dependencies into .venv ...", flush=True)
    run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS), "-e", f".[{extras}]"])
    STAMP.write_text(wanted)
    print(
        f"Installed. The command is {BIN / 'readinglist'}; to have `readinglist` on PATH,\n"
        f"  activate the environment:  . {BIN / 'activate'}\n"
        f"  or link it once:           ln -s {BIN / 'readinglist'} ~/.local/bin/",
        flush=True,
    )


def run(cmd: list[str]) -> None:
    code = subprocess.call(cmd, cwd=ROOT)
    if code:
        sys.exit(code)


def main(argv: list[str]) -> None:
    task = argv[0] if argv else "help"
    rest = argv[1:]
    if task == "run":
        ensure_venv()
        if rest[:1] == ["--"]:  # `run -- ARGS`: everything after -- goes to readinglist
            rest = rest[1:]
        run([str(BIN / "readinglist"), *rest])
    elif task == "test":
        ensure_venv()
        run([str(PY), "-m", "pytest", *rest])
    elif task == "lint":
        ensure_venv()
        run([str(BIN / "ruff"), "check", "."])
        run([str(BIN / "ruff"), "format", "--check", "."])
        run([str(BIN / "mypy")])
        run([str(BIN / "lint-imports")])
    elif task == "bench":
        ensure_venv()
        run([str(PY), "-m", "bench", *rest])
    else:
        print(__doc__)
        sys.exit(0 if task == "help" else 2)


if __name__ == "__main__":
    main(sys.argv[1:])
