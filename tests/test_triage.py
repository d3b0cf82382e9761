"""Triage sessions: every decision and its exact undo, seen-before, progress, re-import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from readinglist.core import Scope
from readinglist.errors import LibraryError
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.records import PaperRecord, ReadStatus, Triage
from readinglist.shelves import Shelves
from readinglist.triage import Action, TriageSession, digest_name
from tests.conftest import ABSTRACT, digest_text

EARLY = [("Paper One", ABSTRACT), ("Paper Two", ABSTRACT + " Two.")]
LATE = [
    ("Paper Two", ABSTRACT + " Two."),
    ("Paper Three", ABSTRACT + " Three."),
    ("Paper Four", ABSTRACT + " Four."),
    ("Paper Five", ABSTRACT + " Five."),
]


@dataclass
class World:
    library: Library
    shelves: Shelves
    early: int  # digest ids
    late: int
    ids: dict[str, int]  # title -> paper id

    def session(self, digest: int | None = None) -> TriageSession:
        scope = Scope.inbox() if digest is None else Scope.digest(digest)
        ids = sorted(self.library.paper_ids(scope))
        return TriageSession(self.library, self.shelves, ids, digest_id=digest)

    def paper(self, title: str) -> PaperRecord:
        return self.library.paper(self.ids[title])


@pytest.fixture
def world(library: Library) -> World:
    importer = Importer(library)
    a = importer.import_text(digest_text(*EARLY, label="Mar 10"), "early.txt")
    b = importer.import_text(digest_text(*LATE, label="Mar 11"), "late.txt")
    assert a.ok
    assert b.ok
    digests = {d.file_name: d.id for d in library.digests()}
    ids = {r.title: r.id for r in library.list_papers()}
    return World(library, Shelves(library), digests["early.txt"], digests["late.txt"], ids)


def state(r: PaperRecord) -> tuple[Triage, ReadStatus, bool, tuple[str, ...], tuple[str, ...]]:
    return (r.triage, r.read_status, r.starred, r.tags, r.shelves)


# -- each decision, then its undo -------------------------------------------------------------


def _keep(s: TriageSession) -> object:
    return s.keep()


def _dismiss(s: TriageSession) -> object:
    return s.dismiss()


def _skim(s: TriageSession) -> object:
    return s.skim()


def _star(s: TriageSession) -> object:
    return s.toggle_star()


def _shelf(s: TriageSession) -> object:
    return s.add_to_shelf(2)


def _tag(s: TriageSession) -> object:
    return s.add_tags(["robotics", "Old tag"])


@pytest.mark.parametrize(
    ("decide", "after", "moves_on"),
    [
        (_keep, (Triage.KEPT, ReadStatus.UNREAD, False, ("old tag",), ()), True),
        (_dismiss, (Triage.DISMISSED, ReadStatus.UNREAD, False, ("old tag",), ()), True),
        (_skim, (Triage.KEPT, ReadStatus.SKIMMED, False, ("old tag",), ()), True),
        (_star, (Triage.NEW, ReadStatus.UNREAD, True, ("old tag",), ()), False),
        (_shelf, (Triage.NEW, ReadStatus.UNREAD, False, ("old tag",), ("Later",)), False),
        (_tag, (Triage.NEW, ReadStatus.UNREAD, False, ("old tag", "robotics"), ()), False),
    ],
    ids=["keep", "dismiss", "skim", "star", "shelf", "tag"],
)
def test_decision_and_its_exact_undo(
    world: World,
    decide: Callable[[TriageSession], object],
    after: tuple[object, ...],
    moves_on: bool,
) -> None:
    lib, shelves = world.library, world.shelves
    shelves.create("Soon")
    shelves.create("Later")
    three, four, five = (world.ids[f"Paper {n}"] for n in ("Three", "Four", "Five"))
    shelves.add("Later", [five, four])
    lib.add_tags([world.ids["Paper Five"]], ["old tag"])
    session = world.session(world.late)
    session.go_to(session.ids.index(three))
    lib.add_tags([three], ["old tag"])
    before = state(lib.paper(three))

    decide(session)

    assert state(lib.paper(three)) == after
    if decide is _shelf:
        assert shelves.paper_ids("Later") == [five, four, three]
    assert session.index == session.ids.index(three) + (1 if moves_on else 0)
    assert session.touched_ids() == [three]
    session.go_to(0)

    undone = session.undo()

    assert undone is not None
    assert undone.paper_id == three
    assert state(lib.paper(three)) == before
    assert session.current_id == three  # undo shows the paper again
    assert shelves.paper_ids("Later") == [five, four]
    assert shelves.paper_ids("Soon") == []
    # A tag the decision created is gone again; one that existed stays.
    assert [t.name for t in lib.tags()] == ["old tag"]
    assert session.touched_ids() == []
    assert session.undo() is None


def test_star_toggles(world: World) -> None:
    session = world.session()
    paper_id = session.current_id
    assert paper_id is not None
    session.toggle_star()
    session.toggle_star()
    assert not world.library.paper(paper_id).starred
    session.undo()
    assert world.library.paper(paper_id).starred
    assert session.current_id == paper_id  # starring does not move on


def test_undo_goes_back_one_decision_at_a_time(world: World) -> None:
    session = world.session(world.late)
    first, second = session.ids[:2]
    session.keep()
    session.toggle_star()
    session.dismiss()
    assert world.library.paper(second).triage is Triage.DISMISSED
    assert session.undo() is not None
    assert session.last_decision is not None
    assert session.last_decision.action is Action.STAR
    assert world.library.paper(second).triage is Triage.NEW
    assert world.library.paper(second).starred
    session.undo()
    assert not world.library.paper(second).starred
    session.undo()
    assert world.library.paper(first).triage is Triage.NEW
    assert session.index == 0
    assert not session.can_undo


def test_skim_undo_restores_an_earlier_read_status(world: World) -> None:
    paper_id = world.ids["Paper One"]
    world.library.set_status([paper_id], ReadStatus.READ)
    session = world.session(world.early)
    session.skim()
    assert world.library.paper(paper_id).read_status is ReadStatus.SKIMMED
    session.undo()
    assert world.library.paper(paper_id).read_status is ReadStatus.READ


def test_shelf_on_a_number_key_appends_and_never_moves(world: World) -> None:
    shelves = world.shelves
    shelves.create("A")
    shelves.create("Smart", query="is:starred")
    shelves.create("B")
    session = world.session(world.late)
    assert [s.name for s in session.shelf_keys] == ["A", "B"]  # smart shelves have no key
    other = session.ids[1]
    shelves.add("B", [session.ids[0], other])
    # Already on the shelf: nothing happens and it keeps its place.
    assert session.add_to_shelf(2) is None
    assert shelves.paper_ids("B") == [session.ids[0], other]
    assert not session.can_undo
    session.next()
    session.next()
    session.add_to_shelf(2)
    assert shelves.paper_ids("B") == [session.ids[0], other, session.ids[2]]
    with pytest.raises(LibraryError, match="no shelf on key 3"):
        session.add_to_shelf(3)


def test_shelf_undo_keeps_trashed_papers_on_the_shelf(world: World) -> None:
    lib, shelves = world.library, world.shelves
    shelves.create("S")
    one, two = world.ids["Paper One"], world.ids["Paper Two"]
    shelves.add("S", [one])
    lib.trash([one])
    session = TriageSession(lib, shelves, [two])
    session.add_to_shelf(1)
    session.undo()
    lib.restore([one])
    assert shelves.paper_ids("S") == [one]


def test_tags_already_there_are_no_decision(world: World) -> None:
    session = world.session(world.late)
    session.add_tags(["ml", " ML ", ""])
    assert world.library.paper(session.ids[0]).tags == ("ml",)
    assert session.add_tags(["Ml"]) is None
    assert len(session.decisions()) == 1
    with pytest.raises(LibraryError, match="commas"):
        session.add_tags(["a,b"])


def test_undo_keeps_a_created_tag_someone_used_meanwhile(world: World) -> None:
    session = world.session(world.late)
    session.add_tags(["fresh"])
    world.library.add_tags([world.ids["Paper One"]], ["fresh"])
    session.undo()
    assert world.library.paper(session.ids[0]).tags == ()
    assert [t.name for t in world.library.tags()] == ["fresh"]


# -- dismissed papers --------------------------------------------------------------------------


def test_dismissed_stays_dismissed_when_a_later_digest_lists_it(world: World) -> None:
    lib = world.library
    session = world.session()
    two = world.ids["Paper Two"]
    session.go_to(session.ids.index(two))
    session.dismiss()
    assert two not in lib.paper_ids(Scope.inbox())
    assert two not in lib.paper_ids(Scope.all())
    assert two in lib.paper_ids(Scope.dismissed())

    report = Importer(lib).import_text(
        digest_text(("Paper Two", ABSTRACT + " Two."), ("Paper Six", ABSTRACT), label="Mar 12"),
        "later.txt",
    )

    assert report.ok
    assert report.duplicates == 1
    assert lib.paper(two).triage is Triage.DISMISSED
    assert lib.paper(two).seen_count == 3
    assert two not in lib.paper_ids(Scope.inbox())
    assert [lib.paper(i).triage for i in report.new_ids] == [Triage.NEW]  # the new one waits
    assert two not in lib.paper_ids(Scope.search("two"))  # searches leave it out...
    assert two in lib.paper_ids(Scope.search("two is:dismissed"))  # ...unless asked
    lib.set_triage([two], Triage.KEPT)  # and restorable
    assert two in lib.paper_ids(Scope.all())


# -- seen before ---------------------------------------------------------------------------


def test_seen_before_in_a_digest_means_an_earlier_digest(world: World) -> None:
    two, three = world.ids["Paper Two"], world.ids["Paper Three"]
    late = world.session(world.late)
    (seen,) = late.seen_before(two)
    assert seen.digest_id == world.early
    assert digest_name(seen).startswith("Mar 10")
    assert "early.txt" in digest_name(seen)
    assert late.seen_before(three) == ()
    # From the earlier digest's side the later sighting is not "before".
    assert world.session(world.early).seen_before(two) == ()


def test_seen_before_in_the_inbox_means_more_than_one_digest(world: World) -> None:
    inbox = world.session()
    assert [s.digest_id for s in inbox.seen_before(world.ids["Paper Two"])] == [world.early]
    assert inbox.seen_before(world.ids["Paper One"]) == ()
    assert inbox.seen_before(world.ids["Paper Five"]) == ()


def test_skip_seen_jumps_past_papers_seen_before(library: Library) -> None:
    importer = Importer(library)
    importer.import_text(digest_text(("B", ABSTRACT + "b"), ("C", ABSTRACT + "c"), label="Mar 1"))
    importer.import_text(
        digest_text(*[(t, ABSTRACT + t.lower()) for t in "ABCD"], label="Mar 2"), "2"
    )
    late = next(d.id for d in library.digests() if d.file_name == "2")
    ids = {r.title: r.id for r in library.list_papers()}
    order = [ids[t] for t in "ABCD"]
    session = TriageSession(library, Shelves(library), order, digest_id=late)
    assert session.skip_seen() == 2  # B and C were in the earlier digest
    assert session.current_id == ids["D"]
    assert session.skip_seen() == 0
    assert session.at_end
    session.go_to(1)  # on a paper seen before itself: the next unseen one is D
    assert session.skip_seen() == 1
    assert session.current_id == ids["D"]


# -- progress ------------------------------------------------------------------------------


def test_progress_counts_this_sessions_decisions(world: World) -> None:
    session = world.session(world.late)
    assert session.progress().text == "1 of 4, 0 kept"
    session.keep()
    session.toggle_star()
    session.skim()
    session.dismiss()
    p = session.progress()
    assert (p.position, p.total, p.triaged, p.kept, p.dismissed, p.skimmed) == (4, 4, 3, 2, 1, 1)
    assert p.starred == 1
    assert p.text == "4 of 4, 2 kept"
    assert not p.finished
    session.go_to(0)
    session.dismiss()  # a changed mind counts once, with the latest decision
    p = session.progress()
    assert (p.triaged, p.kept, p.dismissed) == (3, 1, 2)
    session.go_to(3)
    session.keep()
    assert session.at_end
    p = session.progress()
    assert p.finished
    assert p.text == "4 of 4, 2 kept"


def test_no_paper_left_to_decide_on(world: World) -> None:
    session = TriageSession(world.library, world.shelves, [])
    assert session.at_end
    assert session.current() is None
    assert session.progress().text == "0 of 0, 0 kept"
    with pytest.raises(LibraryError, match="done"):
        session.keep()


def test_a_paper_deleted_meanwhile_is_reported_not_crashed_on(world: World) -> None:
    lib = world.library
    session = world.session(world.early)
    gone = session.ids[0]
    lib.trash([gone])
    lib.empty_trash()
    assert session.current() is None
    with pytest.raises(LibraryError, match=f"no paper with id {gone}"):
        session.keep()
    session.next()
    assert session.current() is not None
