"""Where a library lives: a directory (SQLite, the default) or a PostgreSQL URL (shared).

Examples of what ``parse_location`` accepts::

    ~/papers                                   a directory: LIBRARY/library.sqlite3
    postgresql://alice@db.lab.example/papers   a shared library on a PostgreSQL server
    postgres://alice:secret@127.0.0.1:5433/papers?sslmode=require
    postgresql+psycopg://alice@host/papers     (SQLAlchemy's spelling, accepted as well)

A shared library still has a local part on each computer (its search index): it lives in
the user data directory under ``shared/<host>_<database>_<hash>/``, so two libraries on
one server, or one database reached by two names, never share an index by accident.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from readinglist.layout import is_url, url_scheme

POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER = "postgresql+psycopg"
"""The SQLAlchemy dialect and driver every PostgreSQL library uses (psycopg 3)."""


class LocationError(ValueError):
    """A library location that cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class LibraryLocation:
    """A parsed location: a directory, or a database URL plus its local directory."""

    local_dir: Path
    """The library directory (SQLite) or the local part of a shared library (its index)."""
    url: URL | None = None
    """The PostgreSQL URL (driver spelled out) of a shared library; None for a directory."""

    @property
    def shared(self) -> bool:
        return self.url is not None

    @property
    def display(self) -> str:
        """What to show people: the directory, or the URL with any password hidden."""
        if self.url is None:
            return str(self.local_dir)
        return public_url(self.url)


def parse_location(value: str | Path, *, data_dir: Path | None = None) -> LibraryLocation:
    """Turn what a user gave (option, environment, dialog) into a location.

    ``data_dir`` is where shared libraries keep their local part (default: the user data
    directory). Raises LocationError for an unsupported scheme or an incomplete URL.
    """
    if not is_url(value):
        return LibraryLocation(Path(value).expanduser())
    url = postgres_url(str(value))
    base = data_dir if data_dir is not None else default_data_dir()
    return LibraryLocation(base / "shared" / local_dir_name(url), url)


def postgres_url(text: str) -> URL:
    """A PostgreSQL URL with psycopg as the driver; ``postgresql://`` is what users write."""
    scheme = url_scheme(text)
    if scheme not in POSTGRES_SCHEMES:
        raise LocationError(
            f"{_hide_password(text)}: unsupported library URL (a library is a directory or "
            "a postgresql://user@host/database URL)"
        )
    try:
        url = make_url(text.strip())
    except (ArgumentError, ValueError) as err:  # ValueError: a port that is no number
        raise LocationError(f"{_hide_password(text)}: not a valid URL ({err})") from err
    if not url.database:
        raise LocationError(
            f"{public_url(url)}: the URL names no database (postgresql://user@host/DATABASE)"
        )
    return url.set(drivername=DRIVER)


def public_url(url: URL) -> str:
    """The URL as users write it, password hidden, without SQLAlchemy's driver suffix."""
    shown = url.set(drivername="postgresql")
    return shown.render_as_string(hide_password=True)


def local_dir_name(url: URL) -> str:
    """``<host>_<database>_<hash>``: readable, safe as a file name, unique per database."""
    host = url.host or "localhost"
    identity = f"{host.lower()}:{url.port or 5432}/{url.database}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:10]
    return f"{_safe(host.lower())}_{_safe(url.database or '')}_{digest}"


def default_data_dir() -> Path:
    return platformdirs.user_data_path("readinglist", appauthor=False)


def _safe(part: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", part).strip("-.")
    return cleaned[:40] or "db"


def _hide_password(text: str) -> str:
    """The text with any ``user:password@`` password masked, for error messages."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text.strip())


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """The parts of a shared library's URL, as a form shows them."""

    host: str = "localhost"
    database: str = ""
    user: str = ""
    password: str = ""
    port: int | None = None

    def url(self) -> str:
        """``postgresql://user:password@host:port/database`` (parts quoted as URLs need)."""
        return URL.create(
            "postgresql",
            username=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port,
            database=self.database or None,
        ).render_as_string(hide_password=False)

    @classmethod
    def from_url(cls, text: str) -> ServerAddress:
        """The parts of a URL (raises LocationError for one that is not a library URL)."""
        url = postgres_url(text)
        return cls(
            host=url.host or "",
            database=url.database or "",
            user=url.username or "",
            password=url.password if isinstance(url.password, str) else "",
            port=url.port,
        )
