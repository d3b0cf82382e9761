"""``readinglist backup ...`` and ``readinglist check``: maintenance on the command line.

Names, exit codes and ``--json`` shapes are a public contract: extend, never rename.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readinglist.cli import output
from readinglist.cli.context import State, pass_state, user_errors
from readinglist.cli.terminal import clean
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.maintenance.check import check_library, repair_library
from readinglist.maintenance.lock import InstanceLock

if TYPE_CHECKING:
    from readinglist.maintenance.backup import BackupInfo
    from readinglist.maintenance.check import CheckReport


class _BackupGroup(click.Group):
    """``readinglist backup [PATH]`` means ``backup create [PATH]``: the documented short form."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["create", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_BackupGroup,
    invoke_without_command=True,
    epilog="\b\nExamples:\n  readinglist backup\n  readinglist backup ~/safe/library.sqlite3\n"
    "  readinglist backup list\n"
    "  readinglist backup restore 20250314T081500Z-daily.sqlite3",
)
@click.pass_context
def backup(ctx: click.Context) -> None:
    """Verified backups of the library: make one (the default), list them, restore one.

    A backup is made automatically before every upgrade of the library's format and, when
    the newest is over a day old, whenever the library is opened.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(backup_create)


@backup.command("create")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def backup_create(state: State, path: Path | None = None, as_json: bool = False) -> None:
    """Back up the library now (to PATH, a file or folder, instead of its backups folder)."""
    _require_library(state)
    with user_errors():
        info = backups.create_backup(state.location, dest=path)
    if as_json:
        output.print_json(info.to_json())
    else:
        click.echo(clean(f"backed up to {info.path} ({backups.human_size(info.size)}, verified)"))


@backup.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def backup_list(state: State, as_json: bool) -> None:
    """List the library's backups, newest first."""
    found = backups.list_backups(state.location)
    if as_json:
        output.print_json([b.to_json() for b in found])
        return
    if not found:
        click.echo("No backups yet. Make one:  readinglist backup")
        return
    for b in found:
        when = b.created.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(clean(f"{when}  {b.reason:<8} {backups.human_size(b.size):>9}  {b.name}"))
    click.echo(
        clean(f"{len(found)} backup{'s' if len(found) != 1 else ''} in {found[0].path.parent}")
    )


@backup.command(
    "restore",
    epilog="\b\nExamples:\n  readinglist backup restore latest\n"
    "  readinglist backup restore ~/safe/library.sqlite3 --yes",
)
@click.argument("backup_name", metavar="BACKUP")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def backup_restore(state: State, backup_name: str, yes: bool, as_json: bool) -> None:
    """Replace the library's database with BACKUP (a name from `backup list`, a path, or latest).

    The current database is kept in the library's aside/ folder first, and the search
    index is rebuilt. Refused while a readinglist window has the library open.
    """
    info = _resolve(state.location, backup_name)
    when = info.created.astimezone().strftime("%Y-%m-%d %H:%M")
    with user_errors():  # a window (or another command) holding the library: refused, named
        lock = InstanceLock(state.location).acquire()
    try:
        if not yes:
            try:
                ok = click.confirm(
                    f"Replace the library at {state.location} with the backup of {when} "
                    f"({info.name})?\nThe current library is kept in "
                    f"{state.location / backups.ASIDE_DIR}.",
                )
            except click.Abort:
                if sys.stdin.isatty():
                    raise
                raise click.ClickException(
                    "restoring replaces the library and needs a yes, and no terminal gave "
                    "one: run it in a terminal, or add --yes (scripts)"
                ) from None
            if not ok:
                raise click.Abort
        with user_errors():
            result = backups.restore_backup(state.location, info.path, lock=lock)
            with Library.open(state.location) as lib:
                papers = lib.summary().papers
    finally:
        lock.release()
    if as_json:
        output.print_json({**result.to_json(), "papers": papers})
        return
    click.echo(clean(f"restored the backup of {when} ({papers} papers)"))
    if result.aside is not None:
        click.echo(clean(f"the previous library is kept in {result.aside}"))


@backup.command("keep")
@click.option("--daily", type=click.IntRange(0, 1000), help="Keep one backup for each of N days.")
@click.option("--weekly", type=click.IntRange(0, 1000), help="...and for each of N weeks.")
@click.option("--monthly", type=click.IntRange(0, 1000), help="...and for each of N months.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def backup_keep(
    state: State, daily: int | None, weekly: int | None, monthly: int | None, as_json: bool
) -> None:
    """Show or set how many backups are kept (besides every one of the last day)."""
    _require_library(state)
    database = state.location / DB_NAME
    policy = backups.read_policy(database)
    if daily is not None or weekly is not None or monthly is not None:
        policy = backups.KeepPolicy(
            daily=policy.daily if daily is None else daily,
            weekly=policy.weekly if weekly is None else weekly,
            monthly=policy.monthly if monthly is None else monthly,
        )
        with user_errors():
            backups.set_policy(state.location, policy)
            backups.thin_backups(state.location, policy)
    if as_json:
        output.print_json(policy.to_json())
    else:
        click.echo(
            f"keeping every backup of the last day, then one a day for {policy.daily} days, "
            f"one a week for {policy.weekly} weeks and one a month for {policy.monthly} months"
        )


@click.command(epilog="\b\nExamples:\n  readinglist check\n  readinglist check --repair --json")
@click.option("--repair", is_flag=True, help="Fix what can be fixed (after a backup).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@pass_state
def check(state: State, repair: bool, as_json: bool) -> None:
    """Check the library's database, shelves and search index; --repair fixes them.

    Exit status 0 when the library is healthy (or was repaired), 1 when problems remain.
    """
    with user_errors():
        lib = state.library
        report = repair_library(lib) if repair else check_library(lib)
    if as_json:
        output.print_json(report.to_json())
    else:
        _print_report(report, repair)
    if not report.ok:
        sys.exit(1)


def _print_report(report: CheckReport, repair: bool) -> None:
    click.echo(clean(f"Checked {report.location}: {report.papers} papers."))
    if report.repaired:
        click.echo("Repaired:")
        for p in report.repaired:
            click.echo(clean(f"  - {p.message}"))
        if report.backup:
            click.echo(clean(f"A backup from before the repair: {report.backup}"))
    if report.ok:
        click.echo("No problems found." if not report.repaired else "No problems remain.")
        return
    click.secho("Problems:", fg="red", err=True)
    for p in report.problems:
        click.secho(clean(f"  - {p.message}"), err=True)
    if not repair and any(p.repairable for p in report.problems):
        click.echo("Fix them with:  readinglist check --repair", err=True)
    if any(not p.repairable for p in report.problems):
        click.echo("Some problems need a backup:  readinglist backup list", err=True)


def _require_library(state: State) -> None:
    if not (state.location / DB_NAME).is_file():
        raise click.ClickException(f"{state.location}: no library here")


def _resolve(location: Path, name: str) -> BackupInfo:
    """A backup named in the backups folder, ``latest`` (newest verified), or any file."""
    if name == "latest":
        newest = backups.newest_verified_backup(location)
        if newest is None:
            raise click.ClickException(f"{location}: no verified backup to restore")
        return newest
    for info in backups.list_backups(location):
        if info.name == name:
            return info
    path = Path(name).expanduser()
    if path.is_file():
        known = backups.list_backups(path.parent)
        same = [b for b in known if b.path.resolve() == path.resolve()]
        if same:
            return same[0]
        mtime = path.stat().st_mtime
        created = dt.datetime.fromtimestamp(mtime, dt.UTC).replace(microsecond=0)
        return backups.BackupInfo(path, created, "file", path.stat().st_size)
    raise click.ClickException(
        f"{name}: no such backup (see `readinglist backup list`, or give a file's path)"
    )
