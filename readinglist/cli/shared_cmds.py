"""``readinglist copy-library``: move a whole library between SQLite and PostgreSQL.

Names, exit codes and ``--json`` shapes are a public contract: extend, never rename.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import click

from readinglist.cli import output
from readinglist.cli.context import library_location, user_errors
from readinglist.cli.terminal import clean
from readinglist.sharing import copy_library

if TYPE_CHECKING:
    from pathlib import Path

EPILOG = """\b
Examples:
  readinglist copy-library ~/.local/share/readinglist postgresql://alice@db.lab/papers
  readinglist copy-library postgresql://alice@db.lab/papers ~/papers-copy --json

\b
The destination is a new directory or an empty database (create it first on the server:
see docs/shared-library.md). Nothing is kept unless every row arrived intact: the copy is
checked against the source by row counts and a checksum of the content before it commits."""


@click.command("copy-library", epilog=EPILOG)
@click.argument("source", metavar="SRC", callback=library_location)
@click.argument("destination", metavar="DST", callback=library_location)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
def copy_library_command(source: Path | str, destination: Path | str, as_json: bool) -> None:
    """Copy the library at SRC into DST (each a directory or a postgresql:// URL)."""
    with ExitStack() as stack:
        bar: Any = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                show = not as_json and sys.stderr.isatty() and total > 1
                bar = stack.enter_context(output.progress(total, "Copying", enabled=show))
            bar(done)

        with user_errors():
            report = copy_library(source, destination, progress=progress)
    if as_json:
        output.print_json(report.to_json())
        return
    click.echo(clean(f"Copied {report.source} to {report.destination}:"))
    for table, rows in report.tables.items():
        click.echo(f"  {table:<12} {rows:>9,}")
    click.echo(f"Verified: row counts and content checksum {report.checksum[:16]} match.")
