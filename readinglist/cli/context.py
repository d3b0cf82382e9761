"""What every command shares: the library location, opened on first use, and error handling."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from readinglist.library import Library, LibraryError, default_location

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class State:
    """What every command needs: where the library is, opened on first use."""

    def __init__(self, location: Path | None) -> None:
        self.location = location or default_location()
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            try:
                self._library = Library.open(self.location)
            except LibraryError as err:
                raise click.ClickException(str(err)) from err
        return self._library

    def close(self) -> None:
        if self._library is not None:
            self._library.close()


pass_state = click.make_pass_decorator(State)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the services' errors into a clean message on stderr and exit status 1."""
    try:
        yield
    except LibraryError as err:
        raise click.ClickException(str(err)) from err
