"""The one resolver: every scope's count is its list, and the database and the index agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from readinglist.core import Resolver, Scope, Sort
from readinglist.importing import Importer
from readinglist.records import ReadStatus, Triage
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.library import Library

TITLES = [f"Paper {word} on adapters" for word in ("alpha", "beta", "gamma", "delta", "eps")]


@pytest.fixture
def shaped(library: Library, tmp_path: Path) -> list[int]:
    """Five papers: starred, read, tagged, shelved, trashed, dismissed in a known pattern."""
    path = tmp_path / "d.txt"
    path.write_text(digest_text(*((t, ABSTRACT) for t in TITLES)), encoding="utf-8")
    ids = sorted(Importer(library).import_files([path]).files[0].new_ids)
    library.set_starred(ids[:2], True)
    library.set_status([ids[1], ids[2]], ReadStatus.READ)
    library.add_tags(ids[1:4], ["peft"])
    Shelves(library).create("Queue")
    Shelves(library).add("Queue", [ids[3], ids[0], ids[4]])
    Shelves(library).create("Smart", query="tag:peft is:read")
    library.set_triage([ids[2]], Triage.DISMISSED)
    library.trash([ids[4]])
    return ids


SCOPES = [
    Scope.all(),
    Scope.library(),
    Scope.inbox(),
    Scope.starred(),
    Scope.status("read"),
    Scope.recent(),
    Scope.trash(),
    Scope.dismissed(),
    Scope.shelf("Queue"),
    Scope.shelf("Smart"),
    Scope.tag("peft"),
    Scope.search("adapters"),
    Scope.search("tag:peft is:dismissed"),
    Scope.tag("peft").narrowed("gamma OR beta"),
    Scope.shelf("Queue").narrowed("-is:starred"),
]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: f"{s.view}:{s.key}:{s.query}")
def test_a_scopes_count_is_its_list(library: Library, shaped: list[int], scope: Scope) -> None:
    resolver = Resolver(library)
    ids = resolver.resolve(scope).ids
    assert resolver.count(scope) == len(ids)
    assert len(set(ids)) == len(ids)  # no paper twice


def test_the_rules_for_dismissed_and_trashed_papers(library: Library, shaped: list[int]) -> None:
    resolver = Resolver(library)
    ids = set(shaped)
    dismissed, trashed = shaped[2], shaped[4]
    assert set(resolver.resolve(Scope.all()).ids) == ids - {dismissed, trashed}
    assert set(resolver.resolve(Scope.library()).ids) == ids - {trashed}
    assert resolver.resolve(Scope.dismissed()).ids == [dismissed]
    assert resolver.resolve(Scope.trash()).ids == [trashed]
    assert dismissed not in resolver.resolve(Scope.tag("peft")).ids
    assert dismissed not in resolver.resolve(Scope.search("adapters")).ids
    assert dismissed in resolver.resolve(Scope.search("adapters is:dismissed")).ids
    # A manual shelf shows what was put on it (not what is in the Trash), in its order.
    assert resolver.resolve(Scope.shelf("Queue")).ids == [shaped[3], shaped[0]]


@pytest.mark.parametrize(
    "query",
    ["tag:peft", "is:starred", "tag:peft is:read", "-is:starred", "is:(read OR skimmed)",
     "shelf:Queue", "seen:>=1", "upvotes:<1", "tag:pe*"],
)  # fmt: skip
def test_the_database_and_the_index_give_one_answer(
    library: Library, shaped: list[int], query: str
) -> None:
    """Conditions the database can answer alone give what the index gives for them."""
    from readinglist import querylang as ql
    from readinglist.core.scopes import _is_sql

    assert _is_sql(ql.parse(query).tree)
    by_database = set(Resolver(library).resolve(Scope.search(query)).ids)
    by_index = {h.id for h in library.search(query, limit=None).hits}
    dismissed = {shaped[2]}
    assert by_database == by_index - dismissed


def test_sorted_lists_keep_every_paper(library: Library, shaped: list[int]) -> None:
    resolver = Resolver(library)
    for key in ("title", "starred", "status", "tags", "seen", "added", "upvotes", "published"):
        for scope in (Scope.all(), Scope.search("adapters")):
            plain = set(resolver.resolve(scope).ids)
            ordered = resolver.resolve(scope, sort=Sort(key, descending=True)).ids
            assert set(ordered) == plain, (key, scope)
