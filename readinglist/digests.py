"""The digests a library has imported, and how they are named for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist.core import Resolver
from readinglist.records import DigestInfo
from readinglist.store.models import Digest

if TYPE_CHECKING:
    from readinglist.core import LibraryHandle


def list_digests(handle: LibraryHandle) -> list[DigestInfo]:
    """Imported digests, newest first, each with how many papers its view shows."""
    counts = Resolver(handle).digest_counts()
    with handle.read() as session:
        rows = session.scalars(
            select(Digest).order_by(Digest.date.desc().nulls_last(), Digest.imported_at.desc())
        )
        return [
            DigestInfo(
                d.id,
                d.file_name,
                d.date_label,
                d.date,
                d.imported_at,
                d.entry_count,
                counts.get(d.id, 0),
            )
            for d in rows
        ]


__all__ = ["list_digests"]
