"""The importer: dedup, provenance, idempotence, merge, and all-or-nothing per file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.store.models import Digest, Paper, Sighting
from tests.conftest import ABSTRACT, digest_text

META = "  • 3 authors\n·\nSep 10, 2024 7"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def counts(lib: Library) -> tuple[int, int, int]:
    with lib.read() as s:
        return (
            s.scalar(select(func.count(Paper.id))) or 0,
            s.scalar(select(func.count(Digest.id))) or 0,
            s.scalar(select(func.count(Sighting.id))) or 0,
        )


def test_import_creates_papers_with_metadata(library: Library, tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", digest_text(("A Paper On Forgetting", ABSTRACT), meta=META))
    result = Importer(library).import_files([f])
    assert [(r.entries, r.new, r.duplicates, r.error) for r in result.files] == [(1, 1, 0, None)]
    (paper,) = library.list_papers()
    assert paper.title == "A Paper On Forgetting"
    assert paper.authors_count == 3
    assert paper.upvotes == 7
    assert paper.published is not None
    assert paper.published.isoformat() == "2024-09-10"
    assert paper.links == ("https://github.com/example/keep",)
    assert [s.file_name for s in paper.digests] == ["a.txt"]


def test_duplicates_merge_by_normalised_title_within_and_across_files(
    library: Library, tmp_path: Path
) -> None:
    a = write(
        tmp_path / "a.txt",
        digest_text(("Same Paper", ABSTRACT), ("SAME   paper", ABSTRACT), ("Other", ABSTRACT)),
    )
    b = write(tmp_path / "b.txt", digest_text(("ｓａｍｅ Paper", ABSTRACT), label="Mar 12"))
    result = Importer(library).import_files([a, b])
    assert [(r.new, r.duplicates) for r in result.files] == [(2, 1), (0, 1)]
    assert counts(library) == (2, 2, 4)
    same = next(p for p in library.list_papers() if p.title == "Same Paper")
    # Provenance: every sighting is kept, including the in-file duplicate.
    assert sorted((s.file_name, s.position) for s in same.digests) == [
        ("a.txt", 0),
        ("a.txt", 1),
        ("b.txt", 0),
    ]
    assert same.seen_count == 2


def test_reimporting_the_same_file_adds_nothing_and_says_so(
    library: Library, tmp_path: Path
) -> None:
    f = write(tmp_path / "a.txt", digest_text(("One", ABSTRACT), ("Two", ABSTRACT)))
    Importer(library).import_files([f])
    before = counts(library)
    again = Importer(library).import_files([f]).files[0]
    assert again.error is None
    assert again.already_imported
    assert (again.new, again.duplicates) == (0, 2)
    assert any("already imported" in w for w in again.warnings)
    assert counts(library) == before


def test_later_sighting_fills_in_and_updates_metadata(library: Library, tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", digest_text(("Grows", ABSTRACT)))
    b = write(
        tmp_path / "b.txt",
        digest_text(("Grows", ABSTRACT), label="Mar 12", meta="  • 5 authors\n·\nJan 3, 2024 4"),
    )
    c = write(
        tmp_path / "c.txt",
        digest_text(("Grows", ABSTRACT), label="Mar 13", meta="  • 5 authors\n·\nJan 3, 2024 9"),
    )
    Importer(library).import_files([a])
    (p,) = library.list_papers()
    assert (p.authors_count, p.upvotes, p.published) == (None, None, None)
    Importer(library).import_files([b, c])
    (p,) = library.list_papers()
    assert (p.authors_count, p.upvotes) == (5, 9)
    assert p.published is not None
    assert p.published.isoformat() == "2024-01-03"
    assert [s.upvotes for s in p.digests] == [None, 4, 9]


def test_a_bad_file_imports_nothing_and_does_not_stop_the_others(
    library: Library, tmp_path: Path
) -> None:
    good = write(tmp_path / "good.txt", digest_text(("Good", ABSTRACT)))
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    empty = write(tmp_path / "empty.txt", "")
    result = Importer(library).import_files([binary, good, empty, tmp_path / "missing.txt"])
    errors = {Path(r.path).name: r.error for r in result.files}
    assert errors["good.txt"] is None
    for name in ("image.png", "empty.txt", "missing.txt"):
        assert errors[name], name
    assert "PNG" in str(errors["image.png"])
    assert counts(library) == (1, 1, 1)


def test_a_file_failing_mid_import_leaves_nothing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import readinglist.importing.importer as importer_module

    f = write(tmp_path / "a.txt", digest_text(*[(f"Paper {n}", ABSTRACT) for n in range(10)]))
    g = write(tmp_path / "b.txt", digest_text(("Survivor", ABSTRACT), label="Mar 12"))
    real_new = importer_module.new_paper  # type: ignore[attr-defined]
    made = 0

    def failing_new_paper(*args: Any) -> Paper:
        nonlocal made
        made += 1
        if made == 5:
            raise OSError(28, "No space left on device")
        return real_new(*args)

    monkeypatch.setattr(importer_module, "new_paper", failing_new_paper)
    result = Importer(library).import_files([f, g])
    assert "No space left on device" in str(result.files[0].error)
    # What rolled back is not counted: only the survivor is new.
    assert (result.files[0].new, result.files[0].new_ids) == (0, [])
    assert result.new == 1
    assert result.to_json()["new"] == 1
    assert result.files[1].error is None
    assert [p.title for p in library.list_papers()] == ["Survivor"]
    assert counts(library) == (1, 1, 1)
    # The index was not told about papers that never committed.
    assert library.index.search_ids("Paper", limit=None) == []


def test_preview_writes_nothing_and_predicts_the_import(library: Library, tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", digest_text(("Known", ABSTRACT)))
    Importer(library).import_files([a])
    b = write(
        tmp_path / "b.txt", digest_text(("Known", ABSTRACT), ("Fresh", ABSTRACT), label="Mar 2")
    )
    before = counts(library)
    (preview,) = Importer(library).preview([b])
    assert counts(library) == before
    (real,) = Importer(library).import_files([b]).files
    assert (preview.entries, preview.new, preview.duplicates) == (
        real.entries,
        real.new,
        real.duplicates,
    )


def test_trashed_papers_stay_in_the_trash_on_reimport(library: Library, tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", digest_text(("Unwanted", ABSTRACT)))
    Importer(library).import_files([a])
    (p,) = library.list_papers()
    library.trash([p.id])
    b = write(tmp_path / "b.txt", digest_text(("Unwanted", ABSTRACT), label="Apr 1"))
    (report,) = Importer(library).import_files([b]).files
    assert report.in_trash == 1
    assert library.list_papers() == []
    assert library.paper(p.id).trashed


def test_pasted_text_imports_like_a_file(library: Library) -> None:
    report = Importer(library).import_text(digest_text(("Pasted", ABSTRACT)))
    assert (report.error, report.new) == (None, 1)
    assert library.list_papers()[0].digests[0].file_name == "pasted digest"


def test_real_digests_give_169_distinct_papers(library: Library, real_digests: list[Path]) -> None:
    result = Importer(library).import_files(real_digests)
    assert [r.entries for r in result.files] == [76, 43, 84]
    assert result.new == 169
    assert result.duplicates == 203 - 169
    assert library.count() == 169
    with library.read() as s:
        assert s.scalar(select(func.count(Sighting.id))) == 203
    # The one organisation line in 001 is kept.
    assert any(p.organization == "UCAS ucas" for p in library.list_papers())


def test_the_same_digest_in_another_encoding_is_already_imported(
    library: Library, tmp_path: Path
) -> None:
    text = digest_text(("TÜLU 3: Open Post-Training", ABSTRACT), ("Plain Title", ABSTRACT))
    utf8 = tmp_path / "utf8.txt"
    utf8.write_bytes(text.encode("utf-8"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    first, again = Importer(library).import_files([utf8, utf16]).files
    assert (first.new, first.already_imported) == (2, False)
    assert (again.new, again.already_imported) == (0, True)
    assert len(library.digests()) == 1


def test_a_digest_recorded_by_its_raw_bytes_is_still_recognised(
    library: Library, tmp_path: Path
) -> None:
    """Older versions kept the hash of the file's bytes: such a digest stays imported."""
    import hashlib

    from sqlalchemy import update

    from readinglist.store.models import Digest as DigestRow

    path = write(tmp_path / "a.txt", digest_text(("Old Paper", ABSTRACT)))
    Importer(library).import_files([path])
    with library.write(sync=False) as tx:
        tx.session.execute(
            update(DigestRow).values(content_hash=hashlib.sha256(path.read_bytes()).hexdigest())
        )
    (report,) = Importer(library).import_files([path]).files
    assert report.already_imported
    assert len(library.digests()) == 1
