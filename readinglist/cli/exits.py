"""How a ``readinglist`` run ends: its exit status, its error message, a reader gone away.

click's own ``main`` exits with status 1 when the reader of a pipe goes away
(``readinglist list | head -1``): for a shell pipeline that is no error at all, so here it
ends quietly with status 0. Error messages quote user input (a shelf name, a file name), so
they are cleaned of escape sequences like everything else printed for people.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from readinglist.cli.terminal import clean

if TYPE_CHECKING:
    from collections.abc import Sequence


def run(
    group: click.Group, argv: Sequence[str] | None, *, prog_name: str, complete_var: str
) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return its exit status."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if os.environ.get(complete_var):
        # Shell completion: click answers and exits (see readinglist.cli.completion_values).
        group.main(args=args, prog_name=prog_name, complete_var=complete_var)
    try:
        try:
            with group.make_context(prog_name, args) as ctx:
                group.invoke(ctx)
            sys.stdout.flush()  # a reader gone away shows here, where it can be handled
            return 0
        except click.exceptions.Exit as done:
            sys.stdout.flush()
            return done.exit_code
        except click.ClickException as err:
            # click types the message Final; it is only read by show(), just below.
            setattr(err, "message", clean(err.message, multiline=True))  # noqa: B010
            err.show()
            return err.exit_code
        except click.Abort:
            click.echo("Aborted!", err=True)
            return 1
        except (EOFError, KeyboardInterrupt):
            click.echo(err=True)  # ends the line after the terminal's ^C
            click.echo("Aborted!", err=True)
            return 1
    except BrokenPipeError:
        _discard_stdout()
        return 0


def _discard_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor (an in-memory stream): nothing to flush
        pass
