"""The library service: edits are transactions, tags are case-insensitive, the index follows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from readinglist.core import Scope
from readinglist.core.indexing import LOCAL_JOURNAL_KEEP, IndexKeeper
from readinglist.errors import LibraryError, PaperNotFound
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.records import ReadStatus
from readinglist.store.models import PaperChange, Tag
from tests.conftest import ABSTRACT, digest_text


@pytest.fixture
def ids(library: Library) -> list[int]:
    Importer(library).import_text(
        digest_text(("Alpha Paper", ABSTRACT), ("Beta Paper", ABSTRACT), ("Gamma Paper", ABSTRACT))
    )
    return sorted(p.id for p in library.list_papers())


def test_tags_are_case_insensitive_and_keep_first_spelling(
    library: Library, ids: list[int]
) -> None:
    library.add_tags(ids[:2], ["LoRA"])
    library.add_tags([ids[2]], ["lora", "PEFT"])
    assert [(t.name, t.count) for t in library.tags()] == [("LoRA", 3), ("PEFT", 1)]
    assert [p.id for p in library.list_papers(Scope.tag("LORA"))] == sorted(ids, reverse=True)
    library.remove_tags([ids[0]], ["lOrA"])
    assert library.paper(ids[0]).tags == ()
    with library.read() as s:
        assert s.scalar(select(func.count(Tag.id))) == 2


@pytest.mark.parametrize("bad", ["a,b", "x" * 101])
def test_bad_tags_are_refused_with_a_reason(library: Library, ids: list[int], bad: str) -> None:
    with pytest.raises(LibraryError, match="tag"):
        library.add_tags([ids[0]], [bad])
    assert library.paper(ids[0]).tags == ()


def test_star_status_note_round_trip(library: Library, ids: list[int]) -> None:
    library.set_starred([ids[1]], True)
    library.set_status([ids[1]], ReadStatus.SKIMMED)
    library.set_note(ids[1], "# Why\nBecause *forgetting*.")
    p = library.paper(ids[1])
    assert (p.starred, p.read_status, p.note) == (
        True,
        ReadStatus.SKIMMED,
        "# Why\nBecause *forgetting*.",
    )
    assert p.note_updated is not None
    library.set_note(ids[1], "   ")
    assert library.paper(ids[1]).note == ""
    assert [p.id for p in library.list_papers(Scope.starred())] == [ids[1]]


def test_unknown_paper_is_a_clear_error_and_changes_nothing(
    library: Library, ids: list[int]
) -> None:
    with pytest.raises(PaperNotFound, match="no paper with id 999"):
        library.set_starred([ids[0], 999], True)
    assert not library.paper(ids[0]).starred


def test_trash_and_restore_keep_tags_and_notes(library: Library, ids: list[int]) -> None:
    library.add_tags([ids[0]], ["keep"])
    library.set_note(ids[0], "my note")
    library.trash([ids[0]])
    assert ids[0] not in [p.id for p in library.list_papers()]
    assert [p.id for p in library.list_papers(Scope.trash())] == [ids[0]]
    library.restore([ids[0]])
    p = library.paper(ids[0])
    assert (p.trashed, p.tags, p.note) == (False, ("keep",), "my note")
    library.trash([ids[0]])
    assert len(library.empty_trash().papers) == 1
    with pytest.raises(PaperNotFound):
        library.paper(ids[0])


def test_edits_reach_the_index_without_a_rebuild(library: Library, ids: list[int]) -> None:
    state = library.index.state()
    assert state is not None
    library.set_note(ids[2], "zebrafish")
    assert library.index.search_ids("zebrafish") == [ids[2]]
    after = library.index.state()
    assert after is not None
    assert after.applied_seq > state.applied_seq
    # Applied entries stay a while for other processes' windows (the change feed), then go.
    if not library.shared:
        later = dt.datetime.now(dt.UTC) + LOCAL_JOURNAL_KEEP * 2
        assert library.indexing.prune(now=later, force=True) > 0
        with library.read() as s:
            assert s.scalar(select(func.count(PaperChange.seq))) == 0


def test_journalled_changes_are_replayed_on_open(library_dir: Path) -> None:
    """A process that died between the database commit and the index commit loses nothing."""
    lib = Library.open(library_dir)
    Importer(lib).import_text(digest_text(("Alpha Paper", ABSTRACT)))
    (paper,) = lib.list_papers()
    with lib.write(sync=False) as tx:  # commit without touching the index, like a crash would
        tx.touch(paper.id)
        from readinglist.store.models import Note

        tx.session.add(Note(paper_id=paper.id, body="okapi"))
    assert lib.index.search_ids("okapi") == []
    lib.close()
    reopened = Library.open(library_dir)
    assert reopened.index.search_ids("okapi") == [paper.id]
    reopened.close()


def test_a_missing_index_is_rebuilt_on_open(library_dir: Path) -> None:
    import shutil

    lib = Library.open(library_dir)
    Importer(lib).import_text(digest_text(("Alpha Paper", ABSTRACT), ("Beta Paper", ABSTRACT)))
    expected = sorted(lib.index.search_ids("paper"))
    lib.close()
    shutil.rmtree(library_dir / "index")
    reopened = Library.open(library_dir)
    assert sorted(reopened.index.search_ids("paper")) == expected
    reopened.close()


def test_summary_counts(library: Library, ids: list[int]) -> None:
    library.set_starred([ids[0]], True)
    library.set_status([ids[1]], ReadStatus.READ)
    library.trash([ids[2]])
    s = library.summary()
    assert (s.papers, s.starred, s.trashed, s.digests) == (2, 1, 1, 1)
    assert s.by_status == {"unread": 1, "skimmed": 0, "read": 1}


def test_location_is_not_a_directory(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(LibraryError, match="not a directory"):
        Library.open(f)


def test_a_large_backlog_is_caught_up_by_a_rebuild(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past CATCH_UP_LIMIT changed papers, opening rebuilds (streamed) instead of loading all."""
    import readinglist.core.indexing as indexing_module

    lib = Library.open(library_dir)
    Importer(lib).import_text(
        digest_text(("Alpha Paper", ABSTRACT), ("Beta Paper", ABSTRACT), ("Gamma Paper", ABSTRACT))
    )
    ids = sorted(p.id for p in lib.list_papers())
    with lib.write(sync=False) as tx:  # as if another process had written and died
        tx.touch(*ids)
        for paper_id in ids:
            from readinglist.store.models import Note

            tx.session.add(Note(paper_id=paper_id, body="quokka"))
    lib.close()
    monkeypatch.setattr(indexing_module, "CATCH_UP_LIMIT", 2)
    rebuilt: list[int] = []
    real = IndexKeeper._rebuild_locked

    def spy(self: IndexKeeper, progress: object = None) -> int:
        rebuilt.append(1)
        return real(self, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(IndexKeeper, "_rebuild_locked", spy)
    reopened = Library.open(library_dir)
    assert rebuilt == [1]
    assert sorted(h.id for h in reopened.search("quokka").hits) == ids
    reopened.close()
