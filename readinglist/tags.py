"""Tags: putting them on papers and taking them off, and the tags themselves.

Tag names are unique regardless of case and Unicode spelling (their key is the title key).
Each edit is one transaction and returns the Changes it made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist import textlimits
from readinglist.core import Changes, Resolver, retry_conflicts
from readinglist.digest import title_key
from readinglist.errors import LibraryError
from readinglist.papers import for_edit
from readinglist.records import TagInfo
from readinglist.store.models import PaperTag, Tag, utcnow

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

    from readinglist.core import LibraryHandle

MAX_TAG_LENGTH = textlimits.TAG.max_length


def key(name: str) -> str:
    return title_key(name)


def clean(names: Iterable[str]) -> list[str]:
    """Tag names as stored: whitespace collapsed, duplicates (by key) dropped, checked."""
    out: dict[str, str] = {}
    for raw in names:
        try:
            name = textlimits.fit(raw, textlimits.TAG)
        except textlimits.TooLong as err:
            raise LibraryError(str(err)) from err
        if not name:
            continue
        if "," in name:
            raise LibraryError(f"tag {name!r}: commas separate tags and cannot be part of one")
        out.setdefault(key(name), name)
    return list(out.values())


def find(session: Session, name: str) -> Tag | None:
    return session.scalar(select(Tag).where(Tag.name_key == key(name)))


def get_or_create(session: Session, name: str, *, color: str | None = None) -> Tag:
    """The tag named ``name``, created when the library has none (every entrance uses this:
    the tag editor, the command line, imports of bundles and reference files)."""
    tag = find(session, name)
    if tag is None:
        tag = Tag(name=name, name_key=key(name), color=color)
        session.add(tag)
        session.flush()
    elif tag.color is None and color:
        tag.color = color
    return tag


def in_use(handle: LibraryHandle, name: str) -> bool:
    """Whether any paper carries the tag (dismissed and trashed papers too)."""
    with handle.read() as session:
        tag = find(session, name)
        return (
            tag is not None
            and session.scalar(select(PaperTag.paper_id).where(PaperTag.tag_id == tag.id).limit(1))
            is not None
        )


def list_tags(handle: LibraryHandle) -> list[TagInfo]:
    """Every tag with how many papers its view shows (see readinglist.core.scopes)."""
    counts = Resolver(handle).tag_counts()
    with handle.read() as session:
        rows = session.scalars(select(Tag).order_by(Tag.name_key))
        return [TagInfo(t.id, t.name, t.color, counts.get(t.id, 0)) for t in rows]


@retry_conflicts
def add_tags(handle: LibraryHandle, ids: Iterable[int], names: Iterable[str]) -> Changes:
    """Tag papers, creating tags as needed."""
    with handle.write() as tx:
        papers = for_edit(tx, ids)
        tags = [get_or_create(tx.session, n) for n in clean(names)]
        for p in papers:
            have = {t.id for t in p.tags}
            added = [t for t in tags if t.id not in have]
            if added:
                p.tags.extend(added)
                p.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def remove_tags(handle: LibraryHandle, ids: Iterable[int], names: Iterable[str]) -> Changes:
    with handle.write() as tx:
        papers = for_edit(tx, ids)
        keys = {key(n) for n in clean(names)}
        for p in papers:
            kept = [t for t in p.tags if t.name_key not in keys]
            if len(kept) != len(p.tags):
                p.tags = kept
                p.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def set_tags(
    handle: LibraryHandle,
    paper_id: int,
    names: Iterable[str],
    *,
    was: Iterable[str] | None = None,
) -> Changes:
    """Make the paper's tags exactly ``names`` (the tag editor's save).

    With ``was`` (the tags the editor started from) only the difference is applied, so
    a tag a colleague added or removed meanwhile on a shared library stays that way.
    """
    with handle.write() as tx:
        (paper,) = for_edit(tx, [paper_id])
        wanted = [get_or_create(tx.session, n) for n in clean(names)]
        if was is None:
            new = wanted
        else:
            dropped = {key(n) for n in clean(was)} - {t.name_key for t in wanted}
            kept = [t for t in paper.tags if t.name_key not in dropped]
            have = {t.id for t in kept}
            new = kept + [t for t in wanted if t.id not in have]
        if [t.id for t in new] != [t.id for t in paper.tags]:
            paper.tags = new
            paper.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def set_color(handle: LibraryHandle, name: str, color: str | None) -> Changes:
    with handle.write() as tx:
        tag = find(tx.session, name)
        if tag is None:
            raise LibraryError(f"no tag named {name!r}")
        tag.color = color
    return tx.changes


@retry_conflicts
def rename(handle: LibraryHandle, old: str, new: str) -> Changes:
    (new,) = clean([new]) or [""]
    if not new:
        raise LibraryError("a tag needs a name")
    with handle.write() as tx:
        tag = find(tx.session, old)
        if tag is None:
            raise LibraryError(f"no tag named {old!r}")
        clash = find(tx.session, new)
        if clash is not None and clash.id != tag.id:
            raise LibraryError(f"a tag named {clash.name!r} already exists")
        tag.name, tag.name_key = new, key(new)
        tx.touch(*(p.id for p in tag.papers))  # their records and index entries change
    return tx.changes


@retry_conflicts
def delete(handle: LibraryHandle, name: str) -> Changes:
    with handle.write() as tx:
        tag = find(tx.session, name)
        if tag is None:
            raise LibraryError(f"no tag named {name!r}")
        tx.touch(*(p.id for p in tag.papers))  # the database removes it from them (cascade)
        tx.session.delete(tag)
    return tx.changes


__all__ = [
    "MAX_TAG_LENGTH",
    "add_tags",
    "clean",
    "delete",
    "find",
    "get_or_create",
    "in_use",
    "key",
    "list_tags",
    "remove_tags",
    "rename",
    "set_color",
    "set_tags",
]
