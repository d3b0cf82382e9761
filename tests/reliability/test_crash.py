"""Nothing lost on a crash: SIGKILL at random moments, then the library is whole and indexed.

The short CI version of the crash harness (tests/reliability/harness.py); the long one is
``scripts/crash_harness.py --kills 500``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from tests.reliability.harness import HarnessConfig, run_harness

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL"),
]


def test_random_kills_during_imports_edits_and_reorders_lose_nothing(tmp_path: Path) -> None:
    result = run_harness(tmp_path, HarnessConfig(kills=50, mode="mixed", seed=7))
    assert result.kills == 50
    # The kills landed in the middle of real work, not only between operations.
    assert result.in_flight["import"] > 0
    assert sum(result.in_flight[k] for k in ("star", "tag", "note", "status")) > 0
    assert sum(result.in_flight[k] for k in ("order", "move", "add")) > 0
    assert result.reported > 0


def test_kills_between_the_database_commit_and_the_index_commit(tmp_path: Path) -> None:
    result = run_harness(tmp_path, HarnessConfig(kills=10, mode="between", seed=11))
    assert result.kills == 10
    # Every worker died holding a committed, unreported change that the index had not seen.
    assert result.committed_in_flight == 10
