"""The same migrations build the same schema on PostgreSQL as on SQLite, data included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, select, text
from sqlalchemy.pool import NullPool

from readinglist.errors import LibraryError
from readinglist.library import Library
from readinglist.maintenance.check import _shelf_problems
from readinglist.store import migrate
from readinglist.store.engine import make_engine, reset_sequences
from readinglist.store.models import Base, Meta
from tests.postgres import PgServer
from tests.store.schema_manifest import library_manifest

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"


def test_the_models_match_the_migrations(library: Library) -> None:
    """Autogenerate finds nothing to do: models.py and the migrations agree (each backend)."""
    with library.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_an_empty_database_upgrades_to_the_current_schema(pg_server: PgServer) -> None:
    name = pg_server.create_database(migrated=False)
    try:
        with Library.open(pg_server.url(name)) as lib:
            assert migrate.current_revision(lib.engine) == migrate.head_revision()
            with lib.read() as s:
                library_id = s.get(Meta, "library_id")
            assert library_id is not None
            assert len(library_id.value) == 32
    finally:
        pg_server.drop_database(name)


@pytest.mark.parametrize("fixture", sorted(SCHEMAS.glob("*.sqlite3")), ids=lambda p: str(p.stem))
def test_a_released_schema_with_data_upgrades_on_postgresql(
    fixture: Path, pg_server: PgServer
) -> None:
    """The fixture's rows loaded into a PostgreSQL database at that revision, then opened."""
    name = pg_server.create_database(migrated=False)
    url = pg_server.url(name)
    try:
        engine = make_engine(url)
        cfg = migrate.alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, fixture.stem)
        _load_rows(fixture, engine)
        engine.dispose()

        with Library.open(url) as lib:
            assert migrate.current_revision(lib.engine) == migrate.head_revision()
            expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
            assert library_manifest(lib) == expected
            with lib.read() as s:
                assert _shelf_problems(s) == []
            # new rows continue after the loaded ones
            lib.add_tags([lib.paper_ids()[0]], ["after the upgrade"])
    finally:
        pg_server.drop_database(name)


def _load_rows(fixture: Path, target: object) -> None:
    """Copy every table of a SQLite fixture into the (same revision) PostgreSQL schema."""
    from sqlalchemy import Engine

    assert isinstance(target, Engine)
    source = create_engine(f"sqlite:///{fixture}", poolclass=NullPool)
    src_meta, dst_meta = MetaData(), MetaData()
    src_meta.reflect(source)
    dst_meta.reflect(target)
    with source.connect() as reader, target.begin() as writer:
        for table in dst_meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in reader.execute(select(src_meta.tables[table.name]))]
            if table.name == "meta":  # the migration wrote this database's own library_id
                have = set(writer.scalars(select(table.c.key)))
                rows = [r for r in rows if r["key"] not in have]
            if rows:
                writer.execute(insert(table), rows)
        serial = [
            (t.name, "id") for t in dst_meta.sorted_tables if "id" in t.c and t.c.id.primary_key
        ] + [("paper_changes", "seq")]
        reset_sequences(writer, serial)
        assert writer.execute(text("SELECT count(*) FROM papers")).scalar()
    source.dispose()


def test_clients_opening_a_new_database_together_create_it_once(pg_server: PgServer) -> None:
    import threading

    name = pg_server.create_database(migrated=False)
    url = pg_server.url(name)
    errors: list[BaseException] = []

    def open_once() -> None:
        try:
            Library.open(url).close()
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=open_once) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        with Library.open(url) as lib, lib.read() as s:
            assert migrate.current_revision(lib.engine) == migrate.head_revision()
            assert len(list(s.scalars(select(Meta).where(Meta.key == "library_id")))) == 1
    finally:
        pg_server.drop_database(name)


def test_a_database_from_a_newer_version_is_refused(pg_url: str) -> None:
    engine = make_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    engine.dispose()
    with pytest.raises(LibraryError, match=r"newer version of readinglist \(schema ffff\)") as e:
        Library.open(pg_url)
    assert "lab-secret" not in str(e.value)
    assert str(e.value).startswith("postgresql://readinglist:***@")
