"""Two clients at once on one PostgreSQL library: nothing lost, nothing duplicated.

The process tests start real client processes (tests/shared/client.py) that open the
library, wait, and are released together; the thread tests force the one interleaving
that matters (the second writer arrives while the first has not committed) every time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from readinglist.importing import FileReport, Importer
from readinglist.importing import importer as importer_module
from readinglist.library import Library
from readinglist.shelves import Shelves
from readinglist.store.models import Digest, Paper, ShelfItem, Sighting
from tests.conftest import ABSTRACT, digest_text
from tests.shared.conftest import ClientProcess

OpenClient = Callable[..., Library]
Spawn = Callable[..., ClientProcess]


def _titles(prefix: str, numbers: range) -> list[str]:
    return [f"{prefix} Study Number {n}" for n in numbers]


def _write_digest(path: Path, titles: list[str], label: str) -> Path:
    path.write_text(digest_text(*((t, ABSTRACT) for t in titles), label=label), encoding="utf-8")
    return path


def _counts(lib: Library) -> tuple[int, int, int]:
    with lib.read() as s:
        return (
            s.scalar(select(func.count(Paper.id))) or 0,
            s.scalar(select(func.count(func.distinct(Paper.title_key)))) or 0,
            s.scalar(select(func.count(Digest.id))) or 0,
        )


def _release(*clients: ClientProcess) -> list[dict[str, object]]:
    """Wait until every client has the library open, then let them all go at once."""
    for client in clients:
        client.wait_ready()
    for client in clients:
        client.go()
    return [client.result() for client in clients]


# -- two processes ---------------------------------------------------------------------------


def test_simultaneous_imports_keep_one_copy_of_each_paper(
    pg_url: str, spawn: Spawn, open_client: OpenClient, tmp_path: Path
) -> None:
    # The same digest twice, and two digests sharing 120 papers listed in opposite orders.
    same = _write_digest(tmp_path / "same.txt", _titles("Shared", range(150)), "Mar 11")
    ours = _write_digest(tmp_path / "ours.txt", _titles("Overlap", range(200)), "Mar 12")
    theirs_titles = _titles("Overlap", range(80, 200))[::-1] + _titles("Theirs", range(40))
    theirs = _write_digest(tmp_path / "theirs.txt", theirs_titles, "Mar 13")

    alice = spawn(pg_url, "alice", "import", str(same), str(ours))
    bob = spawn(pg_url, "bob", "import", str(same), str(theirs))
    a, b = _release(alice, bob)

    files = [*a["files"], *b["files"]]  # type: ignore[misc]
    assert [f["error"] for f in files] == [None] * 4
    same_reports = [f for f in files if f["path"].endswith("same.txt")]
    assert sorted(f["already_imported"] for f in same_reports) == [False, True]
    assert sum(f["new"] for f in same_reports) == 150

    lib = open_client(pg_url, "carol")
    papers, distinct, digests = _counts(lib)
    assert papers == distinct == 150 + 200 + 40
    assert digests == 3
    with lib.read() as s:
        sightings = s.scalar(select(func.count(Sighting.id)))
    assert sightings == 150 + 200 + 160  # every appearance kept, once
    # carol's fresh index holds every paper, once
    assert len(lib.index.search_ids("study", limit=None)) == papers


def test_simultaneous_reorders_of_one_shelf_keep_a_clean_order(
    pg_url: str, spawn: Spawn, open_client: OpenClient
) -> None:
    setup = open_client(pg_url, "setup")
    report = Importer(setup).import_text(
        digest_text(*((t, ABSTRACT) for t in _titles("Shelf", range(12)))), "d.txt"
    )
    Shelves(setup).create("Queue")
    Shelves(setup).add("Queue", report.paper_ids)

    clients = [spawn(pg_url, name, "reorder", "Queue", str(n), "25") for n, name in enumerate("ab")]
    assert _release(*clients) == [{"moves": 25}, {"moves": 25}]

    with setup.read() as s:
        positions = sorted(s.scalars(select(ShelfItem.position)))
    assert positions == list(range(12))  # no duplicate, no gap
    assert sorted(Shelves(setup).paper_ids("Queue")) == sorted(report.paper_ids)


def test_simultaneous_edits_of_one_paper_lose_nothing(
    pg_url: str, spawn: Spawn, open_client: OpenClient
) -> None:
    setup = open_client(pg_url, "setup")
    (paper,) = Importer(setup).import_text(digest_text(("Sparse Adapters", ABSTRACT))).paper_ids
    taggers = [spawn(pg_url, name, "tag", str(paper), name, "8") for name in ("alice", "bob")]
    writers = [spawn(pg_url, name, "note", str(paper), f"{name} wrote this", "0") for name in "xy"]
    _release(*taggers)
    tags = set(setup.paper(paper).tags)
    expected = {f"{who}-{n}" for who in ("alice", "bob") for n in range(8)} | {"both"}
    assert tags == expected

    outcomes = _release(*writers)  # both saving over "no note" at the same moment
    won = [o for o in outcomes if "version" in o]
    lost = [o for o in outcomes if "conflict" in o]
    assert len(won) == len(lost) == 1  # one saved; the other was told, and saved nothing
    record = setup.paper(paper)
    winner = record.note_author
    assert record.note == f"{winner} wrote this"
    assert lost[0]["author"] == winner


def test_a_clients_index_catches_up_after_another_clients_changes(
    pg_url: str, spawn: Spawn, open_client: OpenClient, tmp_path: Path
) -> None:
    alice = open_client(pg_url, "alice")
    assert alice.index.search_ids("study") == []
    digest = _write_digest(tmp_path / "d.txt", _titles("Fresh", range(30)), "Mar 11")
    (bob,) = [spawn(pg_url, "bob", "import", str(digest))]
    _release(bob)
    assert alice.sync_index() == 30
    assert len(alice.index.search_ids("fresh study", limit=None)) == 30


# -- forced interleavings (threads) ----------------------------------------------------------


def _paused_import(
    lib: Library, text: str, name: str, pause_at: int
) -> tuple[threading.Thread, threading.Event, threading.Event, list[FileReport]]:
    """Start importing in a thread that stops inside its transaction, after ``pause_at`` entries."""
    inside, release = threading.Event(), threading.Event()
    calls = 0
    reports: list[FileReport] = []

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        if calls == pause_at // 200 + 1:
            inside.set()
            release.wait(10)
        return False

    importer = Importer(lib)

    def work() -> None:
        from readinglist.importing import sources

        report = FileReport(name)
        importer._land(report, name, sources.read_text(text), cancelled)
        reports.append(report)

    thread = threading.Thread(target=work)
    thread.start()
    assert inside.wait(10)
    return thread, inside, release, reports


@pytest.mark.parametrize(
    ("first", "second", "pause_at"),
    [
        # the same digest: the loser's digest row waits on the winner's, then finds it
        (range(0, 10), range(0, 10), 0),
        # two digests sharing papers: the loser's paper rows wait on the winner's titles
        (range(0, 250), range(190, 260), 200),
    ],
    ids=["same-digest", "shared-titles"],
)
@pytest.mark.parametrize("serialised", [True, False], ids=["import-lock", "race"])
def test_an_import_meeting_a_colleagues_import_merges_into_it(
    pg_url: str,
    open_client: OpenClient,
    monkeypatch: pytest.MonkeyPatch,
    first: range,
    second: range,
    pause_at: int,
    serialised: bool,
) -> None:
    alice, bob = open_client(pg_url, "alice"), open_client(pg_url, "bob")
    text_a = digest_text(*((t, ABSTRACT) for t in _titles("Race", first)), label="Mar 11")
    same = first == second
    text_b = text_a if same else digest_text(*((t, ABSTRACT) for t in _titles("Race", second)))
    attempts = 0
    original = Importer._land_source

    def counting(self: Importer, *args: object) -> None:
        nonlocal attempts
        if self.library is bob:
            attempts += 1
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Importer, "_land_source", counting)
    if not serialised:  # what a writer outside the import lock (a bundle import) meets
        monkeypatch.setattr(importer_module, "advisory_lock", lambda *_a, **_kw: None)
    thread, _inside, release, reports = _paused_import(alice, text_a, "a.txt", pause_at)
    threading.Timer(0.5, release.set).start()  # bob is waiting on alice's rows by then
    report = Importer(bob).import_text(text_b, "b.txt")
    thread.join(10)

    # Taking turns, bob waited and then merged; racing, his first transaction met alice's
    # rows on the unique keys, was rolled back whole, and the second merged.
    assert attempts == (1 if serialised else 2)
    assert report.ok
    assert reports[0].ok
    if same:
        assert report.already_imported
        assert report.new == 0
    else:
        assert report.new == len(set(second) - set(first))
        assert report.duplicates == len(set(second) & set(first))
    papers, distinct, _digests = _counts(bob)
    assert papers == distinct == len(set(first) | set(second))


def test_a_reorder_waits_for_a_colleagues_reorder_of_the_same_shelf(
    pg_url: str, open_client: OpenClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob moves a paper while alice's move of another is not committed: both moves count."""
    import readinglist.shelves as shelves_module

    alice, bob = open_client(pg_url, "alice"), open_client(pg_url, "bob")
    text = digest_text(*((t, ABSTRACT) for t in _titles("Shelf", range(6))))
    ids = Importer(alice).import_text(text).paper_ids
    Shelves(alice).create("Queue")
    Shelves(alice).add("Queue", ids)
    inside, release = threading.Event(), threading.Event()
    order = shelves_module._order

    def paused_order(tx: object, shelf: object, moving: list[int], position: int) -> None:
        order(tx, shelf, moving, position)  # type: ignore[arg-type]
        if threading.current_thread().name == "alice":
            inside.set()
            release.wait(10)

    monkeypatch.setattr(shelves_module, "_order", paused_order)
    thread = threading.Thread(
        target=lambda: Shelves(alice).move("Queue", [ids[0]], 5), name="alice"
    )
    thread.start()
    assert inside.wait(10)
    threading.Timer(0.5, release.set).start()  # bob is waiting for the shelf by then
    Shelves(bob).move("Queue", [ids[5]], 0)
    thread.join(10)

    # alice's move (first to last), then bob's on top of it (last-but-one to first)
    assert Shelves(bob).paper_ids("Queue") == [ids[5], ids[1], ids[2], ids[3], ids[4], ids[0]]
    with bob.read() as s:
        assert sorted(s.scalars(select(ShelfItem.position))) == list(range(6))
    assert Shelves(bob).get("Queue").changed_by == "bob"
