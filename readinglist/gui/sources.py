"""What a list view can show: the sidebar's entries as plain values, and their paper filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from readinglist.library import PaperFilter
from readinglist.records import ReadStatus, Triage

RECENT_DAYS = 7
"""How far back "Recently imported" reaches."""


class SourceKind(StrEnum):
    ALL = "all"
    INBOX = "inbox"
    STARRED = "starred"
    STATUS = "status"
    RECENT = "recent"
    TRASH = "trash"
    SHELF = "shelf"
    TAG = "tag"
    DIGEST = "digest"


@dataclass(frozen=True, slots=True)
class Source:
    """One sidebar entry: ``key`` is the status, shelf name, tag name or digest id."""

    kind: SourceKind
    key: str | int | None = None

    def paper_filter(self, *, now: dt.datetime | None = None) -> PaperFilter:
        """The filter for this source. Dismissed papers are left out of the usual views."""
        usual = False  # include_dismissed
        match self.kind:
            case SourceKind.ALL:
                return PaperFilter(include_dismissed=usual)
            case SourceKind.INBOX:
                return PaperFilter(triage=Triage.NEW)
            case SourceKind.STARRED:
                return PaperFilter(starred=True, include_dismissed=usual)
            case SourceKind.STATUS:
                return PaperFilter(status=ReadStatus(str(self.key)), include_dismissed=usual)
            case SourceKind.RECENT:
                since = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=RECENT_DAYS)
                return PaperFilter(added_since=since)
            case SourceKind.TRASH:
                return PaperFilter(trashed=True)
            case SourceKind.SHELF:
                return PaperFilter(shelf=str(self.key))
            case SourceKind.TAG:
                return PaperFilter(tag=str(self.key), include_dismissed=usual)
            case SourceKind.DIGEST:
                return PaperFilter(digest_id=int(self.key or 0))
        raise AssertionError(self.kind)  # pragma: no cover - every kind is matched above

    def to_setting(self) -> str:
        """A string to remember the last source by (QSettings)."""
        return f"{self.kind}:{'' if self.key is None else self.key}"

    @classmethod
    def from_setting(cls, text: str) -> Source | None:
        kind, _, key = text.partition(":")
        try:
            k = SourceKind(kind)
        except ValueError:
            return None
        if k == SourceKind.DIGEST:
            return cls(k, int(key)) if key.isdigit() else None
        return cls(k, key or None)


ALL_PAPERS = Source(SourceKind.ALL)
INBOX = Source(SourceKind.INBOX)
STARRED = Source(SourceKind.STARRED)
RECENT = Source(SourceKind.RECENT)
TRASH = Source(SourceKind.TRASH)


def status_source(status: ReadStatus) -> Source:
    return Source(SourceKind.STATUS, status.value)
