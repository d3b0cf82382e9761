"""A small populated library for the maintenance tests, built once and copied for each test."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TITLES = ("Alpha Adapters", "Beta Benchmarks", "Gamma Gradients", "Delta Distillation", "Epsilon")


@pytest.fixture(scope="session")
def populated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five papers; two tagged, one starred, one with a note, three on the shelf 'Queue'."""
    location = tmp_path_factory.mktemp("populated") / "library"
    with Library.open(location, backups=False) as lib:
        report = Importer(lib).import_text(digest_text(*((t, ABSTRACT) for t in TITLES)))
        assert report.ok, report.error
        ids = sorted(p.id for p in lib.list_papers())
        lib.add_tags(ids[:2], ["lora"])
        lib.set_starred([ids[2]], True)
        lib.set_note(ids[3], "Compare with the distillation baseline.")
        shelves = Shelves(lib)
        shelves.create("Queue")
        shelves.add("Queue", [ids[4], ids[0], ids[2]])
        lib.index.wait_for_merge()
    return location


@pytest.fixture
def populated(populated_template: Path, library_dir: Path) -> Iterator[Library]:
    """A fresh copy of the template library, open (no automatic backup made on this open)."""
    shutil.copytree(populated_template, library_dir)
    lib = Library.open(library_dir, backups=False)
    yield lib
    lib.close()
