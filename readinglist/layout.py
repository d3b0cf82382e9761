"""Where a library lives and how its folder is laid out; nothing here opens it.

Every part that works on a library's files (the store, backups, checks, the window's lock)
names them through this module, so the layout is written down once.
"""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path

DB_NAME = "library.sqlite3"
"""The database: everything the user owns."""
INDEX_DIR = "index"
"""The search index: a cache rebuilt from the database whenever needed."""
ENV_HOME = "READINGLIST_HOME"
"""A library directory or postgresql:// URL that replaces the default location."""
ENV_AUTHOR = "READINGLIST_AUTHOR"
"""The name this client's edits are recorded under on a shared library."""
AUTHOR_LENGTH = 200
"""Longest author name kept (a user name, or what READINGLIST_AUTHOR says)."""

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def is_url(value: str | Path) -> bool:
    """True when ``value`` is written as a URL (``scheme://...``), not as a path."""
    return isinstance(value, str) and _SCHEME_RE.match(value.strip()) is not None


def url_scheme(text: str) -> str:
    """The scheme of a URL, lower-cased ("" when ``text`` is no URL)."""
    match = _SCHEME_RE.match(text.strip())
    return match.group(1).lower() if match else ""


def default_location() -> Path | str:
    """``READINGLIST_HOME`` if set (a directory or a postgresql:// URL), else the user data dir."""
    env = os.environ.get(ENV_HOME)
    if env:
        return env.strip() if is_url(env) else Path(env).expanduser()
    import platformdirs  # only when the default is needed: a few ms at every start otherwise

    return platformdirs.user_data_path("readinglist", appauthor=False)


def default_author() -> str:
    """Who this client's edits are recorded as: ``READINGLIST_AUTHOR``, else the OS user."""
    env = " ".join(os.environ.get(ENV_AUTHOR, "").split())
    if env:
        return env[:AUTHOR_LENGTH]
    try:
        return getpass.getuser()[:AUTHOR_LENGTH]
    except (OSError, KeyError):  # no user name in the environment nor the password database
        return "unknown"


def database_path(location: Path) -> Path:
    return location / DB_NAME


def has_library(location: Path) -> bool:
    """True when ``location`` holds a library database with something in it.

    Read commands refuse a folder without one instead of creating an empty library there.
    """
    try:
        return (location / DB_NAME).stat().st_size > 0
    except OSError:
        return False


__all__ = [
    "AUTHOR_LENGTH",
    "DB_NAME",
    "ENV_AUTHOR",
    "ENV_HOME",
    "INDEX_DIR",
    "database_path",
    "default_author",
    "default_location",
    "has_library",
    "is_url",
    "url_scheme",
]
