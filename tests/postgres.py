"""A throwaway PostgreSQL server for the tests (a pytest plugin, loaded by tests/conftest.py).

``pg_server`` creates a cluster in a temporary directory with Debian's (or any) PostgreSQL
binaries, starts it on 127.0.0.1 on a free port, and hands out empty databases. Without
the binaries the tests that need it are skipped, except in CI (CI=true), where that fails:
CI installs the server (.ci/run) and a silent skip would hide the PostgreSQL half of the suite.

Which backends the shared suites run on: ``READINGLIST_TEST_BACKENDS=sqlite,postgresql``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from readinglist.store import migrate
from readinglist.store.engine import make_engine

if TYPE_CHECKING:
    from collections.abc import Iterator

ENV_BACKENDS = "READINGLIST_TEST_BACKENDS"
ENV_PG_BIN = "READINGLIST_PG_BIN"
ROLE, PASSWORD = "readinglist", "lab-secret"
TEMPLATE = "readinglist_template"


def backends_to_test() -> list[str]:
    """The backends the shared suites run on (default: SQLite only)."""
    wanted = [b.strip() for b in os.environ.get(ENV_BACKENDS, "sqlite").split(",") if b.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise pytest.UsageError(f"{ENV_BACKENDS}: unknown backend(s) {', '.join(sorted(unknown))}")
    return wanted or ["sqlite"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def find_pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: $READINGLIST_PG_BIN, Debian's, or PATH."""
    candidates: list[Path] = []
    if os.environ.get(ENV_PG_BIN):
        candidates.append(Path(os.environ[ENV_PG_BIN]))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.replace(".", "").isdigit()]
        versions.sort(key=lambda p: float(p.name), reverse=True)
        candidates += [v / "bin" for v in versions]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running throwaway cluster; ``database()`` makes a fresh, migrated database."""

    port: int
    admin_password: str

    def url(self, database: str, *, user: str = ROLE, password: str = PASSWORD) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser, outside a transaction (CREATE DATABASE...)."""
        engine = create_engine(
            f"postgresql+psycopg://postgres:{self.admin_password}@127.0.0.1:{self.port}/postgres",
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
        )
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def create_database(self, *, migrated: bool = True) -> str:
        """A new database owned by the test role; migrated ones are copied from a template."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        template = TEMPLATE if migrated else "template0"
        self.admin(f'CREATE DATABASE "{name}" OWNER {ROLE} TEMPLATE {template}')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _runner() -> list[str]:
    """How to run the server's programs: as the ``postgres`` user when we are root."""
    if os.name != "posix" or os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root without runuser: cannot start PostgreSQL as postgres")
    return [runuser, "-u", "postgres", "--"]


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL tests need a PostgreSQL server: {reason}"
    if in_ci():
        pytest.fail(message + " (CI installs it: see .ci/run)", pytrace=False)
    pytest.skip(message + " (apt-get install postgresql, or set READINGLIST_PG_BIN)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster for the whole test session."""
    pg_bin = find_pg_bin()
    if pg_bin is None:
        _unavailable("initdb and pg_ctl were not found")
        raise AssertionError("unreachable")
    runner = _runner()
    # The server runs as `postgres` when we are root: its directory must be reachable for it.
    root = Path(tempfile.mkdtemp(prefix="readinglist-pg-", dir="/tmp" if runner else None))
    data = root / "data"
    password = uuid.uuid4().hex
    pwfile = root / "pw"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if runner:
        shutil.chown(root, "postgres")
        shutil.chown(pwfile, "postgres")
    port = _free_port()

    def run(*cmd: str | Path) -> None:
        proc = subprocess.run(
            [*runner, *(str(c) for c in cmd)], capture_output=True, text=True, check=False
        )
        if proc.returncode:
            log = root / "server.log"
            extra = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{cmd[0]} failed: {proc.stderr or proc.stdout}\n{extra}")

    started = False
    try:
        run(
            pg_bin / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        started = True  # from here on, stop whatever pg_ctl may have started
        for attempt in range(3):  # the free port may be taken between finding and binding
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=60 -c shared_buffers=32MB"
            )
            try:
                run(
                    pg_bin / "pg_ctl",
                    "-D",
                    data,
                    "-o",
                    options,
                    "-l",
                    root / "server.log",
                    "-w",
                    "start",
                )
            except RuntimeError:
                if attempt == 2:
                    raise
                port = _free_port()
                continue
            break
        server = PgServer(port, password)
        server.admin(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}' CREATEDB")
        server.admin(f"CREATE DATABASE {TEMPLATE} OWNER {ROLE} TEMPLATE template0")
        engine = make_engine(server.url(TEMPLATE))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        yield server
    finally:
        if started:
            with contextlib.suppress(RuntimeError):
                run(pg_bin / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty (migrated) shared library, dropped afterwards."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


ALL_BACKEND_SUITES = (
    "test_importer.py",
    "test_import_formats.py",
    "test_paper_identity.py",
    "test_library.py",
    "test_shelves.py",
    "store/",
    "shared/",
)
"""Suites (under tests/) whose ``library`` is one on each backend of READINGLIST_TEST_BACKENDS.

Tests there that are about SQLite itself carry ``@pytest.mark.sqlite_only``."""
TESTS = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite itself; not run on the other backends"
    )
    config.addinivalue_line(
        "markers",
        "postgresql_only: about PostgreSQL itself; collected only when "
        f"{ENV_BACKENDS} includes postgresql",
    )


def pytest_report_header(config: pytest.Config) -> str:
    backends = backends_to_test()
    line = f"readinglist backends: {', '.join(backends)}"
    if "postgresql" not in backends:
        line += f" (add PostgreSQL with {ENV_BACKENDS}=sqlite,postgresql)"
    return line


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the PostgreSQL backend, its own tests are deselected (counted, never skipped)."""
    if "postgresql" in backends_to_test():
        return
    dropped = [item for item in items if item.get_closest_marker("postgresql_only")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql_only")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if metafunc.definition.get_closest_marker("postgresql_only"):
        metafunc.parametrize("backend", ["postgresql"], indirect=True)
        return
    suite = metafunc.definition.path.relative_to(TESTS).as_posix()
    backends = backends_to_test()
    if suite.startswith(ALL_BACKEND_SUITES) and backends != ["sqlite"]:
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database under ``library``: "sqlite" (a directory) or "postgresql" (shared)."""
    return str(getattr(request, "param", "sqlite"))
