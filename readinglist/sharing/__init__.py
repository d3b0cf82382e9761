"""Shared libraries: moving a whole library between SQLite and PostgreSQL."""

from readinglist.sharing.copying import CopyReport, copy_library

__all__ = ["CopyReport", "copy_library"]
