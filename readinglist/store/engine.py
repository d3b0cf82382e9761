"""Engine set-up: the only place that knows SQLite's pragmas and PostgreSQL's locks."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

BUSY_TIMEOUT_MS = 15_000
"""How long a write waits for another process's write (the CLI while the GUI is open)."""

CONNECT_TIMEOUT_S = 10
"""How long opening a shared library waits for its server before saying it is unreachable."""
LOCK_TIMEOUT_MS = 30_000
"""How long a write on a shared library waits for a colleague's write to the same rows."""
POOL_SIZE = 3
"""Connections a client keeps to the server: the GUI thread, one worker, the poller."""
POOL_RECYCLE_S = 1800
"""Reconnect after this long: servers and firewalls drop idle connections."""

_MIGRATION_LOCK = 0x72_6C_6D_69  # "rlmi": the advisory lock around schema upgrades
_JOURNAL_TABLE = "paper_changes"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str | URL) -> Engine:
    """An engine with the connection settings every library needs."""
    if isinstance(url, str) and url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; we issue
        # BEGIN ourselves (see _sqlite_begin_immediate).
        event.listen(engine, "connect", _sqlite_disable_pysqlite_transactions, insert=True)
        return engine
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed,
            pool_size=POOL_SIZE,
            max_overflow=4,
            pool_pre_ping=True,  # a laptop that slept finds its connections gone
            pool_recycle=POOL_RECYCLE_S,
            pool_timeout=CONNECT_TIMEOUT_S * 3,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "readinglist",
                # UTC sessions: timestamps come back in UTC whatever the server's zone, like
                # the values SQLite libraries hold; lock_timeout turns a stuck colleague into
                # an error rather than a frozen window.
                "options": f"-c timezone=UTC -c lock_timeout={LOCK_TIMEOUT_MS}",
            },
        )
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_disable_pysqlite_transactions(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # WAL with synchronous=NORMAL can lose the last commits on power loss; FULL keeps
        # every reported commit, which is the promise we make about notes.
        cur.execute("PRAGMA synchronous=FULL")
    finally:
        cur.close()


READ_ONLY = "readinglist_read_only"
"""Execution option marking a transaction that only reads (see Library.read)."""


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN so two writers queue on the busy timeout instead of
    # failing with "database is locked" when a reader upgrades to a writer. Transactions
    # marked read-only begin deferred: in WAL they read a snapshot and never block writers
    # (a long reindex must not hold up an edit or the command line).
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# -- what sharing a database needs ------------------------------------------------------------


def lock_journal(session: Session) -> None:
    """Make change-journal numbers commit in order (call just before the journal insert).

    Readers catch up with "every change after the last seq I applied". PostgreSQL hands out
    sequence numbers at insert time, so a transaction holding seq 9 could commit after one
    holding seq 10 and a reader would skip 9 for good; holding this lock from the insert to
    the commit closes that gap. Readers are not blocked. On SQLite (one writer at a time
    already, see _sqlite_begin_immediate) it does nothing.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {_JOURNAL_TABLE} IN EXCLUSIVE MODE"))


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Only one client at a time upgrades a shared schema (the others wait, then find it done).

    A PostgreSQL session-level advisory lock on a connection of its own; on SQLite the
    upgrade's own write transaction already excludes other writers.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
            conn.commit()


def reset_sequences(conn: Connection, tables: Iterable[tuple[str, str]]) -> None:
    """After rows were copied in with their ids, let new rows continue after the highest.

    ``tables`` holds (table, integer primary key column) pairs. SQLite needs nothing: its
    next rowid is always past the largest.
    """
    if conn.dialect.name != "postgresql":
        return
    for table, column in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )
        )


def is_conflict(err: BaseException) -> bool:
    """True for errors that mean "a concurrent transaction got there first: try again".

    Unique violations (two clients inserting the same title, digest or tag at once),
    deadlocks and serialization failures; the transaction has been rolled back.
    """
    orig = getattr(err, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return sqlstate in {"23505", "40P01", "40001"}


def advisory_lock(session: Session, name: str, *, wait_s: int | None = None) -> None:
    """Serialise one kind of change across clients until commit (PostgreSQL; SQLite: no-op).

    For changes that have no row to lock yet, such as the order of the shelves when a
    shelf is created (two clients would both take "last + 1"), or whole imports.
    ``wait_s`` replaces LOCK_TIMEOUT_MS for this transaction (a colleague's long import).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    if wait_s is not None:
        session.execute(text(f"SET LOCAL lock_timeout = {int(wait_s) * 1000}"))
    key = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
