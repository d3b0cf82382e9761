"""The library's tables as typed SQLAlchemy 2.x models; portable to SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


AUTHOR_LENGTH = 200
"""Longest author name kept (a user name, or what READINGLIST_AUTHOR says)."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Moments in UTC, always read back with their offset.

    SQLite keeps no time zone with a value and hands back naive datetimes; everything the
    library writes is UTC, so reading attaches UTC and writing converts to it. Every layer
    above (records, JSON, statistics) then sees aware moments on both databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 (SQLAlchemy's documented class attribute)
        dt.datetime: UTCDateTime(),
        str: Text,
    }


class Paper(Base):
    __tablename__ = "papers"
    __table_args__ = (
        CheckConstraint("read_status IN ('unread', 'skimmed', 'read')", name="read_status"),
        CheckConstraint("triage IN ('new', 'kept', 'dismissed')", name="triage"),
        Index("ix_papers_added_at", "added_at"),
        Index("ix_papers_triage", "triage", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    # Dedup key: NFKC, case-folded, whitespace collapsed (readinglist.digest.title_key).
    title_key: Mapped[str] = mapped_column(String(2000), unique=True)
    abstract: Mapped[str] = mapped_column(default="")
    authors_count: Mapped[int | None]
    # Full names in the source's order ("Ada Lovelace"), when a source names them.
    authors: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Without version ("2403.01234", "hep-th/9901001"): an identity beside the title key.
    arxiv_id: Mapped[str | None] = mapped_column(String(64), index=True)
    organization: Mapped[str | None]
    published: Mapped[dt.date | None] = mapped_column(Date)
    year_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    upvotes: Mapped[int | None]
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    starred: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    read_status: Mapped[str] = mapped_column(String(16), default="unread", index=True)
    triage: Mapped[str] = mapped_column(String(16), default="new")
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Trash: a trashed paper keeps its tags, notes and shelf places until the trash is emptied.
    deleted_at: Mapped[dt.datetime | None]
    # Who made the last change (Library.author); filled in by the library on every write.
    updated_by: Mapped[str | None] = mapped_column(String(AUTHOR_LENGTH))

    tags: Mapped[list[Tag]] = relationship(
        secondary="paper_tags", back_populates="papers", order_by="Tag.name"
    )
    note: Mapped[Note | None] = relationship(
        back_populates="paper", cascade="all, delete-orphan", passive_deletes=True
    )
    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="paper",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Sighting.id",
    )
    shelf_items: Mapped[list[ShelfItem]] = relationship(
        back_populates="paper", cascade="all, delete-orphan", passive_deletes=True
    )


class Digest(Base):
    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str]
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    date_label: Mapped[str | None] = mapped_column(String(32))
    date: Mapped[dt.date | None] = mapped_column(Date)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    entry_count: Mapped[int]

    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="digest", cascade="all, delete-orphan", passive_deletes=True
    )


class Sighting(Base):
    """A paper seen in a digest at a position: provenance, never merged away."""

    __tablename__ = "sightings"
    __table_args__ = (
        UniqueConstraint("digest_id", "position", name="uq_sightings_digest_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    position: Mapped[int]
    upvotes: Mapped[int | None]

    paper: Mapped[Paper] = relationship(back_populates="sightings")
    digest: Mapped[Digest] = relationship(back_populates="sightings")


class PaperTag(Base):
    __tablename__ = "paper_tags"

    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Case-insensitive uniqueness that works the same on SQLite and PostgreSQL.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    color: Mapped[str | None] = mapped_column(String(16))

    papers: Mapped[list[Paper]] = relationship(secondary="paper_tags", back_populates="tags")


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(default="")  # Markdown
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(AUTHOR_LENGTH))
    # Bumped on every save: an editor that saves over a version it never saw is told so.
    version: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    paper: Mapped[Paper] = relationship(back_populates="note")


class Shelf(Base):
    __tablename__ = "shelves"
    __table_args__ = (CheckConstraint("kind IN ('manual', 'smart')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16), default="manual")
    query: Mapped[str | None]  # the saved search of a smart shelf
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The last change to the shelf or its papers and order: who and when.
    changed_by: Mapped[str | None] = mapped_column(String(AUTHOR_LENGTH))
    changed_at: Mapped[dt.datetime | None]

    items: Mapped[list[ShelfItem]] = relationship(
        back_populates="shelf",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ShelfItem.position",
    )


class ShelfItem(Base):
    __tablename__ = "shelf_items"

    shelf_id: Mapped[int] = mapped_column(
        ForeignKey("shelves.id", ondelete="CASCADE"), primary_key=True
    )
    paper_id: Mapped[int] = mapped_column(
        ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Manual order: 0..n-1 without gaps (checked by `readinglist check`).
    position: Mapped[int]
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str | None] = mapped_column(String(AUTHOR_LENGTH))

    shelf: Mapped[Shelf] = relationship(back_populates="items")
    paper: Mapped[Paper] = relationship(back_populates="shelf_items")


class PaperChange(Base):
    """The change journal: what each write changed, written in the same transaction.

    ``kind`` says what ``paper_id`` names: a paper (most entries), or a shelf, tag or digest
    (the table kept its first name when it learned those). The search index remembers the
    last ``seq`` it applied and replays newer paper entries, so a crash between the database
    commit and the index commit (or another client's edit) is caught up without a full
    rebuild; open windows read the entries written by other processes to refresh exactly
    what changed.
    """

    __tablename__ = "paper_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy table options)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Not a foreign key: a deleted paper's change must survive to remove it from the index.
    paper_id: Mapped[int] = mapped_column(index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(8), default="paper", server_default="paper")


class Meta(Base):
    """Small key/value facts about the library (index generation, last backup...)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str]
