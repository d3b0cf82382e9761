"""Where a library lives: a directory (SQLite, the default) or a PostgreSQL URL (shared).

Examples of what ``parse_location`` accepts::

    ~/papers                                   a directory: LIBRARY/library.sqlite3
    postgresql://alice@db.lab.example/papers   a shared library on a PostgreSQL server
    postgres://alice:secret@127.0.0.1:5433/papers?sslmode=require
    postgresql+psycopg://alice@host/papers     (SQLAlchemy's spelling, accepted as well)

A URL is read with the standard parser (urllib.parse), which takes the user part to end at
the last ``@`` before the host, so a password may hold an ``@`` as typed.  ``/ ? #`` in a
password, or an ``@`` in a database name, must be percent-encoded (``%2F %3F %23 %40``): the
URL is refused otherwise, because where the password ends cannot be told.  Nothing shown to
people (``display``, every error message) holds any part of a password, parsed or not.

A shared library still has a local part on each computer (its search index): it lives in
the user data directory under ``shared/<host>_<database>_<hash>/``, so two libraries on
one server, or one database reached by two names, never share an index by accident.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import platformdirs
from sqlalchemy.engine import URL

from readinglist.layout import is_url, url_scheme

POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER = "postgresql+psycopg"
"""The SQLAlchemy dialect and driver every PostgreSQL library uses (psycopg 3)."""

_QUERY_PASSWORD_RE = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)  # libpq takes one
_INVALID_HINT = (
    " (is the port a number? In a user name, password or database name write @ as %40, "
    "/ as %2F, ? as %3F and # as %23)"
)


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
    text = text.strip()
    scheme = url_scheme(text)
    if scheme not in POSTGRES_SCHEMES:
        raise LocationError(
            f"{redact_url(text)}: unsupported library URL (a library is a directory or "
            "a postgresql://user@host/database URL)"
        )
    url = _parse(text)
    if not url.database:
        raise LocationError(
            f"{redact_url(text)}: the URL names no database (postgresql://user@host/DATABASE)"
        )
    return url.set(drivername=DRIVER)


def _parse(text: str) -> URL:
    """urllib.parse's reading of the URL; LocationError when it is not one or is ambiguous."""
    invalid = LocationError(f"{redact_url(text)}: not a valid URL{_INVALID_HINT}")
    try:
        parts = urlsplit(text)
        port = parts.port  # ValueError when it is not a number, often a password's "/ ? #"
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise invalid from None
    # An "@" past the host: a "/" or "#" in the password cut the URL short.
    if "@" in parts.path or parts.fragment:
        raise invalid
    values: dict[str, list[str]] = {}
    for key, value in query:
        values.setdefault(key, []).append(value)
    return URL.create(
        "postgresql",
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        host=parts.hostname,
        port=port,
        database=unquote(parts.path.removeprefix("/")) or None,
        query={key: v[0] if len(v) == 1 else tuple(v) for key, v in values.items()},
    )


def public_url(url: URL) -> str:
    """The URL as users write it, password hidden, without SQLAlchemy's driver suffix."""
    shown = url.set(drivername="postgresql")
    return _hide_query_password(shown.render_as_string(hide_password=True))


def redact_url(text: str) -> str:
    """Text that may be a URL, fit to show: no part of any password, whether it parses or not.

    The user part is taken to end at the last ``@``: that hides too much when a query holds
    an ``@`` too, never too little.
    """
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = f"{userinfo.partition(':')[0]}:***@{host}"
    return f"{scheme}://{_hide_query_password(rest)}"


def _hide_query_password(text: str) -> str:
    return _QUERY_PASSWORD_RE.sub(r"\1***", text)


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
