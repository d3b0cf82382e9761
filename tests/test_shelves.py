"""Shelves: manual order without gaps, no duplicates, smart shelves refuse manual edits."""

from __future__ import annotations

import pytest

from readinglist.errors import LibraryError
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, digest_text


@pytest.fixture
def ids(library: Library) -> list[int]:
    Importer(library).import_text(digest_text(*[(f"Paper {c}", ABSTRACT) for c in "ABCDE"]))
    return sorted(p.id for p in library.list_papers())


@pytest.fixture
def shelves(library: Library) -> Shelves:
    return Shelves(library)


@pytest.mark.parametrize(
    ("moving", "position", "expected"),
    [
        ([4], 0, [4, 0, 1, 2, 3]),  # to the top
        ([0], 5, [1, 2, 3, 4, 0]),  # to the end
        ([0], 2, [1, 0, 2, 3, 4]),  # drop above the third item
        ([1, 3], 0, [1, 3, 0, 2, 4]),  # a multi-selection keeps its relative order
        ([3, 1], 5, [0, 2, 4, 3, 1]),  # ...in the order given
    ],
)
def test_move_sets_the_manual_order(
    shelves: Shelves, ids: list[int], moving: list[int], position: int, expected: list[int]
) -> None:
    shelves.create("To read")
    shelves.add("To read", ids)
    shelves.move("to READ", [ids[i] for i in moving], position)
    assert shelves.paper_ids("To read") == [ids[i] for i in expected]


def test_adding_twice_never_duplicates_nor_moves(shelves: Shelves, ids: list[int]) -> None:
    shelves.create("S")
    assert shelves.add("S", ids[:3]).papers == tuple(ids[:3])
    again = shelves.add("S", [ids[1], ids[4]])
    assert (again.papers, again.already) == ((ids[4],), (ids[1],))
    assert shelves.paper_ids("S") == [ids[0], ids[1], ids[2], ids[4]]  # ids[1] kept its place
    assert shelves.get("s").count == 4


def test_remove_closes_gaps_and_keeps_papers(
    library: Library, shelves: Shelves, ids: list[int]
) -> None:
    shelves.create("S")
    shelves.add("S", ids)
    shelves.remove("S", [ids[1], ids[3]])
    shelves.add("S", [ids[1]], position=1)
    assert shelves.paper_ids("S") == [ids[0], ids[1], ids[2], ids[4]]
    assert library.count() == 5
    assert library.paper(ids[2]).shelves == ("S",)


def test_transfer_moves_between_shelves(shelves: Shelves, ids: list[int]) -> None:
    shelves.create("A")
    shelves.create("B")
    shelves.add("A", ids[:3])
    shelves.add("B", [ids[4]])
    shelves.transfer("A", "B", [ids[2], ids[0]])
    assert shelves.paper_ids("A") == [ids[1]]
    assert shelves.paper_ids("B") == [ids[4], ids[2], ids[0]]


def test_rename_delete_and_clashes(library: Library, shelves: Shelves, ids: list[int]) -> None:
    shelves.create("One")
    shelves.create("Two")
    with pytest.raises(LibraryError, match="already exists"):
        shelves.create("one")
    with pytest.raises(LibraryError, match="already exists"):
        shelves.rename("Two", "ONE")
    shelves.add("Two", ids[:2])
    shelves.rename("Two", "Deux")
    assert library.paper(ids[0]).shelves == ("Deux",)
    assert library.index.search_ids("Paper") != []
    assert list(shelves.delete("Deux").papers) == ids[:2]
    assert [s.name for s in shelves.list()] == ["One"]
    assert library.count() == 5


def test_smart_shelf_refuses_manual_edits(shelves: Shelves, ids: list[int]) -> None:
    info = shelves.create("Forgetting", query="forgetting").info
    assert info.query == "forgetting"
    with pytest.raises(LibraryError, match="smart shelf"):
        shelves.add("Forgetting", ids[:1])


def test_restore_order_undoes_any_edit(shelves: Shelves, ids: list[int]) -> None:
    shelves.create("S")
    shelves.add("S", ids[:3])
    before = shelves.paper_ids("S")
    shelves.move("S", [ids[2]], 0)
    shelves.remove("S", [ids[0]])
    shelves.restore_order("S", before)
    assert shelves.paper_ids("S") == before


def test_trashed_papers_keep_their_shelf_place(
    library: Library, shelves: Shelves, ids: list[int]
) -> None:
    shelves.create("S")
    shelves.add("S", ids[:3])
    library.trash([ids[1]])
    assert shelves.paper_ids("S") == [ids[0], ids[2]]
    library.restore([ids[1]])
    assert shelves.paper_ids("S") == ids[:3]
