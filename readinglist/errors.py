"""What the services raise when a user's request cannot be done; every face shows the message.

Kept at the bottom of the package so that every layer can raise and catch them without
importing the services that usually do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt


class LibraryError(Exception):
    """An operation the user asked for cannot be done; the message says why."""


class PaperNotFound(LibraryError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id


class ShelfNotFound(LibraryError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no shelf named {name!r}")
        self.name = name


class EditConflict(LibraryError):
    """Someone else saved this first: the edit was not applied; reload and redo it."""

    def __init__(self, what: str, author: str | None, when: dt.datetime | None) -> None:
        who = author or "someone else"
        at = f" at {when:%Y-%m-%d %H:%M} UTC" if when is not None else ""
        super().__init__(f"{what} was changed by {who}{at} since you opened it")
        self.author = author
        self.when = when


class LibraryBusy(LibraryError):
    """Another program held the library's write lock for longer than we wait."""


class LibraryWriteError(LibraryError):
    """The database refused a write (a full disk, an I/O error, a read-only file); the
    transaction rolled back whole, so nothing of the change was written."""


__all__ = [
    "EditConflict",
    "LibraryBusy",
    "LibraryError",
    "LibraryWriteError",
    "PaperNotFound",
    "ShelfNotFound",
]
