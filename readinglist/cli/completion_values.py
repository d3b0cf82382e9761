"""Values for tab completion: shelf names, tag names and paper ids of the library in use.

Each function is a click ``shell_complete`` callback. They read a local library's database
directly and read-only (readinglist.store.quickread): no search index, no migration, no
library created where there was none. A shared (postgresql://) library offers nothing:
completion must not wait on a network.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from click.shell_completion import CompletionItem

from readinglist.cli import terminal
from readinglist.layout import default_location, is_url
from readinglist.store import quickread

if TYPE_CHECKING:
    import click

TITLE_COLUMNS = 60


def _library_dir(ctx: click.Context) -> Path | None:
    """The local library the command line names (``--library``, $READINGLIST_HOME, default)."""
    given = ctx.find_root().params.get("location")
    if not isinstance(given, (str, Path)):  # not given, or not understood while completing
        given = default_location()
    if is_url(str(given)):
        return None
    return Path(given).expanduser()


def shelf_names(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    where = _library_dir(ctx)
    names = quickread.shelf_names(where, incomplete) if where else []
    return [CompletionItem(name) for name in names]


def tag_names(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    where = _library_dir(ctx)
    names = quickread.tag_names(where, incomplete) if where else []
    return [CompletionItem(name) for name in names]


def _ids(ctx: click.Context, incomplete: str, *, trashed: bool) -> list[CompletionItem]:
    where = _library_dir(ctx)
    found = quickread.paper_ids(where, incomplete, trashed=trashed) if where else []
    return [
        CompletionItem(str(paper), help=terminal.clip(terminal.clean(title), TITLE_COLUMNS))
        for paper, title in found
    ]


def paper_ids(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Ids of papers outside the Trash, with their titles as help (zsh and fish show it)."""
    return _ids(ctx, incomplete, trashed=False)


def trashed_paper_ids(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Ids of papers in the Trash (what ``restore`` takes)."""
    return _ids(ctx, incomplete, trashed=True)
