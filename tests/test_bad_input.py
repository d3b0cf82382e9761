"""Bad input, case by case: a clear message naming the reason, and nothing imported or changed.

Each file case imports the bad file after a good one into a library that already holds a
paper, then checks the library (papers, digests, search index) is exactly as before.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from readinglist.cli.main import cli
from readinglist.core import Scope
from readinglist.errors import LibraryError
from readinglist.export import Exporter
from readinglist.importing import FileReport, Importer
from readinglist.library import Library
from readinglist.querylang import MAX_QUERY_CHARS
from tests.conftest import ABSTRACT, digest_text

GOOD = digest_text(("Keeping Old Skills", ABSTRACT))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(200)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + os.urandom(200)


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("digest.txt", GOOD)
    return buf.getvalue()


@pytest.fixture
def lib(library: Library) -> Library:
    """A library that already holds one paper, so 'nothing changed' means something."""
    report = Importer(library).import_text(GOOD, "good.txt")
    assert report.ok
    assert report.new == 1
    return library


def _state(lib: Library) -> tuple[object, ...]:
    summary = lib.summary()
    return (summary.papers, summary.digests, summary.tags, lib.index.ids(), lib.index.doc_count())


def _import_refused(lib: Library, path: Path, reason: str) -> FileReport:
    before = _state(lib)
    (report,) = Importer(lib).import_files([path]).files
    assert report.error is not None, f"{path.name} was imported"
    assert reason in report.error, report.error
    assert report.new == 0
    assert _state(lib) == before
    return report


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"\n \n\t\n", "empty file"),
        ("image.png", PNG, "PNG image"),
        ("paper.pdf", PDF, "PDF"),
        ("digests.zip", _zip(), "ZIP archive"),
        ("nul.txt", GOOD.encode()[:200] + b"\x00\x00" + GOOD.encode()[200:], "NUL bytes"),
        ("utf16-nul.txt", "\ufeff".encode("utf-16-le") + b"a\x00\x00\x00b\x00", "NUL bytes"),
    ],
)
def test_not_a_digest_is_refused_with_its_reason(
    lib: Library, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _import_refused(lib, path, reason)


def test_a_directory_is_refused(lib: Library, tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    _import_refused(lib, folder, "directory")


def test_one_ten_megabyte_line_is_refused_by_its_length(lib: Library, tmp_path: Path) -> None:
    """Refused by the cheap line-length check, before any parsing (bench/robustness times it)."""
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"word " * 2_000_000)
    _import_refused(lib, path, "one line of 9,999,999 characters")  # the last space stripped


def test_a_gigabyte_file_is_refused_by_its_size_unread(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(1 << 30)  # sparse: a gigabyte that takes no disk space
    read = 0
    real_open = Path.open

    class Counting(io.BufferedReader):
        def read(self, size: int | None = -1, /) -> bytes:
            nonlocal read
            data = super().read(size)
            read += len(data)
            return data

    def counting_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self == path and mode == "rb":
            return Counting(io.FileIO(self, "rb"))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    report = _import_refused(lib, path, "too large")
    assert "1074 MB" in (report.error or "")
    assert read <= 64 * 1024  # at most a peek at its start: never read whole


def test_a_file_that_vanishes_during_the_import(lib: Library, tmp_path: Path) -> None:
    first, vanishing = tmp_path / "first.txt", tmp_path / "vanishing.txt"
    first.write_text(digest_text(("Sparse Adapters", ABSTRACT)), encoding="utf-8")
    vanishing.write_text(digest_text(("Gone Before Read", ABSTRACT)), encoding="utf-8")

    def progress(_done: int, _total: int, path: str) -> None:
        if path == str(vanishing):
            vanishing.unlink()  # deleted between the listing and the reading

    result = Importer(lib).import_files([first, vanishing], progress=progress)
    ok, gone = result.files
    assert ok.ok
    assert ok.new == 1
    assert gone.error is not None
    assert "not found" in gone.error
    assert sorted(p.title for p in lib.list_papers()) == ["Keeping Old Skills", "Sparse Adapters"]


def test_utf16_with_a_bom_is_decoded(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(digest_text(("TÜLU 3: Open Post-Training", ABSTRACT)).encode("utf-16"))
    (report,) = Importer(lib).import_files([path]).files
    assert report.ok
    assert report.new == 1
    assert "TÜLU 3: Open Post-Training" in [p.title for p in lib.list_papers()]


def test_latin1_is_decoded_with_a_warning_never_as_mojibake(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(digest_text(("Café Models for Señor Tasks", ABSTRACT)).encode("latin-1"))
    (report,) = Importer(lib).import_files([path]).files
    assert report.ok
    assert report.new == 1
    assert any("Windows-1252" in w for w in report.warnings)
    titles = [p.title for p in lib.list_papers()]
    assert "Café Models for Señor Tasks" in titles
    assert not any("Ã" in t for t in titles)


def test_a_cut_off_last_entry_is_kept_and_marked_incomplete(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    cut = ABSTRACT[: ABSTRACT.index(" while")]  # stops mid-sentence
    path.write_text(
        digest_text(("Whole Entry", ABSTRACT), ("Cut Off Entry", cut)), encoding="utf-8"
    )
    (report,) = Importer(lib).import_files([path]).files
    assert report.ok
    assert report.new == 2
    assert any("cut off" in w for w in report.warnings)
    papers = {p.title: p for p in lib.list_papers()}
    assert papers["Cut Off Entry"].incomplete
    assert papers["Cut Off Entry"].abstract == cut
    assert not papers["Whole Entry"].incomplete


def test_a_50_kilobyte_search_query_is_answered_with_a_message(lib: Library) -> None:
    """Only the query's beginning is searched: the work is bounded whatever is pasted."""
    query = "skills " * 7_000 + "(" * 1_000
    outcome = lib.search(query)
    assert outcome.message is not None
    assert "too long" in outcome.message
    assert outcome.hits == lib.search(query[:MAX_QUERY_CHARS]).hits


HOSTILE = '<script>alert("x")</script><b onmouseover=alert(1)>Bold</b> &amp; <img src=x>'


def test_html_and_script_in_titles_and_notes_stay_text(lib: Library, tmp_path: Path) -> None:
    Importer(lib).import_text(digest_text((f"Title {HOSTILE}", ABSTRACT)), "hostile.txt")
    (paper,) = [p for p in lib.list_papers() if p.title.startswith("Title ")]
    lib.set_note(paper.id, f"Note {HOSTILE}")
    assert lib.paper(paper.id).title == f"Title {HOSTILE}"
    assert lib.paper(paper.id).note == f"Note {HOSTILE}"

    runner = CliRunner()
    shown = runner.invoke(cli, ["--library", str(lib.location), "show", str(paper.id)])
    assert shown.exit_code == 0
    assert f"Title {HOSTILE}" in shown.output  # printed as the text it is, unaltered
    assert f"Note {HOSTILE}" in shown.output
    as_json = runner.invoke(cli, ["--library", str(lib.location), "show", str(paper.id), "--json"])
    assert HOSTILE in as_json.output.replace('\\"', '"')

    page = tmp_path / "export.html"
    Exporter(lib).export(Scope.papers([paper.id]), "html", page)
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "<b onmouseover" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_only_http_links_are_extracted_from_abstracts(lib: Library) -> None:
    abstract = (
        ABSTRACT[:-1] + " See file:///etc/passwd and javascript:alert(1) and "
        "smb://server/share and data:text/html,<b>x</b> and https://example.org/code and "
        "http://example.com/page."
    )
    Importer(lib).import_text(digest_text(("Links Everywhere", abstract)), "links.txt")
    (paper,) = [p for p in lib.list_papers() if p.title == "Links Everywhere"]
    assert paper.links == (
        "https://github.com/example/keep",
        "https://example.org/code",
        "http://example.com/page",
    )
    shown = CliRunner().invoke(cli, ["--library", str(lib.location), "show", str(paper.id)])
    links = shown.output.split("Links:")[1].split("\n\n")[0]
    assert "file:" not in links
    assert "javascript:" not in links
    assert "smb:" not in links


def test_disk_full_at_commit_leaves_nothing_half_written(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_text(
        digest_text(*((f"Paper Number {n}", ABSTRACT) for n in range(40))), encoding="utf-8"
    )
    before = _state(lib)

    def commit(_dbapi_conn: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(lib.engine.dialect, "do_commit", commit)  # as the DBAPI's COMMIT fails
        (report,) = Importer(lib).import_files([path]).files
    assert report.error is not None
    assert "disk is full" in report.error
    assert _state(lib) == before
    # Space freed: the same file imports whole.
    (report,) = Importer(lib).import_files([path]).files
    assert report.ok
    assert report.new == 40


def test_a_really_full_database_file_leaves_nothing_half_written(
    lib: Library, tmp_path: Path
) -> None:
    path = tmp_path / "big.txt"
    path.write_text(
        digest_text(*((f"Paper Number {n}", ABSTRACT * 3) for n in range(300))), encoding="utf-8"
    )
    before = _state(lib)

    def cap(dbapi_conn: Any, _record: Any) -> None:
        # SQLite itself reports SQLITE_FULL once the file would outgrow this many pages.
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 20}")

    lib.engine.dispose()
    event.listen(lib.engine, "connect", cap)
    try:
        (report,) = Importer(lib).import_files([path]).files
    finally:
        event.remove(lib.engine, "connect", cap)
        lib.engine.dispose()
    assert report.error is not None
    assert "full" in report.error
    assert _state(lib) == before


def test_disk_full_during_an_export_keeps_the_old_file(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "reading-list.md"
    target.write_text("the previous export\n", encoding="utf-8")

    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(LibraryError, match="disk is full"):
        Exporter(lib).export(Scope.library(), "md", target)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "reading-list.md"]
