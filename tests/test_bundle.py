"""Importing readinglist bundles: lossless round trips, merging without duplicates, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from readinglist.core import Scope
from readinglist.export import Exporter
from readinglist.importing import NOTE_SEPARATOR, Importer, looks_like_bundle
from readinglist.importing import bundles as bundle_module
from readinglist.library import Library
from readinglist.records import ReadStatus, ShelfKind, Triage
from readinglist.shelves import Shelves
from tests.exporters.records import paper_doc
from tests.exporters.sample import Sample, open_sample

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def source(tmp_path: Path) -> Iterator[tuple[Library, Sample]]:
    lib, sample = open_sample(tmp_path / "source")
    yield lib, sample
    lib.close()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "target") as lib:
        yield lib


def _export(library: Library, scope: Scope, path: Path, fmt: str = "json") -> Path:
    Exporter(library).export(scope, fmt, path)
    return path


def _without_time(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text("utf-8"))
    doc.pop("exported_at")
    return doc


def test_a_shelf_round_trips_into_a_fresh_library_identically(
    source: tuple[Library, Sample], target: Library, tmp_path: Path
) -> None:
    lib, sample = source
    first = _export(lib, Scope.shelf("To read"), tmp_path / "shelf.json")
    result = Importer(target).import_files([first])
    (report,) = result.files
    assert report.ok, report.error
    assert (report.entries, report.new, report.duplicates) == (4, 4, 0)

    again = _export(target, Scope.shelf("To read"), tmp_path / "again.json")
    assert _without_time(again) == _without_time(first)
    # And every other format agrees too (same records, same order, same keys).
    for fmt in ("md", "bibtex", "csv"):
        a, _ = Exporter(lib).render(Scope.shelf("To read"), fmt)
        b, _ = Exporter(target).render(Scope.shelf("To read"), fmt)
        if fmt == "csv":  # ids are local to each library
            a, b = (_drop_first_column(x) for x in (a, b))
        assert a == b

    shelf = Shelves(target).get("To read")
    assert shelf.kind is ShelfKind.MANUAL
    papers = target.papers(Shelves(target).paper_ids("To read"))
    originals = lib.papers(sample.order)
    assert [p.title for p in papers] == [p.title for p in originals]
    for copy, original in zip(papers, originals, strict=True):
        assert copy.tags == original.tags
        assert copy.note == original.note
        assert copy.starred == original.starred
        assert copy.read_status == original.read_status
        assert copy.triage == original.triage
        assert copy.added == original.added
        assert [(s.file_name, s.position, s.upvotes) for s in copy.digests] == [
            (s.file_name, s.position, s.upvotes) for s in original.digests
        ]
    assert {t.name: t.color for t in target.tags()}["lora"] == "#e01b24"


def _drop_first_column(csv_text: str) -> str:
    return "\n".join(line.split(",", 1)[-1] for line in csv_text.splitlines())


def test_the_whole_library_is_a_backup(
    source: tuple[Library, Sample], target: Library, tmp_path: Path
) -> None:
    lib, _sample = source
    backup = _export(lib, Scope.library(), tmp_path / "backup.json")
    assert Importer(target).import_files([backup]).files[0].ok
    assert _without_time(_export(target, Scope.library(), tmp_path / "b.json")) == (
        _without_time(backup)
    )
    assert [(s.name, s.kind, s.query) for s in Shelves(target).list()] == [
        (s.name, s.kind, s.query) for s in Shelves(lib).list()
    ]
    assert target.summary().to_json() | {"location": ""} == lib.summary().to_json() | {
        "location": ""
    }
    assert [d.file_name for d in target.digests()] == [d.file_name for d in lib.digests()]


def test_importing_merges_with_papers_already_there(
    source: tuple[Library, Sample], target: Library, tmp_path: Path
) -> None:
    lib, sample = source
    exported = _export(lib, Scope.shelf("To read"), tmp_path / "shelf.json")
    # The target already has the same digest, with its own edits on two of the papers.
    Importer(target).import_files([sample.digest])
    ids = {r.title.split()[0].rstrip(":"): r.id for r in target.list_papers()}
    target.add_tags([ids["Alpha"]], ["mine"])
    target.set_note(ids["Alpha"], "My own note.")
    target.set_note(ids["Beta"], "Another note.")
    target.set_status([ids["Gamma"]], ReadStatus.READ)  # further on than the bundle's "skimmed"
    before = target.count()
    sightings_before = {r.id: len(r.digests) for r in target.list_papers()}

    (report,) = Importer(target).import_files([exported]).files
    assert report.ok, report.error
    assert (report.entries, report.new, report.duplicates) == (4, 0, 4)
    assert target.count() == before  # never a duplicate paper
    assert {r.id: len(r.digests) for r in target.list_papers()} == sightings_before
    assert len(target.digests()) == 1  # the same digest, recognised by its content hash

    alpha, beta, gamma, delta = target.papers([ids[k] for k in ("Alpha", "Beta", "Gamma", "Delta")])
    assert alpha.tags == ("lora", "mine", "x&y")
    assert alpha.note == "My own note." + NOTE_SEPARATOR + lib.paper(sample.ids["Alpha"]).note
    assert alpha.read_status is ReadStatus.READ
    assert beta.starred
    assert delta.starred
    assert beta.note == "Another note."  # the bundle had no note for Beta
    assert gamma.read_status is ReadStatus.READ  # never moved back
    assert Shelves(target).paper_ids("To read") == [
        ids[k] for k in ("Gamma", "Alpha", "Delta", "Beta")
    ]

    # Importing the same bundle again changes nothing at all.
    snapshot = [r.to_json() for r in target.list_papers()]
    (report,) = Importer(target).import_files([exported]).files
    assert report.ok
    assert report.new == 0
    assert [r.to_json() for r in target.list_papers()] == snapshot


def test_an_existing_shelf_keeps_its_order_and_gains_the_rest(
    source: tuple[Library, Sample], target: Library, tmp_path: Path
) -> None:
    lib, sample = source
    exported = _export(lib, Scope.shelf("To read"), tmp_path / "shelf.json")
    Importer(target).import_files([sample.digest])
    ids = {r.title.split()[0].rstrip(":"): r.id for r in target.list_papers()}
    Shelves(target).create("to READ")
    Shelves(target).add("to READ", [ids["Epsilon"], ids["Delta"]])
    Importer(target).import_files([exported])
    assert Shelves(target).paper_ids("To read") == [
        ids[k] for k in ("Epsilon", "Delta", "Gamma", "Alpha", "Beta")
    ]


def test_a_shelf_of_another_kind_is_left_alone_with_a_warning(
    source: tuple[Library, Sample], target: Library, tmp_path: Path
) -> None:
    lib, _sample = source
    exported = _export(lib, Scope.shelf("To read"), tmp_path / "shelf.json")
    Shelves(target).create("To read", query="anything")
    (report,) = Importer(target).import_files([exported]).files
    assert report.ok
    assert any(
        "is a smart shelf here and a manual shelf in the bundle" in w for w in report.warnings
    )
    assert Shelves(target).get("To read").query == "anything"


def test_preview_describes_a_bundle_without_writing(
    source: tuple[Library, Sample], target: Library, tmp_path: Path
) -> None:
    lib, sample = source
    exported = _export(lib, Scope.library(), tmp_path / "all.json")
    Importer(target).import_files([sample.digest])
    target.set_note(1, "untouched")
    before = [r.to_json() for r in target.list_papers()]
    (report,) = Importer(target).preview([exported])
    assert report.ok, report.error
    assert (report.entries, report.new, report.duplicates) == (5, 0, 5)
    assert [r.to_json() for r in target.list_papers()] == before
    with Library.open(tmp_path / "empty") as empty:
        (fresh,) = Importer(empty).preview([exported])
        assert (fresh.entries, fresh.new, fresh.duplicates) == (5, 5, 0)
        assert any("shelves created: 'To read', 'LoRA papers'" in w for w in fresh.warnings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "readinglist-bundle", "version": 9}', "made by a newer readinglist"),
        ('{"format": "readinglist-bundle", "version": 1, "papers": 3}', "papers: expected a list"),
        ('{"format": "readinglist-bundle", "version": 1, "papers": [', "not valid JSON"),
    ],
)
def test_a_bad_bundle_imports_nothing_and_says_why(
    target: Library, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    (report,) = Importer(target).import_files([path]).files
    assert not report.ok
    assert message in (report.error or "")
    assert target.count() == 0
    (preview,) = Importer(target).preview([path])
    assert message in (preview.error or "")


def test_a_bundle_failing_midway_leaves_nothing(
    source: tuple[Library, Sample],
    target: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib, _sample = source
    exported = _export(lib, Scope.shelf("To read"), tmp_path / "shelf.json")

    def fail(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module, "_merge_shelf", fail)
    (report,) = Importer(target).import_files([exported]).files
    assert report.error == "not imported: could not write to the library (No space left on device)"
    assert target.count() == 0
    assert target.tags() == []
    assert Shelves(target).list() == []
    assert target.digests() == []


def test_trashed_papers_in_a_bundle_stay_in_the_trash(target: Library, tmp_path: Path) -> None:
    doc = {
        "format": "readinglist-bundle",
        "version": 1,
        "papers": [paper_doc(1, "Thrown away", triage="dismissed", trashed=True)],
    }
    path = tmp_path / "trash.json"
    path.write_text(json.dumps(doc))
    (report,) = Importer(target).import_files([path]).files
    assert report.ok
    assert report.new == 1
    (paper,) = target.list_papers(_trash_filter())
    assert paper.trashed
    assert paper.triage is Triage.DISMISSED


def test_oversized_and_control_fields_are_reported_and_never_stored(
    target: Library, tmp_path: Path
) -> None:
    doc = {
        "format": "readinglist-bundle",
        "version": 1,
        "shelves": [{"name": "Mixed\x00", "kind": "manual", "query": None, "papers": [1, 2]}],
        "papers": [
            paper_doc(1, "x" * 10_000_000),
            paper_doc(2, "Line\nbreak\r and NUL\x00", tags=["\x1b]0;owned\x07tag"]),
        ],
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc))
    for report in (
        Importer(target).preview([path])[0],
        Importer(target).import_files([path]).files[0],
    ):
        assert report.ok, report.error
        assert report.entries == 1
        assert (
            "paper 1 (papers[0].title): title too long (10,000,000 characters, at most 500): "
            "paper left out" in report.warnings
        )
        assert "paper 2 (papers[1].title): 1 control character removed" in report.warnings
    (paper,) = target.list_papers()
    assert paper.title == "Line break and NUL"
    assert paper.tags == ("]0;ownedtag",)
    assert paper.shelves == ("Mixed",)


def _trash_filter() -> Any:

    return Scope.trash()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{\n  "format": "readinglist-bundle",\n  "version": 1}', True),
        (b'\xef\xbb\xbf{"format":"readinglist-bundle"}', True),
        (b'  {  "format" : "readinglist-bundle"', True),
        (b'[{"id": "x", "type": "article"}]', False),  # CSL-JSON
        (b'{"version": 1, "format": "readinglist-bundle"}', False),  # not how we write it
        (b"Daily Papers\n\nMar 11\n\nA title\n\nAn abstract", False),
        (b"", False),
    ],
)
def test_looks_like_bundle(content: bytes, expected: bool) -> None:
    assert looks_like_bundle(content) is expected
