"""Resolving what a list shows: sources, searches within them, the chosen order."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from readinglist.core import Scope, View
from readinglist.gui.listing import ListingRequest, Sort, resolve
from readinglist.gui.sources import (
    ALL_PAPERS,
    DISMISSED,
    INBOX,
    RECENT,
    STARRED,
    TRASH,
    status_source,
)
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.records import ReadStatus, Triage
from readinglist.shelves import Shelves
from tests.conftest import digest_text
from tests.gui.conftest import ABSTRACTS, TITLES

if TYPE_CHECKING:
    from collections.abc import Iterator


def _shape(library: Library, papers: list[int]) -> list[int]:
    """papers[0] starred and tagged, [1] read and on a shelf, [2] trashed, [3] dismissed."""
    library.set_starred([papers[0]], True)
    library.add_tags([papers[0]], ["to read"])
    library.set_status([papers[1]], ReadStatus.READ)
    Shelves(library).create("Queue")
    Shelves(library).add("Queue", [papers[1], papers[0]])
    Shelves(library).create("Diffusion", query="diffusion")
    library.trash([papers[2]])
    library.set_triage([papers[3]], Triage.DISMISSED)
    return papers


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, list[int]]]:
    """One shaped library for the read-only tests of this module (built once: faster)."""
    folder = tmp_path_factory.mktemp("listing")
    lib = Library.open(folder / "library")
    path = folder / "digest.txt"
    path.write_text(digest_text(*zip(TITLES, ABSTRACTS, strict=True)), encoding="utf-8")
    ids = sorted(Importer(lib).import_files([path]).files[0].new_ids)
    yield lib, _shape(lib, ids)
    lib.close()


@pytest.fixture
def shaped(library: Library, papers: list[int]) -> list[int]:
    return _shape(library, papers)


@pytest.mark.parametrize(
    ("source", "query", "expected"),
    [
        (ALL_PAPERS, "", [0, 1, 4]),
        (INBOX, "", [0, 1, 4]),
        (STARRED, "", [0]),
        (status_source(ReadStatus.READ), "", [1]),
        (RECENT, "", [0, 1, 4]),  # dismissed papers only where asked for:
        (DISMISSED, "", [3]),
        (ALL_PAPERS, "is:dismissed", [3]),
        (TRASH, "", [2]),
        (Scope(View.TAG, "to read"), "", [0]),
        (Scope(View.SHELF, "Queue"), "", [1, 0]),  # the shelf's own order
        (ALL_PAPERS, "model", [0, 4]),
        (STARRED, "models", [0]),
        (TRASH, "diffusion", [2]),
        (Scope(View.TAG, "to read"), "reward", []),
        (ALL_PAPERS, "zzzzzz", []),
    ],
)
def test_sources_and_searches(
    shared: tuple[Library, list[int]],
    source: Scope,
    query: str,
    expected: list[int],
) -> None:
    library, shaped = shared
    listing = resolve(library, ListingRequest(source, query))
    got = listing.ids if source.view == View.SHELF else sorted(listing.ids)
    assert got == [shaped[i] for i in expected]


def test_a_smart_shelf_lists_its_query(library: Library, shaped: list[int]) -> None:
    listing = resolve(library, ListingRequest(Scope(View.SHELF, "Diffusion")))
    assert listing.ids == []  # its only match is in the Trash
    library.restore([shaped[2]])
    listing = resolve(library, ListingRequest(Scope(View.SHELF, "Diffusion")))
    assert listing.ids == [shaped[2]]


def test_a_search_carries_the_words_to_mark(library: Library, papers: list[int]) -> None:
    listing = resolve(library, ListingRequest(ALL_PAPERS, "diffusion title:denoise"))
    assert listing.terms == ("diffusion", "denoise")
    assert listing.outcome is not None
    assert listing.outcome.query == "diffusion title:denoise"


def test_did_you_mean_leaves_the_source_out(library: Library, papers: list[int]) -> None:
    listing = resolve(library, ListingRequest(INBOX, "modles"))
    assert listing.outcome is not None
    assert listing.outcome.suggestion in {"model", "models"}


@pytest.mark.parametrize("descending", [False, True])
def test_sorted_listing(library: Library, papers: list[int], descending: bool) -> None:
    listing = resolve(library, ListingRequest(ALL_PAPERS, "", Sort("title", descending)))
    titles = [r.title.casefold() for r in library.papers(listing.ids)]
    assert titles == sorted(titles, reverse=descending)
    searched = resolve(library, ListingRequest(ALL_PAPERS, "model", Sort("title", descending)))
    titles = [r.title.casefold() for r in library.papers(searched.ids)]
    assert titles == sorted(titles, reverse=descending)
    assert len(titles) >= 3
