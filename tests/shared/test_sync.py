"""Each client keeps its own index in step with the shared database, through the journal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select, update

from readinglist.core.indexing import JOURNAL_PRUNED, SHARED_JOURNAL_DAYS
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.store.models import Meta, PaperChange
from tests.conftest import ABSTRACT, digest_text
from tests.postgres import PgServer

OpenClient = Callable[..., Library]


def _import(lib: Library, *titles: str, label: str = "Mar 11") -> list[int]:
    report = Importer(lib).import_text(
        digest_text(*((t, ABSTRACT) for t in titles), label=label), f"{label}.txt"
    )
    assert report.ok, report.error
    return report.paper_ids


def _journal(lib: Library) -> int:
    with lib.read() as s:
        return s.scalar(select(func.count(PaperChange.seq))) or 0


def test_a_client_catches_up_with_a_colleagues_changes(
    pg_url: str, open_client: OpenClient
) -> None:
    alice, bob = open_client(pg_url, "alice"), open_client(pg_url, "bob")
    assert alice.location != bob.location  # one index each
    feed = bob.feed()
    (paper,) = _import(alice, "Zebrafish Retinas in Transformers")
    alice.add_tags([paper], ["marine"])

    news = feed.poll()  # what a window's poll notices: exactly which paper changed
    assert news is not None
    assert news.changes.papers == {paper}
    assert bob.index.search_ids("zebrafish") == []  # not yet applied to bob's index
    assert bob.sync_index() == 1  # just the changed paper, not a rebuild
    assert bob.index.search_ids("zebrafish") == [paper]
    assert bob.index.search_ids("tag:marine") == [paper]
    # alice's own index was kept up to date by her edits
    assert alice.index.search_ids("tag:marine") == [paper]


def test_a_client_that_was_offline_catches_up_on_open(pg_url: str, open_client: OpenClient) -> None:
    alice = open_client(pg_url, "alice")
    (first,) = _import(alice, "Sparse Adapters")
    bob = open_client(pg_url, "bob")
    bob.close()  # bob's laptop goes to sleep
    alice.set_note(first, "compare with dense adapters")
    (second,) = _import(alice, "Quantum Kernels", label="Mar 12")

    bob = open_client(pg_url, "bob")
    assert bob.index.search_ids("dense") == [first]
    assert bob.index.search_ids("quantum") == [second]


def test_the_journal_is_kept_for_the_other_clients(pg_url: str, open_client: OpenClient) -> None:
    alice = open_client(pg_url, "alice")
    (paper,) = _import(alice, "Sparse Adapters")
    alice.set_starred([paper], True)
    # alice's index has applied everything, but bob's has not: nothing may be pruned yet
    assert _journal(alice) >= 2
    assert alice.indexing.prune(force=True) == 0


def test_a_client_away_longer_than_the_journal_keeps_rebuilds(
    pg_url: str, open_client: OpenClient
) -> None:
    alice = open_client(pg_url, "alice")
    old = _import(alice, "Sparse Adapters", "Quantum Kernels", "Diffusion Maps")
    bob = open_client(pg_url, "bob")
    bob.close()
    alice.add_tags(old, ["early"])  # bob never sees these entries: they will be pruned
    with alice.engine.begin() as conn:
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=SHARED_JOURNAL_DAYS + 5)
        conn.execute(update(PaperChange).values(changed_at=long_ago))
    assert alice.indexing.prune(force=True) > 0
    assert _journal(alice) == 0
    with alice.read() as s:
        mark = s.get(Meta, JOURNAL_PRUNED)
        assert mark is not None
        assert int(mark.value) > 0
    (new,) = _import(alice, "Fresh Paper", label="Mar 13")

    bob = open_client(pg_url, "bob", sync_index=False)
    assert bob.sync_index() == 4  # everything: the journal lost entries bob needed
    assert sorted(bob.index.search_ids("tag:early")) == sorted(old)
    assert bob.index.search_ids("fresh") == [new]


def test_a_database_created_again_under_the_same_url_gets_a_new_index(
    pg_server: PgServer, open_client: OpenClient
) -> None:
    name = pg_server.create_database()
    url = pg_server.url(name)
    alice = open_client(url, "alice")
    _import(alice, "Sparse Adapters")
    first_index = alice.index.directory
    alice.close()
    pg_server.drop_database(name)
    pg_server.admin(f'CREATE DATABASE "{name}" OWNER readinglist TEMPLATE template0')
    try:
        again = open_client(url, "alice")
        assert again.index.directory != first_index
        assert not Path(first_index).exists()  # the stale index is removed
        assert again.index.search_ids("sparse") == []
        assert again.summary().papers == 0
    finally:
        pg_server.drop_database(name)


def test_the_feed_names_shelves_too(pg_url: str, open_client: OpenClient) -> None:
    from readinglist.shelves import Shelves

    alice, bob = open_client(pg_url, "alice"), open_client(pg_url, "bob")
    feed = bob.feed()
    created = Shelves(alice).create("Queue")
    news = feed.poll()
    assert news is not None
    assert news.changes.shelves == {created.info.id}
    Shelves(alice).rename("Queue", "Reading group")
    news = feed.poll()
    assert news is not None
    assert news.changes.shelves == {created.info.id}
    assert feed.poll() is None  # nothing more while nothing changes
    Shelves(bob).create("Bob's own")
    assert feed.poll() is None  # bob's own edits reach his window another way


def test_a_search_first_applies_colleagues_changes(pg_url: str, open_client: OpenClient) -> None:
    """What a window's search sees after its poll noticed a change: no stale results."""
    alice, bob = open_client(pg_url, "alice"), open_client(pg_url, "bob")
    (paper,) = _import(alice, "Zebrafish Retinas in Transformers")
    assert [h.id for h in bob.search("zebrafish").hits] == [paper]
    alice.add_tags([paper], ["marine"])
    assert [h.id for h in bob.search("tag:marine").hits] == [paper]
    alice.trash([paper])
    assert bob.search("zebrafish").hits == ()
