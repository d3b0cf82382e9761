"""Who did what, and edits of one paper by two people at once (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from readinglist import tags as tag_service
from readinglist.cli.main import cli
from readinglist.errors import EditConflict
from readinglist.importing import Importer
from readinglist.layout import default_author
from readinglist.library import Library
from readinglist.records import ReadStatus
from readinglist.shelves import Shelves
from readinglist.store.models import Tag
from tests.conftest import ABSTRACT, digest_text

OpenClient = Callable[..., Library]


@pytest.fixture
def location(request: pytest.FixtureRequest, backend: str, library_dir: Path) -> Path | str:
    """One library, local or shared, that several clients open."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return library_dir


@pytest.fixture
def papers(location: Path | str, open_client: OpenClient) -> list[int]:
    setup = open_client(location, "setup")
    text = digest_text(("Sparse Adapters", ABSTRACT), ("Quantum Kernels", ABSTRACT))
    report = Importer(setup).import_text(text, "d.txt")
    assert report.ok
    return report.paper_ids


@pytest.mark.parametrize(
    ("env", "expected"),
    [("  Ada   Lovelace ", "Ada Lovelace"), ("", None), ("x" * 300, "x" * 200)],
)
def test_the_author_is_the_os_user_unless_configured(
    env: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINGLIST_AUTHOR", env)
    monkeypatch.setenv("USER", "osuser")
    monkeypatch.setenv("LOGNAME", "osuser")
    assert default_author() == (expected or "osuser")


def test_notes_and_shelf_changes_record_their_author(
    location: Path | str, papers: list[int], open_client: OpenClient
) -> None:
    alice, bob = open_client(location, "alice"), open_client(location, "bob")
    first, second = papers
    alice.set_note(first, "read section 3")
    Shelves(alice).create("Queue")
    Shelves(alice).add("Queue", [first])
    Shelves(bob).add("Queue", [second], position=0)
    bob.set_status([second], ReadStatus.READ)

    one, two = alice.papers([first, second])
    assert (one.note_author, one.note_version, one.updated_by) == ("alice", 1, "alice")
    assert one.shelves == ("Queue",)
    assert one.shelf_added_by == ("alice",)
    assert two.shelf_added_by == ("bob",)
    assert two.updated_by == "bob"
    assert two.note_author is None
    assert two.note_version == 0
    (queue,) = Shelves(alice).list()
    assert queue.changed_by == "bob"  # the last change to its order
    assert queue.changed_at is not None
    assert queue.to_json()["changed_by"] == "bob"
    assert one.to_json()["note_author"] == "alice"

    bob.set_note(first, "read section 3, then 5")
    record = alice.paper(first)
    assert (record.note_author, record.note_version) == ("bob", 2)


def test_a_note_saved_over_a_colleagues_save_is_refused_and_says_who(
    location: Path | str, papers: list[int], open_client: OpenClient
) -> None:
    alice, bob = open_client(location, "alice"), open_client(location, "bob")
    paper = papers[0]
    opened_by_alice = alice.paper(paper).note_version
    opened_by_bob = bob.paper(paper).note_version
    saved = alice.set_note(paper, "alice's thoughts", expected_version=opened_by_alice)
    assert saved.version == 1

    with pytest.raises(EditConflict, match="changed by alice") as err:
        bob.set_note(paper, "bob's thoughts", expected_version=opened_by_bob)
    assert err.value.author == "alice"
    assert alice.paper(paper).note == "alice's thoughts"  # nothing of bob's was written
    # bob reloads, then saves on top of what he now has seen
    current = bob.paper(paper)
    bob.set_note(paper, current.note + "\nbob agrees", expected_version=current.note_version)
    assert alice.paper(paper).note == "alice's thoughts\nbob agrees"
    # without a version the last save wins, as before
    alice.set_note(paper, "")
    assert alice.paper(paper).note_version == 0


def test_tags_from_both_survive(
    location: Path | str, papers: list[int], open_client: OpenClient
) -> None:
    alice, bob = open_client(location, "alice"), open_client(location, "bob")
    paper = papers[0]
    alice.add_tags([paper], ["lora"])
    seen_by_alice = alice.paper(paper).tags
    seen_by_bob = bob.paper(paper).tags
    # both editors open with the same tags; alice adds one, bob removes one and adds one
    alice.set_tags(paper, [*seen_by_alice, "peft"], was=seen_by_alice)
    bob.set_tags(paper, ["vision"], was=seen_by_bob)
    assert sorted(alice.paper(paper).tags) == ["peft", "vision"]
    # the old whole-list save (no `was`) still replaces everything
    bob.set_tags(paper, ["only"])
    assert alice.paper(paper).tags == ("only",)


@pytest.mark.postgresql_only  # SQLite writers queue: there is no race to lose
def test_an_edit_meeting_a_colleagues_new_tag_is_retried(
    location: Path | str,
    papers: list[int],
    open_client: OpenClient,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two clients create the same new tag at the same moment: one tag, on both papers."""
    alice, bob = open_client(location, "alice"), open_client(location, "bob")
    inside = threading.Event()
    release = threading.Event()
    original = tag_service.get_or_create

    def slow_tag(session: Session, name: str, *, color: str | None = None) -> Tag:
        tag = original(session, name, color=color)  # inserted, not committed
        if threading.current_thread().name == "alice":
            inside.set()
            release.wait(10)
        return tag

    monkeypatch.setattr(tag_service, "get_or_create", slow_tag)
    worker = threading.Thread(
        target=lambda: alice.add_tags([papers[0]], ["Reading Group"]), name="alice"
    )
    worker.start()
    assert inside.wait(10)
    timer = threading.Timer(0.5, release.set)  # bob's insert is waiting on alice's by then
    timer.start()
    bob.add_tags([papers[1]], ["reading group"])
    worker.join(10)
    tags = alice.tags()
    assert [(t.name, t.count) for t in tags] == [("Reading Group", 2)]


def test_the_command_line_shows_authors_in_json(
    location: Path | str, papers: list[int], open_client: OpenClient
) -> None:
    open_client(location, "alice").set_note(papers[0], "hello")
    shown = CliRunner().invoke(
        cli,
        ["--library", str(location), "show", str(papers[0]), "--json"],
        env={"READINGLIST_AUTHOR": "bob"},
    )
    assert shown.exit_code == 0, shown.output
    assert '"note_author": "alice"' in shown.output
    assert '"note_version": 1' in shown.output
