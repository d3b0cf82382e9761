"""Engine set-up: the only place that knows SQLite's pragmas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from pathlib import Path

BUSY_TIMEOUT_MS = 15_000
"""How long a write waits for another process's write (the CLI while the GUI is open)."""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """An engine with the connection settings every library needs."""
    if url.startswith("sqlite"):
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
    return create_engine(url, pool_pre_ping=True)


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


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at BEGIN so two writers queue on the busy timeout instead of
    # failing with "database is locked" when a reader upgrades to a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
