"""Shared fixtures: temporary libraries, digest fixtures, the real example digests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from readinglist.library import Library

if TYPE_CHECKING:
    from collections.abc import Iterator

# The `backend` fixture and a throwaway PostgreSQL server (pg_server, pg_url): the store,
# importer, library and shelf suites run on each backend in READINGLIST_TEST_BACKENDS.
pytest_plugins = ["tests.postgres"]

# Building the PyInstaller bundle takes minutes: its test is collected only when asked for
# (docs/packaging.md), so that the default run has nothing to skip.
collect_ignore = (
    []
    if os.environ.get("READINGLIST_BUNDLE") or os.environ.get("READINGLIST_BUILD_BUNDLE") == "1"
    else ["packaging/test_bundle.py"]
)

# Set before pytest-qt's session-scoped qapp exists (it is created before any function fixture).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Hypothesis: a quick default for every run, a thorough profile for CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci). No deadline in either: a per-example time limit is a wall-clock
# assert, and it fails under load; tests/ asserts behaviour, bench/ measures speed.
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FIXTURES = Path(__file__).parent / "fixtures"
# Three real digests (203 entries, 169 distinct papers), kept in the repository as test data:
# no test reads anything outside the checkout.
REAL_DIGESTS = FIXTURES / "digests" / "real"


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the user's real library or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("READINGLIST_HOME", str(home / "default-library"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def library(request: pytest.FixtureRequest, backend: str, library_dir: Path) -> Iterator[Library]:
    location = request.getfixturevalue("pg_url") if backend == "postgresql" else library_dir
    lib = Library.open(location)
    yield lib
    lib.close()


@pytest.fixture
def real_digests() -> list[Path]:
    """The real digests, in name order (read-only: copy them before changing one)."""
    paths = sorted(REAL_DIGESTS.glob("*.txt"))
    assert len(paths) == 3, f"{REAL_DIGESTS}: expected the three real digests"
    return paths


def digest_text(*entries: tuple[str, str], label: str = "Mar 11", meta: str = "") -> str:
    """A small well-formed digest; ``meta`` is appended as a metadata block to every entry."""
    parts = ["Daily Papers", label]
    for title, abstract in entries:
        parts += [title, abstract]
        if meta:
            parts += meta.split("\n")
    return "\n\n".join(parts) + "\n"


ABSTRACT = (
    "We study how large models forget what they learned when they are fine-tuned on new "
    "tasks, and propose a simple regulariser that keeps old skills intact while the new "
    "ones are learned. Experiments on six benchmarks show less forgetting at equal cost. "
    "Code: https://github.com/example/keep."
)
