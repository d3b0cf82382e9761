"""A small real library for the export and bundle tests, built with the real services."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.records import ReadStatus
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, digest_text
from tests.exporters.records import NASTY

META = "  • 3 authors\n·\nMar 8, 2024 17"

TITLES = (
    f"Alpha: {NASTY}",
    "Beta — Scaling Laws for Émoji 🚀 Models",
    "Gamma: 50% Fewer Parameters & #1 on MMLU",
    "Delta <script>alert(1)</script>",
    "Epsilon: A Paper Nobody Shelved",
)


@dataclass
class Sample:
    ids: dict[str, int]  # by the first word of the title
    shelf: str
    order: list[int]  # the shelf's manual order
    digest: Path


def build_sample(library: Library, folder: Path) -> Sample:
    """Five papers from one digest; four on a shelf in a hand-made order, with everything set."""
    digest = folder / "digest.txt"
    entries = [(t, f"{ABSTRACT} {NASTY} ({n})") for n, t in enumerate(TITLES)]
    digest.write_text(digest_text(*entries, meta=META), encoding="utf-8")
    report = Importer(library).import_files([digest]).files[0]
    assert report.ok, report.error
    ids = {r.title.split()[0].rstrip(":"): r.id for r in library.list_papers()}
    library.add_tags([ids["Alpha"], ids["Beta"]], ["lora", "x&y"])
    library.add_tags([ids["Gamma"]], ["=cmd|' /C calc'!A0"])
    library.set_tag_color("lora", "#e01b24")
    library.set_note(ids["Alpha"], f"Read §3 first.\n\n- {NASTY}\n- <img src=x onerror=alert(1)>")
    library.set_note(ids["Delta"], "javascript:alert(2) then https://example.org/ok")
    library.set_starred([ids["Beta"], ids["Delta"]], True)
    library.set_status([ids["Alpha"]], ReadStatus.READ)
    library.set_status([ids["Gamma"]], ReadStatus.SKIMMED)
    shelves = Shelves(library)
    shelves.create("To read")
    order = [ids["Gamma"], ids["Alpha"], ids["Delta"], ids["Beta"]]
    shelves.add("To read", order)
    shelves.create("LoRA papers", query="lora")
    return Sample(ids=ids, shelf="To read", order=order, digest=digest)


_TEMPLATE: tuple[Path, Sample] | None = None


def open_sample(location: Path) -> tuple[Library, Sample]:
    """A copy of the sample library at ``location``: built once per test run, copied after.

    Building takes a second (every edit is a durable transaction); copying takes a few ms.
    """
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="readinglist-sample-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        with Library.open(folder / "library") as lib:
            sample = build_sample(lib, folder)
        _TEMPLATE = (folder / "library", sample)
    template, sample = _TEMPLATE
    shutil.copytree(template, location)
    return Library.open(location), sample
