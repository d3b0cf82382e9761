"""``copy_library``: a whole library from one database to another, verified before commit.

SQLite to PostgreSQL (a laptop library becomes the lab's), PostgreSQL to SQLite (a copy to
take away), or between two of either. The destination is written in one transaction and
compared with the source — row counts and a checksum of every row, read back through the
same transaction — before it commits: a copy that does not match leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Integer, Table, and_, delete, func, insert, or_, select

from readinglist.errors import LibraryError
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.store import migrate
from readinglist.store.engine import make_engine, reset_sequences
from readinglist.store.location import LibraryLocation, LocationError, parse_location
from readinglist.store.models import Base, Meta

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

    from sqlalchemy import ColumnElement

CONTENT_TABLES = (
    "digests",
    "papers",
    "sightings",
    "tags",
    "paper_tags",
    "notes",
    "shelves",
    "shelf_items",
)
"""What a library holds: copied in this (foreign key) order, counted and checksummed.

Not copied: the change journal (the destination's clients index it whole) and the
schema version (the destination was migrated to the same one)."""
LOCAL_META = frozenset({"library_id", "journal_pruned_upto", "index_generation"})
"""Facts about one database rather than about its papers: the destination keeps its own."""
BATCH = 1000


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What was copied: rows per table and the checksum both sides agreed on."""

    source: str
    destination: str
    tables: dict[str, int] = field(default_factory=dict)
    checksum: str = ""

    @property
    def papers(self) -> int:
        return self.tables.get("papers", 0)

    def to_json(self) -> dict[str, Any]:
        """Public ``copy-library --json`` shape: fields may be added, never renamed."""
        return {
            "source": self.source,
            "destination": self.destination,
            "tables": dict(self.tables),
            "rows": sum(self.tables.values()),
            "checksum": self.checksum,
            "verified": True,
        }


def copy_library(
    source: Path | str,
    destination: Path | str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> CopyReport:
    """Copy the library at ``source`` into the new or empty library at ``destination``.

    Either is a directory or a postgresql:// URL. The source is upgraded to this version's
    schema first (as opening it would); the destination is created as needed and must hold
    no papers, digests, tags or shelves. ``progress`` gets (rows copied, rows in all).
    Raises LibraryError naming what is wrong; the destination is then left as it was.
    """
    src_where, dst_where = _parse(source), _parse(destination)
    if src_where.display == dst_where.display:
        raise LibraryError(f"{src_where.display}: the source and destination are one library")
    _require_library(src_where)
    with (
        Library.open(source, sync_index=False) as src,
        Library.open(destination, sync_index=False, backups=False) as dst,
    ):
        tables = [Base.metadata.tables[name] for name in CONTENT_TABLES]
        with _snapshot(src) as reader, dst.engine.begin() as writer:
            _require_empty(writer, tables, dst.display_location)
            counts = {t.name: _count(reader, t) for t in tables}
            total, done = sum(counts.values()), 0
            for table in tables:
                for batch in _batches(reader, table):
                    writer.execute(insert(table), [_aware(row) for row in batch])
                    done += len(batch)
                    if progress is not None:
                        progress(done, total)
            _copy_meta(reader, writer)
            reset_sequences(writer, _serial_keys(tables))
            written = {t.name: _count(writer, t) for t in tables}
            if written != counts:
                diff = ", ".join(
                    f"{name} {counts[name]} -> {written[name]}"
                    for name in counts
                    if counts[name] != written[name]
                )
                raise LibraryError(f"{dst.display_location}: the copy lost rows ({diff})")
            checksum = checksum_of(reader, tables)
            if checksum_of(writer, tables) != checksum:
                raise LibraryError(
                    f"{dst.display_location}: the copy's content differs from "
                    f"{src.display_location} (checksum); nothing was kept"
                )
        return CopyReport(src.display_location, dst.display_location, counts, checksum)


def library_checksum(location: Path | str) -> tuple[dict[str, int], str]:
    """Row counts and the content checksum of a library, as ``copy_library`` computes them."""
    _require_library(_parse(location))
    with Library.open(location, sync_index=False, backups=False) as lib, _snapshot(lib) as conn:
        tables = [Base.metadata.tables[name] for name in CONTENT_TABLES]
        return {t.name: _count(conn, t) for t in tables}, checksum_of(conn, tables)


def checksum_of(conn: Connection, tables: Iterable[Table]) -> str:
    """SHA-256 of every row of ``tables`` in key order, in a form both databases agree on."""
    digest = hashlib.sha256()
    for table in tables:
        digest.update(f"\x00{table.name}\n".encode())
        for batch in _batches(conn, table):
            for row in batch:
                values = [_canonical(row[column.name]) for column in table.columns]
                digest.update(json.dumps(values, ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


# -- helpers --------------------------------------------------------------------------------


def _parse(location: Path | str) -> LibraryLocation:
    try:
        return parse_location(location)
    except LocationError as err:
        raise LibraryError(str(err)) from err


def _require_library(where: LibraryLocation) -> None:
    """Refuse a source that is no library yet: opening it would create an empty one."""
    if where.url is None:
        if not (where.local_dir / DB_NAME).is_file():
            raise LibraryError(f"{where.display}: no library here (no {DB_NAME})")
        return
    engine = make_engine(where.url)
    try:
        revision = migrate.current_revision(engine)
    except Exception as err:  # any driver error, reported with its reason
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise LibraryError(f"{where.display}: cannot open the library ({reason})") from err
    finally:
        engine.dispose()
    if revision is None:
        raise LibraryError(f"{where.display}: this database holds no readinglist library")


class _snapshot:  # noqa: N801 (used like a function: `with _snapshot(lib) as conn`)
    """A connection reading one consistent state of the library while others write."""

    def __init__(self, lib: Library) -> None:
        self.conn = lib.engine.connect()
        if lib.engine.dialect.name == "postgresql":
            self.conn = self.conn.execution_options(isolation_level="REPEATABLE READ")

    def __enter__(self) -> Connection:
        self.conn.begin()
        return self.conn

    def __exit__(self, *_exc: object) -> None:
        self.conn.rollback()  # read only
        self.conn.close()


def _require_empty(conn: Connection, tables: list[Table], shown: str) -> None:
    held = {t.name: _count(conn, t) for t in tables}
    if any(held.values()):
        what = ", ".join(f"{n} {name}" for name, n in held.items() if n)
        raise LibraryError(
            f"{shown}: already holds a library ({what}); copy into a new directory or an "
            "empty database"
        )


def _count(conn: Connection, table: Table) -> int:
    return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def _batches(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, a batch at a time (keyset paging)."""
    key = list(table.primary_key.columns)
    last: tuple[Any, ...] | None = None
    while True:
        stmt = select(table).order_by(*key).limit(BATCH)
        if last is not None:
            stmt = stmt.where(_after(key, last))
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        if not rows:
            return
        yield rows
        last = tuple(rows[-1][c.name] for c in key)


def _after(key: list[Any], last: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows after ``last`` in the order of a (possibly composite) key."""
    return or_(
        *(
            and_(*(key[i] == last[i] for i in range(n)), column > last[n])
            for n, column in enumerate(key)
        )
    )


def _aware(row: dict[str, Any]) -> dict[str, Any]:
    # SQLite hands back naive UTC times, PostgreSQL aware ones: write both as aware UTC.
    return {
        k: v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _copy_meta(reader: Connection, writer: Connection) -> None:
    """The library's own settings (backup policy...) and a new index generation.

    The new generation makes any client that indexed the (empty) destination before
    rebuild its index: copied rows come without journal entries.
    """
    theirs = dict(reader.execute(select(Meta.key, Meta.value)).all())
    ours = dict(writer.execute(select(Meta.key, Meta.value)).all())
    generations = [
        int(g) for g in (theirs.get("index_generation"), ours.get("index_generation")) if g
    ]
    writer.execute(delete(Meta).where(Meta.key.not_in(LOCAL_META - {"index_generation"})))
    rows = [{"key": k, "value": v} for k, v in theirs.items() if k not in LOCAL_META]
    rows.append({"key": "index_generation", "value": str(max([1, *generations]) + 1)})
    writer.execute(insert(Meta), rows)


def _serial_keys(tables: Iterable[Table]) -> list[tuple[str, str]]:
    """(table, column) of every single-column integer key a database numbers itself."""
    out = []
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].autoincrement in (True, "auto") and _is_int(key[0]):
            out.append((table.name, key[0].name))
    return out


def _is_int(column: Any) -> bool:
    return isinstance(column.type, Integer)
