"""Reading statistics: imports per digest and week, the backlog over time, shelf ages, tags.

Everything is computed from the library as it is now; there is no status history. The
backlog over time is therefore an approximation, documented here and in ``--help``:

- a paper joins the backlog (as *unread*) in the week it was added to the library;
- a paper that is *skimmed* or *read* now is counted as unread until the week of its last
  edit (``updated_at``), and with its current status from then on. Any later edit (a tag,
  a note, a star) moves that week later, so reading is dated no earlier than it happened;
- the backlog leaves out papers in the Trash and papers dismissed in triage ("not
  interested"): they are not waiting to be read.

Papers added per week count every paper still in the database, the Trash included (they
were imported); papers deleted for good when the Trash was emptied are gone from all figures.
Weeks start on Monday, in the local time zone unless the caller gives another.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from readinglist.core import Resolver, Scope
from readinglist.records import ReadStatus, Triage
from readinglist.store.models import Digest, Paper, PaperTag, Shelf, Sighting, Tag

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

    from readinglist.core import LibraryHandle

DEFAULT_TOP = 10
_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class DigestStat:
    """One imported digest: how many entries, papers, and papers new to the library."""

    digest_id: int
    file_name: str
    date: dt.date | None
    date_label: str | None
    imported_at: dt.datetime
    entries: int
    papers: int
    new_papers: int  # first seen in this digest (the others were already in the library)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.digest_id,
            "file_name": self.file_name,
            "date": self.date.isoformat() if self.date else None,
            "date_label": self.date_label,
            "imported_at": self.imported_at.isoformat(),
            "entries": self.entries,
            "papers": self.papers,
            "new_papers": self.new_papers,
        }


@dataclass(frozen=True, slots=True)
class WeekStat:
    """One week: papers added, and the backlog by read status at the end of the week."""

    week: dt.date  # the Monday that starts it
    added: int
    unread: int
    skimmed: int
    read: int

    def to_json(self) -> dict[str, Any]:
        return {
            "week": self.week.isoformat(),
            "added": self.added,
            "unread": self.unread,
            "skimmed": self.skimmed,
            "read": self.read,
        }


@dataclass(frozen=True, slots=True)
class AgeStat:
    """How long the unread papers of a shelf (or of the whole library) have been waiting."""

    name: str
    kind: str  # "library", "manual" or "smart"
    papers: int
    unread: int
    median_days: float | None  # None when nothing is unread
    max_days: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "papers": self.papers,
            "unread": self.unread,
            "median_days": self.median_days,
            "max_days": self.max_days,
        }


@dataclass(frozen=True, slots=True)
class TagStat:
    name: str
    color: str | None
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "color": self.color, "count": self.count}


@dataclass(frozen=True, slots=True)
class SeenStat:
    """A paper that came up in several digests."""

    paper_id: int
    title: str
    seen: int  # distinct digests
    read_status: ReadStatus

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.paper_id,
            "title": self.title,
            "seen_count": self.seen,
            "read_status": str(self.read_status),
        }


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """Every figure of ``readinglist stats`` and the Statistics window."""

    generated_at: dt.datetime
    papers: int  # not in the Trash
    by_status: dict[str, int]  # papers not in the Trash, dismissed ones included
    dismissed: int
    trashed: int
    digests: tuple[DigestStat, ...]  # oldest first
    weeks: tuple[WeekStat, ...]  # every week from the first paper's to this one
    unread_age: AgeStat  # the whole library's backlog
    shelves: tuple[AgeStat, ...]  # in sidebar order
    top_tags: tuple[TagStat, ...]
    most_seen: tuple[SeenStat, ...]

    @property
    def backlog(self) -> int:
        """Papers waiting to be read now: unread, not dismissed, not in the Trash."""
        return self.weeks[-1].unread if self.weeks else 0

    def backlog_change(self, weeks: int = 4) -> int:
        """How much the unread backlog grew (positive) or shrank over the last ``weeks``."""
        if not self.weeks:
            return 0
        before = self.weeks[-weeks - 1].unread if len(self.weeks) > weeks else 0
        return self.weeks[-1].unread - before

    def to_json(self) -> dict[str, Any]:
        """The public ``stats --json`` shape: fields may be added, never renamed or dropped."""
        return {
            "generated_at": self.generated_at.isoformat(),
            "papers": self.papers,
            "by_status": dict(self.by_status),
            "dismissed": self.dismissed,
            "trashed": self.trashed,
            "backlog": self.backlog,
            "backlog_change_4_weeks": self.backlog_change(4),
            "digests": [d.to_json() for d in self.digests],
            "weeks": [w.to_json() for w in self.weeks],
            "unread_age": self.unread_age.to_json(),
            "shelves": [s.to_json() for s in self.shelves],
            "top_tags": [t.to_json() for t in self.top_tags],
            "most_seen": [m.to_json() for m in self.most_seen],
        }


def compute(
    library: LibraryHandle,
    *,
    now: dt.datetime | None = None,
    tz: dt.tzinfo | None = None,
    top: int = DEFAULT_TOP,
) -> LibraryStats:
    """All the statistics, in a handful of queries (fine for 100,000 papers).

    ``now`` and ``tz`` pin the clock and the week boundaries (tests); by default the
    current time and the local time zone.
    """
    now = _aware(now or dt.datetime.now(dt.UTC))
    zone = tz or now.astimezone().tzinfo or dt.UTC
    with library.read() as session:
        rows = session.execute(
            select(
                Paper.id,
                Paper.added_at,
                Paper.updated_at,
                Paper.read_status,
                Paper.triage,
                Paper.deleted_at,
            )
        ).all()
        papers = [_PaperRow(*r) for r in rows]
        digests = _digests(session)
        top_tags = _top_tags(session, top)
        most_seen = _most_seen(session, top)
        shelf_rows = [
            (s.name, s.kind)
            for s in session.scalars(select(Shelf).order_by(Shelf.position, Shelf.id))
        ]
    live = [p for p in papers if p.deleted_at is None]
    status_counts = Counter(p.read_status for p in live)
    waiting = {p.id: p for p in live if p.read_status == ReadStatus.UNREAD.value}
    live_ids = {p.id for p in live}
    shelves = []
    resolver = Resolver(library)
    for name, kind in shelf_rows:
        # The shelf's papers as its view shows them (the scope resolver's answer).
        members = resolver.resolve(Scope.shelf(name)).ids
        on_shelf = [i for i in members if i in live_ids]
        unread = [waiting[i] for i in on_shelf if i in waiting]
        shelves.append(_age(name, kind, len(on_shelf), unread, now))
    backlog_papers = [p for p in live if p.triage != Triage.DISMISSED.value]
    return LibraryStats(
        generated_at=now,
        papers=len(live),
        by_status={s.value: status_counts.get(s.value, 0) for s in ReadStatus},
        dismissed=sum(1 for p in live if p.triage == Triage.DISMISSED.value),
        trashed=len(papers) - len(live),
        digests=tuple(digests),
        weeks=tuple(_weeks(papers, backlog_papers, now, zone)),
        unread_age=_age(
            "All papers",
            "library",
            len(backlog_papers),
            [p for p in backlog_papers if p.read_status == ReadStatus.UNREAD.value],
            now,
        ),
        shelves=tuple(shelves),
        top_tags=tuple(top_tags),
        most_seen=tuple(most_seen),
    )


@dataclass(frozen=True, slots=True)
class _PaperRow:
    id: int
    added_at: dt.datetime
    updated_at: dt.datetime
    read_status: str
    triage: str
    deleted_at: dt.datetime | None


def _aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; the store writes them in UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _week_of(when: dt.datetime, zone: dt.tzinfo) -> dt.date:
    day = _aware(when).astimezone(zone).date()
    return day - dt.timedelta(days=day.weekday())


def _weeks(
    papers: Sequence[_PaperRow],
    backlog: Sequence[_PaperRow],
    now: dt.datetime,
    zone: dt.tzinfo,
) -> list[WeekStat]:
    """Weekly additions plus the backlog at each week's end, from events in O(papers + weeks)."""
    if not papers:
        return []
    added = Counter(_week_of(p.added_at, zone) for p in papers)
    # Change of each status's count, by week: +1 when a paper enters it, -1 when it leaves.
    delta: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for p in backlog:
        joined = _week_of(p.added_at, zone)
        if p.read_status == ReadStatus.UNREAD.value:
            delta[joined][ReadStatus.UNREAD.value] += 1
            continue
        changed = max(joined, _week_of(p.updated_at, zone))
        if changed > joined:
            delta[joined][ReadStatus.UNREAD.value] += 1
            delta[changed][ReadStatus.UNREAD.value] -= 1
        delta[changed][p.read_status] += 1
    first = min(added)
    last = max(_week_of(now, zone), *added, *delta)
    running: Counter[str] = Counter()
    out = []
    week = first
    while week <= last:
        running.update(delta.get(week, Counter()))
        out.append(
            WeekStat(
                week=week,
                added=added.get(week, 0),
                unread=running[ReadStatus.UNREAD.value],
                skimmed=running[ReadStatus.SKIMMED.value],
                read=running[ReadStatus.READ.value],
            )
        )
        week += dt.timedelta(days=7)
    return out


def _age(
    name: str, kind: str, papers: int, unread: Iterable[_PaperRow], now: dt.datetime
) -> AgeStat:
    days = [max(0.0, (now - _aware(p.added_at)).total_seconds() / _DAY) for p in unread]
    return AgeStat(
        name=name,
        kind=kind,
        papers=papers,
        unread=len(days),
        median_days=round(statistics.median(days), 1) if days else None,
        max_days=round(max(days), 1) if days else None,
    )


def _digests(session: Session) -> list[DigestStat]:
    first_seen = (
        select(Sighting.paper_id, func.min(Sighting.id).label("first_id"))
        .group_by(Sighting.paper_id)
        .subquery()
    )
    new_count = dict(
        session.execute(
            select(Sighting.digest_id, func.count())
            .join(first_seen, first_seen.c.first_id == Sighting.id)
            .group_by(Sighting.digest_id)
        ).all()
    )
    paper_count = dict(
        session.execute(
            select(Sighting.digest_id, func.count(func.distinct(Sighting.paper_id))).group_by(
                Sighting.digest_id
            )
        ).all()
    )
    digests = sorted(
        session.scalars(select(Digest)),
        key=lambda d: (d.date or _aware(d.imported_at).date(), _aware(d.imported_at), d.id),
    )
    return [
        DigestStat(
            digest_id=d.id,
            file_name=d.file_name,
            date=d.date,
            date_label=d.date_label,
            imported_at=_aware(d.imported_at),
            entries=d.entry_count,
            papers=paper_count.get(d.id, 0),
            new_papers=new_count.get(d.id, 0),
        )
        for d in digests
    ]


def _top_tags(session: Session, top: int) -> list[TagStat]:
    count = func.count(PaperTag.paper_id)
    rows = session.execute(
        select(Tag.name, Tag.color, count)
        .join(PaperTag, PaperTag.tag_id == Tag.id)
        .join(Paper, Paper.id == PaperTag.paper_id)
        .where(Paper.deleted_at.is_(None))
        .group_by(Tag.id, Tag.name, Tag.color, Tag.name_key)
        .order_by(count.desc(), Tag.name_key)
        .limit(top)
    )
    return [TagStat(name, color, n) for name, color, n in rows]


def _most_seen(session: Session, top: int) -> list[SeenStat]:
    seen = func.count(func.distinct(Sighting.digest_id))
    rows = session.execute(
        select(Paper.id, Paper.title, Paper.read_status, seen)
        .join(Sighting, Sighting.paper_id == Paper.id)
        .where(Paper.deleted_at.is_(None))
        .group_by(Paper.id, Paper.title, Paper.read_status)
        .having(seen > 1)
        .order_by(seen.desc(), Paper.id)
        .limit(top)
    )
    return [SeenStat(i, title, n, ReadStatus(status)) for i, title, status, n in rows]


__all__ = [
    "AgeStat",
    "DigestStat",
    "LibraryStats",
    "SeenStat",
    "TagStat",
    "WeekStat",
    "compute",
]
