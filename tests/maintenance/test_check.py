"""Check and repair: each kind of damage is found, repaired after a backup, and gone after."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from readinglist.layout import DB_NAME, INDEX_DIR
from readinglist.library import Library
from readinglist.maintenance import check as check_module
from readinglist.maintenance import list_backups, sqlitefile
from readinglist.maintenance.check import check_library, repair_library
from readinglist.papers import for_edit
from readinglist.search import IndexUpdate
from readinglist.shelves import Shelves
from readinglist.store.convert import load_papers, to_index_doc
from readinglist.store.models import Note, ShelfItem


def _sql(lib: Library, *statements: str) -> None:
    """Damage the database behind the library's back, as another program could."""
    conn = sqlite3.connect(lib.location / DB_NAME)  # foreign keys are off by default
    try:
        conn.execute("PRAGMA writable_schema=ON")
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _ids(lib: Library) -> list[int]:
    return sorted(p.id for p in lib.list_papers())


def _index_edit(
    lib: Library, *, docs_of: int | None = None, title: str = "", drop: int = 0
) -> None:
    """Change the search index without the database knowing (docs_of: rewrite that paper)."""
    docs = []
    if docs_of is not None:
        with lib.read() as session:
            doc = to_index_doc(load_papers(session, [docs_of])[docs_of])
        docs.append(dataclasses.replace(doc, title=title or doc.title, tags=()))
    lib.index.update(lambda cur: IndexUpdate(docs, [drop] if drop else [], cur) if cur else None)
    # A small update may start a background merge; let it end before the repair swaps the
    # index directory (the race itself is the search index's to handle).
    lib.index.wait_for_merge()


def _orphan_note(lib: Library) -> None:
    _sql(lib, "INSERT INTO notes (paper_id, body, created_at, updated_at) VALUES (9999, 'x', 0, 0)")


def _orphan_shelf_item(lib: Library) -> None:
    _sql(
        lib,
        "INSERT INTO shelf_items (shelf_id, paper_id, position, added_at) VALUES (1, 9999, 3, 0)",
    )


def _shelf_gone(lib: Library) -> None:
    _sql(lib, "DELETE FROM shelves")


def _orphan_sighting(lib: Library) -> None:
    _sql(lib, "UPDATE sightings SET digest_id = 9999 WHERE position = 0")


def _orphan_tag(lib: Library) -> None:
    _sql(lib, "DELETE FROM tags")


def _shelf_gaps(lib: Library) -> None:
    _sql(lib, "UPDATE shelf_items SET position = position * 2 + 1")


def _shelf_duplicates(lib: Library) -> None:
    _sql(lib, "UPDATE shelf_items SET position = 0")


def _shelf_order(lib: Library) -> None:
    _sql(lib, "UPDATE shelves SET position = 4")


def _db_index_corrupt(lib: Library) -> None:
    # The index no longer matches its table: what a torn write to an index page looks like.
    _sql(
        lib,
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_papers_starred ON papers (read_status)' "
        "WHERE name = 'ix_papers_starred'",
    )
    lib.engine.dispose()  # as if the damage was there before the library was opened


def _index_missing(lib: Library) -> None:
    _index_edit(lib, drop=_ids(lib)[0])


def _index_extra(lib: Library) -> None:
    with lib.write(sync=False) as tx:
        (paper,) = for_edit(tx, [_ids(lib)[0]])
        tx.session.delete(paper)
    # The journal would remove it from the index on the next sync; lose the journal entry.
    _sql(lib, "DELETE FROM paper_changes")


def _index_stale(lib: Library) -> None:
    _index_edit(lib, docs_of=_ids(lib)[0], title="Zebra Quartz")


def _index_unreadable(lib: Library) -> None:
    lib.index.close()
    shutil.rmtree(lib.location / INDEX_DIR)
    (lib.location / INDEX_DIR).mkdir()


DAMAGE: list[tuple[Callable[[Library], None], str]] = [
    (_orphan_note, "orphan_notes"),
    (_orphan_shelf_item, "orphan_shelf_items"),
    (_shelf_gone, "orphan_shelf_items"),
    (_orphan_sighting, "orphan_sightings"),
    (_orphan_tag, "orphan_paper_tags"),
    (_shelf_gaps, "shelf_positions"),
    (_shelf_duplicates, "shelf_positions"),
    (_shelf_order, "shelf_order"),
    (_db_index_corrupt, "integrity"),
    (_index_missing, "index_missing"),
    (_index_extra, "index_extra"),
    (_index_stale, "index_stale"),
    (_index_unreadable, "index_unreadable"),
]


def test_changes_waiting_in_the_journal_are_applied_not_reported(populated: Library) -> None:
    """A process that never opened the index leaves its changes in the journal: no damage."""
    paper = _ids(populated)[0]
    with populated.write(sync=False) as tx:
        (row,) = for_edit(tx, [paper])
        row.title = "Quokka Sightings"
    assert populated.indexing.behind()
    report = check_library(populated)
    assert report.ok, report.problems
    assert populated.index.search_ids("quokka") == [paper]


def test_a_healthy_library_has_no_problems(populated: Library) -> None:
    report = check_library(populated)
    assert report.ok, report.problems
    assert report.papers == 5
    assert report.to_json() == {
        "location": str(populated.location),
        "ok": True,
        "papers": 5,
        "problems": [],
        "repaired": [],
        "backup": None,
    }
    assert repair_library(populated).backup is None  # nothing to repair: no backup either
    assert list_backups(populated.location) == []


@pytest.mark.parametrize(
    ("damage", "code"), DAMAGE, ids=[d.__name__.strip("_") for d, _c in DAMAGE]
)
def test_damage_is_found_repaired_after_a_backup_and_gone_after(
    populated: Library, damage: Callable[[Library], None], code: str
) -> None:
    damage(populated)
    found = check_library(populated)
    assert code in [p.code for p in found.problems], found.problems
    assert all(p.repairable for p in found.problems)

    repaired = repair_library(populated)

    assert repaired.ok, repaired.problems
    assert code in [p.code for p in repaired.repaired]
    assert repaired.backup is not None
    assert Path(repaired.backup).is_file()
    if code == "integrity":  # no verified backup of a damaged database: a raw copy aside
        assert Path(repaired.backup).parent.parent.name == "aside"
    else:
        assert [b.reason for b in list_backups(populated.location)] == ["repair"]
    assert check_library(populated).ok  # a second check finds nothing


def test_repair_renumbers_shelves_in_their_order(populated: Library) -> None:
    before = Shelves(populated).paper_ids("Queue")
    _shelf_gaps(populated)
    repair_library(populated)
    assert Shelves(populated).paper_ids("Queue") == before
    with populated.read() as session:
        assert sorted(session.scalars(select(ShelfItem.position))) == [0, 1, 2]


def test_repair_is_one_transaction(populated: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    _orphan_note(populated)
    _shelf_gaps(populated)

    def fail(_session: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(check_module, "_renumber_all", fail)
    with pytest.raises(RuntimeError):
        repair_library(populated)
    with populated.read() as session:  # the orphan deleted before the failure is back
        assert session.scalar(select(Note.id).where(Note.paper_id == 9999)) is not None
    assert {p.code for p in check_library(populated).problems} == {
        "orphan_notes",
        "shelf_positions",
    }


def test_damage_repair_cannot_fix_says_so(
    populated: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sqlitefile,
        "check_problems",
        lambda *_a, **_k: ["Tree 5 page 5 cell 0: invalid page number 99"],
    )
    report = repair_library(populated)
    assert [(p.code, p.repairable) for p in report.problems] == [("integrity", False)]
    assert "restore a backup" in report.problems[0].message
