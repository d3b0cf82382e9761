"""What importing (or previewing) files found and did: the reports every face shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from readinglist.core import NO_CHANGES, Changes


@dataclass
class FileReport:
    """What importing (or previewing) one file found and did.

    Counts describe what was committed: a file that failed part-way reports zeros, since
    its transaction rolled back whole.
    """

    path: str
    entries: int = 0
    new: int = 0
    duplicates: int = 0
    in_trash: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    already_imported: bool = False
    new_ids: list[int] = field(default_factory=list)
    paper_ids: list[int] = field(default_factory=list)
    format: str = ""  # "digest", "bundle", ... (what the file was read as)
    changes: Changes = field(default=NO_CHANGES, repr=False)
    # Preview only, for chain_previews(): the distinct title keys importing would add and the
    # file's fingerprint (None when the preview could not tell).
    new_keys: list[str] | None = field(default=None, repr=False)
    content_hash: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def reset(self) -> None:
        """Forget what a rolled-back attempt counted."""
        self.new = self.duplicates = self.in_trash = 0
        self.new_ids, self.paper_ids = [], []
        self.already_imported = False
        self.changes = NO_CHANGES

    def to_json(self) -> dict[str, Any]:
        """Public ``import --json`` shape: fields may be added, never renamed or dropped."""
        return {
            "path": self.path,
            "entries": self.entries,
            "new": self.new,
            "duplicates": self.duplicates,
            "error": self.error,
            "in_trash": self.in_trash,
            "warnings": list(self.warnings),
            "already_imported": self.already_imported,
            "format": self.format or None,
        }


@dataclass
class ImportResult:
    files: list[FileReport] = field(default_factory=list)
    cancelled: bool = False

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    @property
    def changes(self) -> Changes:
        """Everything the committed files changed."""
        out = NO_CHANGES
        for f in self.files:
            out = out | f.changes
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [f.to_json() for f in self.files],
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": len(self.failed),
            "cancelled": self.cancelled,
        }


__all__ = ["FileReport", "ImportResult"]
