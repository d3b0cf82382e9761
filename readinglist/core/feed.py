"""What other processes changed, read from the change journal with exact ids.

An open window keeps a feed: every second or so it asks for the entries written since its
last look by anyone but itself (the command line, another client of a shared library), and
refreshes exactly those papers, shelves, tags and digests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist.core.changes import Changes
from readinglist.core.indexing import journal_head, journal_pruned
from readinglist.store.models import PaperChange

if TYPE_CHECKING:
    from readinglist.core.transactions import Database


@dataclass(frozen=True, slots=True)
class News:
    """What others changed; ``reload``: the journal lost entries since the last look (a long
    sleep, a restored backup), so everything shown must be read again."""

    changes: Changes
    reload: bool = False


class ChangeFeed:
    """Reads the journal from a position on, leaving out what this process wrote itself."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.read() as session:
            self.position = journal_head(session)

    def poll(self) -> News | None:
        """Changes made elsewhere since the last poll, or None. One indexed query when idle."""
        with self.db.read() as session:
            head = journal_head(session)
            if head == self.position:
                return None
            if head < self.position or journal_pruned(session) > self.position:
                self.position = head  # the journal was replaced or pruned past us
                return News(Changes(journal=head), reload=True)
            rows = session.execute(
                select(PaperChange.seq, PaperChange.kind, PaperChange.paper_id).where(
                    PaperChange.seq > self.position, PaperChange.seq <= head
                )
            ).all()
        self.position = head
        entries = [(kind, item) for seq, kind, item in rows if not self.db.own(seq)]
        if not entries:
            return None
        return News(Changes.of(entries, head))


__all__ = ["ChangeFeed", "News"]
