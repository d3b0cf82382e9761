"""Alembic migrations applied in-process when a library opens.

Opening a library whose schema is current (nearly every start) never imports Alembic: the
revisions are read from the migration files' own ``revision``/``down_revision`` lines and
compared with the database's ``alembic_version``. Alembic loads only to upgrade.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_REVISION_RE = re.compile(r'^(down_revision|revision)\b[^=]*=\s*["\']?([^"\'\s]+)', re.M)


class NewerLibraryError(RuntimeError):
    """The library was written by a newer readinglist; opening it could damage it."""


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def _revisions() -> tuple[frozenset[str], str]:
    """Every revision this version knows, and the head (the one no other revises)."""
    return _revisions_in(MIGRATIONS_DIR)


@functools.cache
def _revisions_in(folder: Path) -> tuple[frozenset[str], str]:
    known: set[str] = set()
    revised: set[str] = set()
    for script in sorted((folder / "versions").glob("*.py")):
        found = dict(_REVISION_RE.findall(script.read_text(encoding="utf-8")))
        if "revision" in found:
            known.add(found["revision"])
        if found.get("down_revision") not in (None, "None"):
            revised.add(found["down_revision"])
    heads = known - revised
    assert len(heads) == 1, f"migrations must have one head, found {sorted(heads)}"
    return frozenset(known), heads.pop()


def head_revision() -> str:
    return _revisions()[1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(value) if value is not None else None


def needs_upgrade(engine: Engine) -> bool:
    """True when the schema is older than this version's (or absent)."""
    return current_revision(engine) != head_revision()


def check_not_newer(engine: Engine, current: str | None = None) -> None:
    current = current if current is not None else current_revision(engine)
    if current is None:
        return
    if current not in _revisions()[0]:
        raise NewerLibraryError(
            f"this library was written by a newer version of readinglist (schema {current}); "
            "upgrade readinglist to open it"
        )


def upgrade(engine: Engine) -> None:
    """Bring the schema to this version's head, in one transaction on each step."""
    current = current_revision(engine)
    check_not_newer(engine, current)
    if current == head_revision():
        return  # the common case: Alembic is never imported
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
