"""Triage: going through new papers one at a time, deciding on each, undoing the last decision.

A session walks a fixed list of paper ids (the Inbox, or one digest's papers). Each
decision is one service call (one transaction); the session remembers what it changed so
that :meth:`TriageSession.undo` puts the paper back exactly as it was.

Space, X and R *decide* (keep, not interested, skimmed) and move on; S, 1-9 and T (star,
shelf, tag) act on the paper and stay on it, so several can be combined before deciding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist import papers as paper_service
from readinglist import tags as tag_service
from readinglist.core import NO_CHANGES, Changes
from readinglist.digest import title_key
from readinglist.digests import list_digests
from readinglist.errors import LibraryError, PaperNotFound
from readinglist.records import ReadStatus, ShelfKind, Triage
from readinglist.store.models import Shelf, ShelfItem

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from readinglist.core import LibraryHandle as Library
    from readinglist.records import DigestInfo, PaperRecord, ShelfInfo, Sighting
    from readinglist.shelves import Shelves

SHELF_KEYS = 9
"""Shelves reachable by the number keys 1-9: the first manual shelves in sidebar order."""

CHUNK = 100
"""Records are loaded this many at a time, from the paper being looked at onwards."""


class Action(StrEnum):
    KEEP = "keep"
    DISMISS = "dismiss"
    SKIM = "skim"
    STAR = "star"
    SHELF = "shelf"
    TAG = "tag"


DECIDING = frozenset({Action.KEEP, Action.DISMISS, Action.SKIM})
"""The actions that triage a paper (and move on); the others only act on it."""


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision and the paper's state before it: enough to undo it exactly."""

    action: Action
    paper_id: int
    index: int  # where the paper is in the session
    triage: Triage
    status: ReadStatus
    starred: bool
    shelf: str | None = None  # SHELF: the shelf's name, and its papers before, in order
    shelf_order: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()  # TAG: the tags this decision added to the paper
    new_tags: tuple[str, ...] = ()  # ... and those of them the library did not have before


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the session stands: "12 of 76, 9 kept"."""

    position: int  # 1-based number of the paper shown; total when past the end
    total: int
    triaged: int  # papers kept, dismissed or skimmed in this session
    kept: int  # of those, kept (skimmed ones included: they are kept too)
    dismissed: int
    skimmed: int
    starred: int  # papers acted on in this session that are starred now

    @property
    def text(self) -> str:
        return f"{self.position} of {self.total}, {self.kept} kept"

    @property
    def finished(self) -> bool:
        """Every paper of the session has been triaged."""
        return self.triaged >= self.total


@dataclass
class _DigestOrder:
    """Digests from earliest to latest: by their date, then by when they were imported."""

    rank: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, library: Library) -> _DigestOrder:
        ordered = sorted(list_digests(library), key=_digest_key)
        return cls({d.id: n for n, d in enumerate(ordered)})

    def __call__(self, digest_id: int) -> int:
        return self.rank.get(digest_id, -1)


class TriageSession:
    """A pass over ``paper_ids``: the paper shown, decisions on it, undo, progress.

    ``digest_id`` names the digest being triaged ("seen before" then means: in a digest
    earlier than this one); without it (the Inbox) a paper seen in more than one digest
    counts as seen before. Decisions act on the paper shown and raise LibraryError when
    the library refuses them (the paper was deleted meanwhile, a shelf renamed...).
    """

    def __init__(
        self,
        library: Library,
        shelves: Shelves,
        paper_ids: Sequence[int],
        *,
        digest_id: int | None = None,
    ) -> None:
        self.library = library
        self.shelves = shelves
        self.ids: list[int] = list(dict.fromkeys(paper_ids))
        self._positions = {paper_id: n for n, paper_id in enumerate(self.ids)}
        self.digest_id = digest_id
        self.index = 0
        self.last: Changes = NO_CHANGES  # what the last decision or undo changed
        self._records: dict[int, PaperRecord] = {}
        self._gone: set[int] = set()
        self._history: list[Decision] = []
        self._order = _DigestOrder.of(library)
        self._shelf_keys: list[ShelfInfo] = []
        self.reload_shelves()

    # -- the paper shown and moving about -------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def at_end(self) -> bool:
        """Past the last paper: the "all done" screen."""
        return self.index >= len(self.ids)

    @property
    def current_id(self) -> int | None:
        return None if self.at_end else self.ids[self.index]

    def current(self) -> PaperRecord | None:
        """The paper shown, freshly read (None at the end, or if it was deleted meanwhile)."""
        paper_id = self.current_id
        if paper_id is None:
            return None
        try:
            return self._fresh(paper_id)
        except PaperNotFound:
            return None

    def record(self, paper_id: int) -> PaperRecord | None:
        """A paper of the session as last read (loaded in chunks when first asked for)."""
        if paper_id not in self._records and paper_id not in self._gone:
            at = self._positions.get(paper_id)
            if at is None:
                self._load([paper_id])
            else:
                self._load([i for i in self.ids[at : at + CHUNK] if i not in self._records])
        return self._records.get(paper_id)

    def go_to(self, index: int) -> None:
        """Show the paper at ``index`` (clamped; ``total`` is the end screen)."""
        self.index = max(0, min(index, len(self.ids)))

    def next(self) -> None:
        self.go_to(self.index + 1)

    def previous(self) -> None:
        self.go_to(self.index - 1)

    def skip_seen(self) -> int:
        """Go to the next paper not seen before (or to the end); returns how many were passed."""
        start = self.index
        at = self.index + 1
        while at < len(self.ids):
            record = self.record(self.ids[at])
            if record is not None and not self._seen_before(record):
                break
            at += 1
        self.go_to(at)
        return max(0, at - start - 1)

    # -- seen before ------------------------------------------------------------------------

    def seen_before(self, paper_id: int) -> tuple[Sighting, ...]:
        """The earlier digests the paper was seen in (one sighting each, earliest first)."""
        record = self.record(paper_id)
        return self._seen_before(record) if record is not None else ()

    def _seen_before(self, record: PaperRecord) -> tuple[Sighting, ...]:
        by_digest: dict[int, Sighting] = {}
        for s in record.digests:
            by_digest.setdefault(s.digest_id, s)
        if self.digest_id is not None:
            here = self._order(self.digest_id)
            earlier = [
                s for d, s in by_digest.items() if d != self.digest_id and self._order(d) < here
            ]
        else:
            if len(by_digest) < 2:
                return ()
            latest = max(by_digest, key=self._order)
            earlier = [s for d, s in by_digest.items() if d != latest]
        return tuple(sorted(earlier, key=lambda s: self._order(s.digest_id)))

    # -- shelves on the number keys ---------------------------------------------------------

    def reload_shelves(self) -> list[ShelfInfo]:
        """Read the shelves again (after a rename or a new shelf); returns the keyed ones."""
        manual = [s for s in self.shelves.list() if s.kind is ShelfKind.MANUAL]
        self._shelf_keys = manual[:SHELF_KEYS]
        return list(self._shelf_keys)

    @property
    def shelf_keys(self) -> list[ShelfInfo]:
        """The shelves on keys 1-9, in order (key N is ``shelf_keys[N - 1]``)."""
        return list(self._shelf_keys)

    # -- decisions ---------------------------------------------------------------------------

    def keep(self) -> Decision:
        """Triaged and kept: stays unread on the to-read pile; moves on."""
        return self._decide(Action.KEEP, Triage.KEPT, None)

    def dismiss(self) -> Decision:
        """Not interested: hidden from the usual views, still searchable; moves on."""
        return self._decide(Action.DISMISS, Triage.DISMISSED, None)

    def skim(self) -> Decision:
        """Marked skimmed (and kept); moves on."""
        return self._decide(Action.SKIM, Triage.KEPT, ReadStatus.SKIMMED)

    def toggle_star(self) -> Decision:
        before = self._before()
        self.last = paper_service.set_starred(self.library, [before.id], not before.starred)
        return self._push(Action.STAR, before)

    def add_to_shelf(self, key: int) -> Decision | None:
        """Put the paper on the shelf of number key ``key`` (1-9).

        None when the paper is on that shelf already (it keeps its place there).
        """
        if not 1 <= key <= len(self._shelf_keys):
            raise LibraryError(f"no shelf on key {key}")
        name = self._shelf_keys[key - 1].name
        before = self._before()
        order = self._shelf_order(name)
        if before.id in order:
            return None
        self.last = self.shelves.add(name, [before.id]).changes
        return self._push(Action.SHELF, before, shelf=name, shelf_order=tuple(order))

    def add_tags(self, names: Iterable[str]) -> Decision | None:
        """Tag the paper (tags are created as needed); None when it had them all already."""
        before = self._before()
        wanted: dict[str, str] = {}
        for raw in names:
            name = " ".join(raw.split())
            if name:
                wanted.setdefault(title_key(name), name)
        have = {title_key(t) for t in before.tags}
        added = [n for k, n in wanted.items() if k not in have]
        if not added:
            return None
        known = {title_key(t.name) for t in tag_service.list_tags(self.library)}
        self.last = tag_service.add_tags(self.library, [before.id], added)
        return self._push(
            Action.TAG,
            before,
            tags=tuple(added),
            new_tags=tuple(n for n in added if title_key(n) not in known),
        )

    def _decide(self, action: Action, triage: Triage, status: ReadStatus | None) -> Decision:
        before = self._before()
        self.last = paper_service.set_triage(self.library, [before.id], triage, status=status)
        decision = self._push(action, before)
        self.next()
        return decision

    def _before(self) -> PaperRecord:
        paper_id = self.current_id
        if paper_id is None:
            raise LibraryError("no paper to decide on: the list is done")
        return self._fresh(paper_id)

    def _push(
        self,
        action: Action,
        before: PaperRecord,
        *,
        shelf: str | None = None,
        shelf_order: tuple[int, ...] = (),
        tags: tuple[str, ...] = (),
        new_tags: tuple[str, ...] = (),
    ) -> Decision:
        decision = Decision(
            action=action,
            paper_id=before.id,
            index=self.index,
            triage=before.triage,
            status=before.read_status,
            starred=before.starred,
            shelf=shelf,
            shelf_order=shelf_order,
            tags=tags,
            new_tags=new_tags,
        )
        self._history.append(decision)
        self._refresh(before.id)
        return decision

    # -- undo --------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    @property
    def last_decision(self) -> Decision | None:
        return self._history[-1] if self._history else None

    def undo(self) -> Decision | None:
        """Revert the last decision exactly and show its paper again; None if there is none.

        If the library refuses (the paper was deleted meanwhile), LibraryError is raised
        and the decision stays the last one.
        """
        if not self._history:
            return None
        d = self._history[-1]
        if d.action in DECIDING:
            self.last = paper_service.set_triage(
                self.library, [d.paper_id], d.triage, status=d.status
            )
        elif d.action is Action.STAR:
            self.last = paper_service.set_starred(self.library, [d.paper_id], d.starred)
        elif d.action is Action.SHELF:
            assert d.shelf is not None
            self.last = self.shelves.restore_order(d.shelf, d.shelf_order)
        else:
            self.last = tag_service.remove_tags(self.library, [d.paper_id], d.tags)
            self.last = self.last | self._drop_unused_tags(d.new_tags)
        self._history.pop()
        self._refresh(d.paper_id)
        self.go_to(d.index)
        return d

    def _drop_unused_tags(self, names: Sequence[str]) -> Changes:
        """Tags the undone decision created are deleted again, unless used meanwhile (by
        any paper: dismissed and trashed ones too)."""
        done = NO_CHANGES
        for name in names:
            if not tag_service.in_use(self.library, name):
                done = done | tag_service.delete(self.library, name)
        return done

    # -- progress -----------------------------------------------------------------------------

    def decisions(self) -> list[Decision]:
        """This session's decisions still in effect, oldest first."""
        return list(self._history)

    def triaged(self) -> dict[int, Action]:
        """Papers kept, dismissed or skimmed in this session, with their latest decision."""
        out: dict[int, Action] = {}
        for d in self._history:
            if d.action in DECIDING:
                out[d.paper_id] = d.action
        return out

    def touched_ids(self) -> list[int]:
        """Papers with a decision (of any kind) still in effect, in the order first acted on."""
        return list(dict.fromkeys(d.paper_id for d in self._history))

    def progress(self) -> Progress:
        decided = self.triaged()
        starred = 0
        for paper_id in self.touched_ids():
            record = self._records.get(paper_id)
            starred += bool(record is not None and record.starred)
        actions = list(decided.values())
        return Progress(
            position=min(self.index + 1, len(self.ids)),
            total=len(self.ids),
            triaged=len(decided),
            kept=sum(a is not Action.DISMISS for a in actions),
            dismissed=actions.count(Action.DISMISS),
            skimmed=actions.count(Action.SKIM),
            starred=starred,
        )

    # -- reading ------------------------------------------------------------------------------

    def _load(self, ids: Sequence[int]) -> None:
        records = {r.id: r for r in paper_service.records(self.library, ids)}
        self._records.update(records)
        self._gone.update(i for i in ids if i not in records)

    def _fresh(self, paper_id: int) -> PaperRecord:
        record = paper_service.record(self.library, paper_id)  # raises PaperNotFound
        self._records[paper_id] = record
        self._gone.discard(paper_id)
        return record

    def _refresh(self, paper_id: int) -> None:
        try:
            self._fresh(paper_id)
        except PaperNotFound:
            self._records.pop(paper_id, None)
            self._gone.add(paper_id)

    def _shelf_order(self, name: str) -> list[int]:
        """A shelf's papers in order, those in the Trash included (undo must keep them)."""
        with self.library.read() as session:
            return list(
                session.scalars(
                    select(ShelfItem.paper_id)
                    .join(Shelf, Shelf.id == ShelfItem.shelf_id)
                    .where(Shelf.name_key == title_key(name))
                    .order_by(ShelfItem.position)
                )
            )


def _digest_key(d: DigestInfo) -> tuple[dt.date, dt.datetime, int]:
    return (d.date or d.imported_at.date(), d.imported_at, d.id)


def digest_name(sighting: Sighting) -> str:
    """How a digest is named to people: its date label (with the year) or its file name."""
    if sighting.date_label:
        year = f", {sighting.date.year}" if sighting.date is not None else ""
        return f"{sighting.date_label}{year} ({sighting.file_name})"
    return sighting.file_name


__all__ = [
    "DECIDING",
    "SHELF_KEYS",
    "Action",
    "Decision",
    "Progress",
    "TriageSession",
    "digest_name",
]
