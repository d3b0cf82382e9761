"""Read what we write: the real digests' library exported as BibTeX, RIS and CSL-JSON and
imported into an empty library keeps every title, abstract, tag, citation key, link, date,
author and arXiv id exactly, and notes wherever the format can hold them."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from readinglist.core import Scope
from readinglist.export import Exporter
from readinglist.exporters.common import citation_keys
from readinglist.importing import Importer
from readinglist.library import Library
from tests.conftest import REAL_DIGESTS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from readinglist.records import PaperRecord

# Names as arXiv and Hugging Face write them: particles, suffixes, accents, initials, one word.
AUTHORS = [
    ["Ada Lovelace", "Alan M. Turing"],
    ["Ludwig van Beethoven", "Jörg Müller", "Zoë Đặng"],
    ["John Smith, Jr.", "Jiaxin"],
    ["Jean-Baptiste de La Fontaine", "María José García-López", "Q. Li", "Wei Zhang"],
]
NOTES = [
    "Worth a second read.",
    "## Why it matters\n\nCompares with **LoRA**; see [repo](https://github.com/x/y).\n\n- a\n- b",
    'Quotes "like this", 50% faster & <tags> {braces} $x^2$ ~ \\back',
]
TAGS = [["lora"], ["to read", "überblick"], ["peft", "C++", "#ideas"]]


def _arxiv(n: int) -> str:
    return f"24{n % 12 + 1:02d}.{10000 + n:05d}" if n % 5 else f"cs.LG/0{n:06d}"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The real digests imported, then a daily papers listing of some of their papers
    (authors, arXiv ids), tags and notes added as a reader would."""
    folder = tmp_path_factory.mktemp("roundtrip")
    lib = Library.open(folder / "source", backups=False)
    importer = Importer(lib)
    result = importer.import_files(sorted(REAL_DIGESTS.glob("*.txt")))
    assert not result.failed
    records = lib.list_papers(Scope.library())
    listing = [
        {
            "paper": {
                "id": _arxiv(n) + "v2",
                "title": r.title,
                "authors": [{"name": a} for a in AUTHORS[n % len(AUTHORS)]],
                "upvotes": n,
            },
            "publishedAt": "2024-03-11T00:00:00Z",
        }
        for n, r in enumerate(records[::4])
    ]
    daily = folder / "daily.json"
    daily.write_text(json.dumps(listing), encoding="utf-8")
    assert importer.import_files([daily]).files[0].new == 0
    for n, r in enumerate(records[::3]):
        lib.add_tags([r.id], TAGS[n % len(TAGS)])
    for n, r in enumerate(records[1::5]):
        lib.set_note(r.id, NOTES[n % len(NOTES)])
    yield lib
    lib.close()


def _by_title(records: list[PaperRecord]) -> dict[str, PaperRecord]:
    out = {r.title: r for r in records}
    assert len(out) == len(records)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("bibtex", ".bib"), ("ris", ".ris"), ("csljson", ".json")]
)
def test_export_then_import_into_an_empty_library_keeps_every_field(
    source: Library, tmp_path: Path, fmt: str, suffix: str
) -> None:
    exported = tmp_path / f"library{suffix}"
    Exporter(source).export(Scope.library(), fmt, exported)
    before = source.list_papers(Scope.library())
    assert len(before) > 150
    assert sum(1 for r in before if r.authors and r.arxiv_id) > 30
    assert sum(1 for r in before if r.tags) > 30
    assert sum(1 for r in before if r.note) > 30

    with Library.open(tmp_path / "empty", backups=False) as target:
        report = Importer(target).import_files([exported]).files[0]
        assert (report.error, report.new, report.warnings) == (None, len(before), [])
        after = _by_title(target.list_papers(Scope.library()))
        assert set(after) == {r.title for r in before}
        for r in before:
            back = after[r.title]
            assert (back.abstract, back.tags, back.links) == (r.abstract, r.tags, r.links)
            assert (back.published, back.authors, back.arxiv_id) == (
                r.published,
                r.authors,
                r.arxiv_id,
            )
            # RIS holds one line per value: a note comes back with its lines joined.
            assert back.note == (_one_line(r.note) if fmt == "ris" else r.note)
        keys = citation_keys(before)
        keys_back = citation_keys(list(after.values()))
        assert {r.title: keys[r.id] for r in before} == {
            t: keys_back[b.id] for t, b in after.items()
        }
        # The file names those keys itself.
        written = exported.read_text("utf-8")
        pattern = {
            "bibtex": r"@misc\{([^,]+),",
            "ris": r"^ID  - (.+)$",
            "csljson": r'"id": "([^"]+)"',
        }
        assert set(re.findall(pattern[fmt], written, re.MULTILINE)) == set(keys.values())
