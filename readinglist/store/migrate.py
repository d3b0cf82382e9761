"""Alembic migrations applied in-process when a library opens."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class NewerLibraryError(RuntimeError):
    """The library was written by a newer readinglist; opening it could damage it."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """True when the schema is older than this version's (or absent)."""
    return current_revision(engine) != head_revision()


def check_not_newer(engine: Engine) -> None:
    current = current_revision(engine)
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise NewerLibraryError(
            f"this library was written by a newer version of readinglist (schema {current}); "
            "upgrade readinglist to open it"
        )


def upgrade(engine: Engine) -> None:
    """Bring the schema to this version's head, in one transaction on each step."""
    check_not_newer(engine)
    if current_revision(engine) == head_revision():
        return  # the common case: skip loading Alembic's environment (~150 ms per start)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
