"""The sidebar's fixed views, as scopes (readinglist.core.scopes says what each one means)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readinglist.core import Scope

if TYPE_CHECKING:
    from readinglist.records import ReadStatus

ALL_PAPERS = Scope.all()
INBOX = Scope.inbox()
STARRED = Scope.starred()
RECENT = Scope.recent()
TRASH = Scope.trash()
DISMISSED = Scope.dismissed()


def status_source(status: ReadStatus) -> Scope:
    return Scope.status(status)


__all__ = ["ALL_PAPERS", "DISMISSED", "INBOX", "RECENT", "STARRED", "TRASH", "status_source"]
