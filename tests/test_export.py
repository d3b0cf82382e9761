"""The export service and ``readinglist export``: scopes, atomic writes, errors, every format."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from readinglist import export as export_module
from readinglist.cli.main import cli
from readinglist.core import Scope
from readinglist.errors import LibraryError
from readinglist.export import ExportCancelled, Exporter, write_atomic
from readinglist.exporters import FORMATS, ExportOptions
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.shelves import Shelves
from tests.exporters.readers import (
    PYBTEX_CANNOT_READ,
    bibtexparser_entries,
    csl_bibliography,
    csv_rows,
    html_document,
    markdown_texts,
    pybtex_entries,
    ris_entries,
)
from tests.exporters.sample import TITLES, Sample, open_sample

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def sample_and_library(library_dir: Path) -> Iterator[tuple[Sample, Library]]:
    lib, sample = open_sample(library_dir)
    yield sample, lib
    lib.close()


@pytest.fixture
def library(sample_and_library: tuple[Sample, Library]) -> Library:
    """Overrides conftest's empty library: these tests start from the sample library."""
    return sample_and_library[1]


@pytest.fixture
def sample(sample_and_library: tuple[Sample, Library]) -> Sample:
    return sample_and_library[0]


def _titles(library: Library, ids: list[int]) -> list[str]:
    return [r.title for r in library.papers(ids)]


# -- scopes -----------------------------------------------------------------------------------


def test_shelf_scope_keeps_the_manual_order(library: Library, sample: Sample) -> None:
    exporter = Exporter(library)
    assert exporter.paper_ids(Scope.shelf("TO READ")) == sample.order
    records = exporter.records(Scope.shelf("to read"))
    assert [r.id for r in records] == sample.order
    text, count = exporter.render(Scope.shelf("to read"), "md")
    assert count == 4
    assert markdown_texts(text)[0] == "To read"  # the shelf's own spelling


def test_smart_shelf_scope_follows_its_query(library: Library, sample: Sample) -> None:
    library.add_tags([sample.ids["Epsilon"]], ["unrelated"])
    ids = Exporter(library).paper_ids(Scope.shelf("LoRA papers"))
    assert set(ids) <= set(sample.ids.values())


def test_selection_scope_keeps_the_given_order(library: Library, sample: Sample) -> None:
    wanted = [sample.ids["Epsilon"], sample.ids["Alpha"]]
    assert Exporter(library).paper_ids(Scope.papers(wanted)) == wanted
    with pytest.raises(LibraryError, match="no paper with id 999"):
        Exporter(library).paper_ids(Scope.papers([*wanted, 999]))


def test_tag_scope(library: Library, sample: Sample) -> None:
    ids = Exporter(library).paper_ids(Scope.tag("LORA"))
    assert sorted(ids) == sorted([sample.ids["Alpha"], sample.ids["Beta"]])
    with pytest.raises(LibraryError, match="no tag named 'nope'"):
        Exporter(library).paper_ids(Scope.tag("nope"))


def test_query_scope_leaves_out_the_trash(library: Library, sample: Sample) -> None:
    exporter = Exporter(library)
    found = exporter.paper_ids(Scope.search("Epsilon"))
    assert found == [sample.ids["Epsilon"]]
    library.trash([sample.ids["Epsilon"]])
    assert exporter.paper_ids(Scope.search("Epsilon")) == []


def test_library_scope_holds_every_live_paper(library: Library, sample: Sample) -> None:
    library.trash([sample.ids["Beta"]])
    ids = Exporter(library).paper_ids(Scope.library())
    assert sorted(ids) == sorted(set(sample.ids.values()) - {sample.ids["Beta"]})


def test_unknown_shelf_and_format(library: Library, sample: Sample) -> None:
    with pytest.raises(LibraryError, match="no shelf named 'Nope'"):
        Exporter(library).render(Scope.shelf("Nope"), "md")
    with pytest.raises(LibraryError, match="unknown export format 'docx'"):
        Exporter(library).render(Scope.library(), "docx")


@pytest.mark.parametrize(
    ("scope", "text"),
    [
        (Scope.shelf("To read"), "shelf “To read”"),
        (Scope.papers([1, 2, 2]), "2 selected papers"),
        (Scope.tag("lora"), "tag “lora”"),
        (Scope.search("x y"), "search “x y”"),
        (Scope.library(), "the whole library"),
    ],
)
def test_scopes_describe_themselves(scope: Scope, text: str) -> None:
    assert scope.describe() == text


# -- writing ----------------------------------------------------------------------------------


def test_export_writes_the_file_and_reports(
    library: Library, sample: Sample, tmp_path: Path
) -> None:
    dest = tmp_path / "out" / "list.bib"
    dest.parent.mkdir()
    result = Exporter(library).export(Scope.shelf("To read"), "bibtex", dest)
    assert result.path == dest
    assert result.papers == 4
    assert result.size == dest.stat().st_size
    assert [e["title"] for e in bibtexparser_entries(dest.read_text("utf-8"))] == _titles(
        library, sample.order
    )
    assert sorted(p.name for p in dest.parent.iterdir()) == ["list.bib"]
    assert dest.stat().st_mode & 0o777 == 0o644


def test_csv_files_get_a_byte_order_mark(library: Library, sample: Sample, tmp_path: Path) -> None:
    dest = tmp_path / "list.csv"
    Exporter(library).export(Scope.shelf("To read"), "csv", dest, ExportOptions())
    assert dest.read_bytes().startswith(b"\xef\xbb\xbf")
    text, _ = Exporter(library).render(Scope.shelf("To read"), "csv")
    assert not text.startswith("\ufeff")  # standard output: no mark


def test_replacing_keeps_the_file_mode(library: Library, sample: Sample, tmp_path: Path) -> None:
    dest = tmp_path / "list.md"
    dest.write_text("old")
    dest.chmod(0o600)
    Exporter(library).export(Scope.library(), "md", dest)
    assert dest.stat().st_mode & 0o777 == 0o600
    assert dest.read_text("utf-8") != "old"


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()

    def write(self, data: bytes) -> int:
        self.real.write(data[:10])  # a little lands, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        self.real.flush()

    def fileno(self) -> int:
        fd: int = self.real.fileno()
        return fd


def test_disk_full_keeps_the_old_file_and_leaves_no_temp_file(
    library: Library, sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "list.md"
    dest.write_text("the previous export", encoding="utf-8")
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        "readinglist.export.os.fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode))
    )
    with pytest.raises(LibraryError) as caught:
        Exporter(library).export(Scope.shelf("To read"), "md", dest)
    assert str(caught.value) == f"{dest}: cannot write the export: the disk is full"
    assert dest.read_text(encoding="utf-8") == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["list.md"]
    assert not list(tmp_path.glob(".list.md.*"))


def test_a_failing_export_never_touches_the_file(
    library: Library, sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "list.html"
    dest.write_text("keep me")

    def broken(*_a: object, **_k: object) -> str:
        raise RuntimeError("formatter bug")

    monkeypatch.setitem(FORMATS, "html", FORMATS["html"].__class__("html", "x", ".html", broken))
    with pytest.raises(RuntimeError):
        Exporter(library).export(Scope.library(), "html", dest)
    assert dest.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        ("missing-folder", "the folder {parent} does not exist"),
        ("directory", "is a folder; choose a file name"),
        ("permission", "cannot write the export: permission denied"),
        ("read-only", "cannot write the export: the disk is read-only"),
    ],
)
def test_unwritable_destinations_get_a_clear_error(
    library: Library,
    sample: Sample,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: str,
    reason: str,
) -> None:
    dest = tmp_path / "target.md"
    if make == "missing-folder":
        dest = tmp_path / "no" / "such" / "target.md"
    elif make == "directory":
        dest.mkdir()
    else:
        code = errno.EACCES if make == "permission" else errno.EROFS

        def refuse(*_a: object, **_k: object) -> tuple[int, str]:
            raise OSError(code, os.strerror(code))

        # Tests run as root in CI, where chmod cannot take write permission away.
        monkeypatch.setattr("readinglist.export.tempfile.mkstemp", refuse)
    with pytest.raises(LibraryError) as caught:
        Exporter(library).export(Scope.library(), "md", dest)
    message = str(caught.value)
    assert message.startswith(f"{dest}: ")
    assert reason.format(parent=dest.parent) in message


def test_cancel_writes_nothing(library: Library, sample: Sample, tmp_path: Path) -> None:
    dest = tmp_path / "x.md"
    with pytest.raises(ExportCancelled):
        Exporter(library).export(Scope.library(), "md", dest, cancelled=lambda: True)
    assert not dest.exists()


def test_progress_is_reported_chunk_by_chunk(
    library: Library, sample: Sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "CHUNK", 2)
    calls: list[tuple[int, int]] = []
    Exporter(library).export(
        Scope.library(), "ris", tmp_path / "x.ris", progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    dest = tmp_path / "f.txt"
    write_atomic(dest, b"one")
    write_atomic(dest, b"two")
    assert dest.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


# -- command line -----------------------------------------------------------------------------


def _run(library: Library, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--library", str(library.location), *args])


def test_cli_exports_a_shelf_to_standard_output(library: Library, sample: Sample) -> None:
    result = _run(library, "export", "--shelf", "to read", "--format", "md-checklist")
    assert result.exit_code == 0, result.output
    assert markdown_texts(result.output)[0] == "To read"
    assert "[x] " + TITLES[0] in markdown_texts(result.output)


def test_cli_ids_accept_repeats_and_commas(library: Library, sample: Sample) -> None:
    ids = sample.ids
    result = _run(
        library,
        "export",
        "--ids",
        f"{ids['Delta']},{ids['Alpha']}",
        "--ids",
        str(ids["Beta"]),
        "-f",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in csv_rows(result.output)] == [
        str(ids["Delta"]),
        str(ids["Alpha"]),
        str(ids["Beta"]),
    ]


def test_cli_writes_files_and_infers_the_format(
    library: Library, sample: Sample, tmp_path: Path
) -> None:
    dest = tmp_path / "lora.ris"
    result = _run(library, "export", "--tag", "lora", "-o", str(dest))
    assert result.exit_code == 0, result.output
    assert "exported 2 papers (tag “lora”)" in result.output
    assert len(ris_entries(dest.read_text("utf-8"))) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "md"], "choose exactly one of --shelf, --tag, --query, --ids, --all"),
        (["--all", "--tag", "x"], "choose exactly one of"),
        (["--ids", "3,x"], "'x' is not a paper id"),
        (["--all", "-o", "out.json"], "give --format csljson or --format json"),
        (["--all", "-o", "out.docx"], "cannot tell the format from 'out.docx'"),
        (["--shelf", "Nope"], "no shelf named 'Nope'"),
        (["--all", "-f", "md", "-o", "/no/such/dir/x.md"], "/no/such/dir/x.md: cannot export"),
    ],
)
def test_cli_errors(library: Library, sample: Sample, args: list[str], message: str) -> None:
    result = _run(library, "export", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_cli_help_documents_scopes_and_examples() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert result.exit_code == 0
    assert "--ids 3,5,8 --ids 12" in result.output
    assert "--all --format json -o backup.json" in result.output


# -- every format, end to end, on the real digests -------------------------------------------


def test_a_shelf_of_real_digest_papers_opens_in_every_reader(
    real_digests: list[Path], tmp_path: Path
) -> None:
    with Library.open(tmp_path / "fresh") as library:
        _export_real_shelf(library, real_digests, tmp_path)


def _export_real_shelf(library: Library, real_digests: list[Path], tmp_path: Path) -> None:
    Importer(library).import_files(real_digests)
    papers = library.list_papers()
    chosen = [p.id for p in papers[::9]]  # ~19 papers from across the digests
    library.add_tags(chosen[:5], ["survey", "to-cite"])
    library.set_note(chosen[0], "Compare with §4; check the {code} & data_set.")
    Shelves(library).create("Shared")
    Shelves(library).add("Shared", chosen)
    titles = _titles(library, chosen)
    abstracts = [r.abstract for r in library.papers(chosen)]
    exporter = Exporter(library)
    out: dict[str, str] = {}
    for fmt, spec in FORMATS.items():
        dest = tmp_path / f"shared-{fmt}{spec.extension}"
        result = exporter.export(Scope.shelf("Shared"), fmt, dest)
        assert result.papers == len(chosen)
        if spec.folder:  # the vault: one file per paper (tests/test_vault_export.py)
            assert len(list(dest.glob("*.md"))) == len(chosen)
            continue
        out[fmt] = dest.read_text("utf-8-sig" if fmt == "csv" else "utf-8")

    assert [t for t in markdown_texts(out["md"]) if t[:1].isdigit() and ". " in t][
        : len(titles)
    ] == [f"{n}. {t}" for n, t in enumerate(titles, 1)]
    assert sum(t.startswith("[ ] ") for t in markdown_texts(out["md-checklist"])) == len(titles)
    doc = html_document(out["html"])
    assert ["".join(h.itertext()) for h in doc.iter("h2")] == titles
    entries = bibtexparser_entries(out["bibtex"])
    assert [e["title"] for e in entries] == titles
    assert [e.get("abstract", "") for e in entries] == abstracts
    # pybtex reads every text right but those holding what it cannot read (exporting.md).
    readable = [
        (n, t)
        for n, texts in enumerate(zip(titles, abstracts, strict=True))
        for t in texts
        if not PYBTEX_CANNOT_READ & set(t)
    ]
    pybtex = [(e["title"], e.get("abstract", "")) for e in pybtex_entries(out["bibtex"])]
    assert [(n, t) for n, t in readable if t in pybtex[n]] == readable
    items, rendered = csl_bibliography(out["csljson"])
    assert [i["title"] for i in items] == titles
    assert len(rendered) == len(titles)
    assert [e["title"] for e in ris_entries(out["ris"])] == titles
    assert [r["title"] for r in csv_rows(out["csv"])] == titles
    bundle = json.loads(out["json"])
    assert [p["title"] for p in bundle["papers"]] == titles
    assert bundle["shelves"][0]["papers"] == list(range(1, len(titles) + 1))
