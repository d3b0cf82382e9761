#!/usr/bin/env python3
"""The long crash harness: SIGKILL a worker editing a library 500 times, verifying after each.

    .venv/bin/python scripts/crash_harness.py --kills 500 --between 100

``--kills``: random moments during imports, edits and shelf reorders; ``--between``: kills
between a database commit and the index commit.  The CI version is tests/reliability/.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.harness import main

if __name__ == "__main__":
    sys.exit(main())
