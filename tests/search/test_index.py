"""The index itself: refreshing, merging, multi-process writing, memory-mapped reading."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
from whoosh import fields
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from readinglist.importing import Importer
from readinglist.search import index as index_module
from readinglist.search.searching import Without
from readinglist.search.storage import MappedStorage
from tests.search.conftest import FILLER, P, digest, found

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.library import Library


def many(n: int, start: int = 0) -> str:
    papers = [P(f"Paper number {i} about zeppelins", f"Zeppelin study {i}.") for i in range(n)]
    return digest(*papers[start:], label="Mar 3")


def test_repeated_edits_never_duplicate_a_paper(library: Library, ids: dict[str, int]) -> None:
    """Whoosh's own refresh() reuses readers with stale deletions: ours must not."""
    for n in range(12):
        library.set_starred([ids["lora"]], n % 2 == 0)
        assert found(library.search("low-rank")) == [ids["lora"]]
    assert library.index.doc_count() == len(ids)
    assert library.index.ids() == set(ids.values())


def test_small_edits_are_merged_in_the_background(
    library: Library, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "MERGE_IDLE_S", 0.05)
    before = library.index.segment_count()
    for n in range(3 * index_module.TIER_SIZE):
        library.set_starred([ids["lora"]], n % 2 == 0)
    library.index.wait_for_merge()
    assert library.index.segment_count() <= before + index_module.TIER_SIZE
    assert found(library.search("is:starred")) == []
    assert library.index.doc_count() == len(ids)


def test_a_long_burst_of_edits_merges_in_its_own_commits(
    library: Library, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "MERGE_IDLE_S", 60.0)  # never idle during the burst
    monkeypatch.setattr(index_module, "MAX_SEGMENTS", 8)
    for n in range(20):
        library.set_starred([ids["tuning"]], n % 2 == 1)
    assert library.index.segment_count() <= 8
    assert found(library.search("is:starred")) == [ids["tuning"]]


def test_large_rebuilds_and_updates_use_two_processes(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Importer(library).import_text(many(40), name="many").ok
    expected = sorted(found(library.search("zeppelins", limit=None)))
    assert len(expected) == 40
    monkeypatch.setattr(index_module, "MP_MIN_DOCS", 25)
    used: list[int] = []

    class Spy(index_module.MpWriter):  # type: ignore[misc,name-defined]
        def __init__(self, *args: object, **kwargs: object) -> None:
            used.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(index_module, "MpWriter", Spy)
    library.reindex()
    assert used == [1]
    assert sorted(found(library.search("zeppelins", limit=None))) == expected
    library.add_tags(expected, ["bulk"])  # one update of 40 papers
    assert used == [1, 1]
    assert sorted(found(library.search("tag:bulk", limit=None))) == expected
    assert library.index.doc_count() == 40


def test_searching_while_another_thread_edits(library: Library, ids: dict[str, int]) -> None:
    errors: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        try:
            while not done.is_set():
                assert len(found(library.search("diffusion"))) == 2
        except BaseException as err:  # reported below
            errors.append(err)

    worker = threading.Thread(target=search)
    worker.start()
    try:
        for n in range(10):
            library.set_starred([ids["diffusion"]], n % 2 == 0)
    finally:
        done.set()
        worker.join()
    assert errors == []


def test_exclusion_skips_ahead_correctly(tmp_path: Path) -> None:
    """Regression: Whoosh's AndNotMatcher kept a's first document whenever b began earlier."""
    storage = FileStorage(str(tmp_path))
    ix = storage.create_index(fields.Schema(id=fields.ID(stored=True), n=fields.NUMERIC(int)))
    writer = ix.writer()
    for i in range(6):
        writer.add_document(id=str(i), n=i)
    writer.commit()
    with ix.searcher() as s:
        evens = wq.Or([wq.Term("id", str(i)) for i in (2, 4)])
        odd_ids = wq.Or([wq.Term("id", str(i)) for i in (1, 3, 5, 0)])
        # a starts at doc 2; b starts at 0 and contains 2
        q = Without(evens, wq.Or([wq.Term("id", "0"), wq.Term("id", "2")]))
        assert [h["id"] for h in s.search(q, limit=None)] == ["4"]
        inner = wq.And([odd_ids, Without(wq.NumericRange("n", 0, 5), wq.Term("id", "3"))])
        assert sorted(h["id"] for h in s.search(inner, limit=None)) == ["0", "1", "5"]


def test_mapped_reading_equals_whoosh_reading(tmp_path: Path) -> None:
    """Compound and plain segments read the same through the memory-mapped storage."""
    schema = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(stored=True))
    ix = FileStorage(str(tmp_path)).create_index(schema)
    for compound in (True, False):
        writer = ix.writer(compound=compound)
        for i in range(50):
            writer.add_document(id=f"{compound}-{i}", body=f"{FILLER} zeppelin {i}")
        writer.commit(merge=False)
    q = wq.Term("body", "zeppelin")
    with FileStorage(str(tmp_path)).open_index().searcher() as plain:
        expected = [(h["id"], h["body"], round(h.score, 6)) for h in plain.search(q, limit=None)]
    with MappedStorage(str(tmp_path)).open_index().searcher() as mapped:
        got = [(h["id"], h["body"], round(h.score, 6)) for h in mapped.search(q, limit=None)]
    assert got == expected
    assert len(got) == 100


def test_answers_are_kept_until_the_index_changes(library: Library, ids: dict[str, int]) -> None:
    first = library.search("diffusion")
    assert library.search("diffusion") is first
    assert library.search("diffusion", limit=1) is not first
    library.set_starred([ids["diffusion"]], True)
    again = library.search("diffusion")
    assert again is not first
    assert {h.id for h in again.hits} == {h.id for h in first.hits}
    assert found(library.search("diffusion is:starred")) == [ids["diffusion"]]
