"""What every command shares: the library location, opened on first use, and error handling."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readinglist.cli.terminal import clean
from readinglist.errors import LibraryError
from readinglist.layout import default_location, is_url
from readinglist.library import Library
from readinglist.store.location import LocationError, parse_location

if TYPE_CHECKING:
    from collections.abc import Iterator

    from readinglist.core import Changes


DIRECTORY = click.Path(file_okay=False, path_type=Path)


def library_location(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> Path | str | None:
    """``--library``'s callback: a directory (a local library) or a postgresql:// URL."""
    if value is None or not is_url(value):
        return DIRECTORY.convert(value, param, ctx) if value is not None else None
    try:
        parse_location(value)
    except LocationError as err:
        raise click.BadParameter(str(err), ctx, param) from err
    return value.strip()


class State:
    """What every command needs: where the library is, opened on first use."""

    def __init__(self, location: Path | str | None) -> None:
        self.where: Path | str = location if location is not None else default_location()
        self._library: Library | None = None
        # Only the commands that bring papers in (import, the window) may start a new
        # library; every other command refuses a folder that holds none.
        self.create = False
        # Imports keep the search index in step as they write (bulk work: worth it); other
        # commands leave their changes in the journal for the next search to apply.
        self.index = False

    @property
    def shared(self) -> bool:
        return isinstance(self.where, str)

    @property
    def location(self) -> Path:
        """The library directory, for commands that work on its files (backups, check)."""
        if isinstance(self.where, str):
            shown = parse_location(self.where).display
            raise click.ClickException(
                f"{shown}: a shared library has no library directory on this computer; "
                "its server keeps (and backs up) the data: see docs/shared-library.md"
            )
        return self.where

    @property
    def library(self) -> Library:
        if self._library is None:
            try:
                self._library = Library.open(self.where, create=self.create, sync_index=self.index)
            except LibraryError as err:
                raise click.ClickException(str(err)) from err
            for warning in self._library.warnings:
                click.secho(clean(f"warning: {warning}"), fg="yellow", err=True)  # may quote titles
        return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()


pass_state = click.make_pass_decorator(State)


def warn(changes: Changes) -> None:
    """Say what went wrong after a change was saved (it stays saved; exit status 0)."""
    for warning in changes.warnings:
        click.secho(clean(f"warning: {warning}"), fg="yellow", err=True)  # may quote titles


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the services' errors into a clean message on stderr and exit status 1."""
    try:
        yield
    except LibraryError as err:
        raise click.ClickException(str(err)) from err
