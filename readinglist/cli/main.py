"""The ``readinglist`` command: the same services as the GUI, for people and scripts.

Names, exit codes and ``--json`` shapes are a public contract: extend, never rename.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from readinglist import __version__
from readinglist import querylang as ql
from readinglist.cli import exits, output, terminal
from readinglist.cli.completion_cmds import COMPLETE_VAR
from readinglist.cli.completion_cmds import completion as completion_command
from readinglist.cli.completion_values import paper_ids as complete_ids
from readinglist.cli.completion_values import shelf_names as complete_shelves
from readinglist.cli.completion_values import tag_names as complete_tags
from readinglist.cli.completion_values import trashed_paper_ids as complete_trashed
from readinglist.cli.context import State, library_location, pass_state, user_errors, warn
from readinglist.cli.examples import add_examples
from readinglist.cli.export_cmds import export as export_command
from readinglist.cli.maintenance_cmds import backup as backup_command
from readinglist.cli.maintenance_cmds import backup_restore
from readinglist.cli.maintenance_cmds import check as check_command
from readinglist.cli.search_cmds import search as search_command
from readinglist.cli.search_cmds import similar as similar_command
from readinglist.cli.shared_cmds import copy_library_command
from readinglist.cli.stats_cmds import stats as stats_command
from readinglist.core import Resolver, Scope
from readinglist.importing import Importer
from readinglist.layout import has_library
from readinglist.records import ReadStatus
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

EPILOG_MAIN = """\b
Examples:
  readinglist import ~/Downloads/digest-*.txt
  readinglist list --starred
  readinglist tag 12 lora fine-tuning
  readinglist --library ~/lab-library list --json

Without a command, opens the main window on the library."""


@click.group(invoke_without_command=True, epilog=EPILOG_MAIN)
@click.option(
    "--library",
    "location",
    callback=library_location,
    metavar="DIRECTORY|URL",
    envvar="READINGLIST_HOME",
    help="Library directory, or postgresql://user@host/database for a shared library "
    "(default: $READINGLIST_HOME or the user data directory).",
)
@click.version_option(__version__, prog_name="readinglist")
@click.pass_context
def cli(ctx: click.Context, location: Path | str | None) -> None:
    """Keep the papers that matter from your daily digests."""
    state = State(location)
    ctx.obj = state
    ctx.call_on_close(state.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def summary(state: State, as_json: bool) -> None:
    """Show where the library is and what it holds."""
    info = state.library.summary()
    if as_json:
        output.print_json(info.to_json())
    else:
        output.print_summary(info)


def _has_display() -> bool:
    """False on Linux without a desktop session, or with a platform nobody can see."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] not in {"offscreen", "minimal"}
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--smoke-test", is_flag=True, hidden=True, help="Open, paint, close, exit 0.")
@click.pass_context
def gui(ctx: click.Context, files: tuple[Path, ...], smoke_test: bool) -> None:
    """Open the main window (what plain `readinglist` does); without a display, the summary.

    FILES (digests, e.g. from a file manager's "Open With") open in the import dialog.
    """
    state = ctx.find_object(State)
    assert state is not None
    if not smoke_test and not _has_display():
        if isinstance(state.where, Path) and not has_library(state.where):
            click.echo(
                terminal.clean(
                    f"No display to open the window on, and no library yet at {state.where}."
                )
            )
            click.echo("Import a digest to start one:  readinglist import DIGEST.txt")
            return
        click.echo("No display to open the window on; here is the library's summary.", err=True)
        ctx.invoke(summary)
        return
    from readinglist.gui.app import run  # Qt loads only for the window, never for commands

    sys.exit(run(state.where, files, smoke_test=smoke_test))


@cli.command(
    "import",
    epilog="\b\nExamples:\n  readinglist import digests/*.txt --json\n"
    "  readinglist import zotero.bib daily-papers.json arxiv-lora.atom",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@pass_state
def import_(state: State, files: tuple[Path, ...], as_json: bool) -> None:
    """Import digests, arXiv feeds, Hugging Face daily papers, BibTeX, RIS, CSL-JSON or
    bundles, each recognised by its content. Exit status 1 if any file failed (the others
    still import)."""
    state.create = state.index = True  # importing may start a library, and indexes as it goes
    importer = Importer(state.library)
    with output.progress(len(files), "Importing", enabled=not as_json and len(files) > 1) as bar:
        result = importer.import_files(list(files), progress=lambda n, _t, _p: bar(n))
    if as_json:
        output.print_json(result.to_json())
    else:
        output.print_import(result)
    if result.failed:
        sys.exit(1)


def _filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option("--tag", help="Only papers with this tag.", shell_complete=complete_tags),
            click.option("--starred", is_flag=True, default=None, help="Only starred papers."),
            click.option(
                "--status",
                type=click.Choice([s.value for s in ReadStatus]),
                help="Only papers with this read status.",
            ),
            click.option(
                "--shelf",
                help="Only papers on this shelf, in its order.",
                shell_complete=complete_shelves,
            ),
            click.option("--trash", is_flag=True, help="List the papers in the Trash instead."),
            click.option(
                "--dismissed", is_flag=True, help="List the papers dismissed in triage instead."
            ),
            click.option("--query", "-q", help="A search query (see README: query language)."),
            click.option("--limit", type=click.IntRange(min=1), help="At most this many papers."),
            click.option("--json", "as_json", is_flag=True, help="Print JSON paper objects."),
        ]
    ):
        func = decorator(func)
    return func


def list_scope(
    *,
    tag: str | None = None,
    starred: bool | None = None,
    status: str | None = None,
    shelf: str | None = None,
    trash: bool = False,
    dismissed: bool = False,
    query: str | None = None,
) -> Scope:
    """The scope ``list``'s options name: the first of them is the view, the rest narrow it."""
    asked: list[tuple[Scope, ql.Node]] = []
    if trash:
        asked.append((Scope.trash(), ql.Flag("trashed")))
    if dismissed:
        asked.append((Scope.dismissed(), ql.Flag("dismissed")))
    if shelf is not None:
        asked.append((Scope.shelf(shelf), ql.Phrase(shelf, "shelf")))
    if tag is not None:
        asked.append((Scope.tag(tag), ql.Phrase(tag, "tag")))
    if starred:
        asked.append((Scope.starred(), ql.Flag("starred")))
    if status is not None:
        asked.append((Scope.status(status), ql.Flag(status)))
    scope = asked[0][0] if asked else Scope.all()
    for _view, condition in asked[1:]:
        scope = scope.matching(condition)
    return scope.narrowed(query or "")


@cli.command(
    "list", epilog="\b\nExamples:\n  readinglist list --tag lora\n  readinglist list --json"
)
@_filter_options
@pass_state
def list_(
    state: State,
    tag: str | None,
    starred: bool | None,
    status: str | None,
    shelf: str | None,
    trash: bool,
    dismissed: bool,
    query: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List papers (newest first; a shelf in its manual order; a search best first).

    Dismissed papers are left out unless asked for (--dismissed, or is:dismissed in the
    query), as everywhere: see docs/query-language.md.
    """
    lib = state.library
    scope = list_scope(
        tag=tag,
        starred=starred,
        status=status,
        shelf=shelf,
        trash=trash,
        dismissed=dismissed,
        query=query,
    )
    resolver = Resolver(lib)
    with user_errors():
        resolver.check(scope.base)
        found = resolver.resolve(scope)
        if found.outcome is not None and found.outcome.message:
            click.secho(terminal.clean(f"warning: {found.outcome.message}"), fg="yellow", err=True)
        records = lib.papers(found.ids[:limit] if limit else found.ids)
    if as_json:
        output.print_json([r.to_json() for r in records])
    else:
        output.print_papers(records)


@cli.command(epilog="\b\nExample:\n  readinglist show 42 --json")
@click.argument("paper_id", type=int, shell_complete=complete_ids)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON paper object.")
@pass_state
def show(state: State, paper_id: int, as_json: bool) -> None:
    """Show one paper with its abstract, tags, shelves, digests and note."""
    with user_errors():
        record = state.library.paper(paper_id)
    if as_json:
        output.print_json(record.to_json())
    else:
        output.print_paper(record)


@cli.command(
    epilog="\b\nExamples:\n  readinglist tag 42 lora peft\n  readinglist tag 42 peft --remove"
)
@click.argument("paper_id", type=int, shell_complete=complete_ids)
@click.argument("tags", nargs=-1, required=True, shell_complete=complete_tags)
@click.option("--remove", is_flag=True, help="Remove the tags instead of adding them.")
@pass_state
def tag(state: State, paper_id: int, tags: tuple[str, ...], remove: bool) -> None:
    """Add tags to a paper (or remove them)."""
    with user_errors():
        if remove:
            changes = state.library.remove_tags([paper_id], tags)
        else:
            changes = state.library.add_tags([paper_id], tags)
        record = state.library.paper(paper_id)
    warn(changes)
    click.echo(terminal.clean(f"{paper_id}: tags: {', '.join(record.tags) or '(none)'}"))


@cli.command(epilog="\b\nExamples:\n  readinglist star 42\n  readinglist star 42 --off")
@click.argument("paper_ids", nargs=-1, type=int, required=True, shell_complete=complete_ids)
@click.option("--off", is_flag=True, help="Remove the star.")
@pass_state
def star(state: State, paper_ids: tuple[int, ...], off: bool) -> None:
    """Star papers (or unstar them with --off)."""
    with user_errors():
        changes = state.library.set_starred(paper_ids, not off)
    warn(changes)
    word = "unstarred" if off else "starred"
    click.echo(f"{word} {len(paper_ids)} paper{'s' if len(paper_ids) != 1 else ''}")


@cli.command(
    epilog="\b\nExamples:\n  readinglist note 42 'Read section 3 first.'\n"
    "  readinglist note 42 --file notes.md\n"
    "  echo 'Reread the proofs.' | readinglist note 42 --file -"
)
@click.argument("paper_id", type=int, shell_complete=complete_ids)
@click.argument("text", required=False)
@click.option(
    "--file",
    "file_",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Read the note (Markdown) from a file; '-' reads standard input.",
)
@click.option(
    "--if-version",
    "if_version",
    type=click.IntRange(min=0),
    help="Save only if the note is still at this version (its note_version; 0: no note), "
    "so a colleague's newer note on a shared library is never overwritten.",
)
@pass_state
def note(
    state: State, paper_id: int, text: str | None, file_: Path | None, if_version: int | None
) -> None:
    """Set a paper's note (Markdown). An empty note removes it."""
    if (text is None) == (file_ is None):
        raise click.UsageError("give the note TEXT or --file F (one of them)")
    if file_ is not None:
        try:
            text = sys.stdin.read() if str(file_) == "-" else file_.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise click.ClickException(f"{file_}: cannot read the note: {err}") from err
    assert text is not None
    with user_errors():
        saved = state.library.set_note(paper_id, text, expected_version=if_version)
    warn(saved.changes)
    if saved.replaced_author is not None:
        click.secho(
            terminal.clean(
                f"warning: this replaced a note last saved by {saved.replaced_author} "
                "(use --if-version to save only over the version you read)"
            ),
            fg="yellow",
            err=True,
        )
    click.echo(f"{paper_id}: note saved ({len(text)} characters, version {saved.version})")


@cli.command(epilog="\b\nExample:\n  readinglist status 42 read")
@click.argument("paper_id", type=int, shell_complete=complete_ids)
@click.argument("status", type=click.Choice([s.value for s in ReadStatus]))
@pass_state
def status(state: State, paper_id: int, status: str) -> None:
    """Set a paper's read status."""
    with user_errors():
        changes = state.library.set_status([paper_id], ReadStatus(status))
    warn(changes)
    click.echo(f"{paper_id}: {status}")


@cli.command()
@pass_state
def reindex(state: State) -> None:
    """Rebuild the search index from the library."""
    lib = state.library
    total = lib.count(Scope.library()) + lib.count(Scope.trash())
    with output.progress(total, "Indexing", enabled=True) as bar:
        n = lib.reindex(progress=lambda done, _total: bar(done))
    click.echo(f"indexed {n} papers")


@cli.command()
@click.argument("paper_ids", nargs=-1, type=int, required=True, shell_complete=complete_ids)
@pass_state
def trash(state: State, paper_ids: tuple[int, ...]) -> None:
    """Move papers to the Trash (restorable with their tags, notes and shelves)."""
    with user_errors():
        changes = state.library.trash(paper_ids)
    warn(changes)
    click.echo(f"moved {len(paper_ids)} to the Trash")


@cli.command(
    epilog="\b\nExamples:\n  readinglist restore 42 43      # papers from the Trash\n"
    "  readinglist restore latest     # the library from its newest backup"
)
@click.argument(
    "targets", nargs=-1, required=True, metavar="ID... | BACKUP", shell_complete=complete_trashed
)
@click.option("--yes", "-y", is_flag=True, help="Restore a backup without asking.")
@click.pass_context
def restore(ctx: click.Context, targets: tuple[str, ...], yes: bool) -> None:
    """Restore papers from the Trash, or the library from a backup.

    Paper ids restore papers with their tags, notes and shelf places; a backup name (from
    `readinglist backup list`), a path or `latest` restores the library, as
    `readinglist backup restore` does.
    """
    if all(t.isdigit() for t in targets):
        paper_ids = [int(t) for t in targets]
        state = ctx.find_object(State)
        assert state is not None
        with user_errors():
            changes = state.library.restore(paper_ids)
        warn(changes)
        click.echo(f"restored {len(paper_ids)}")
    elif len(targets) == 1:
        ctx.invoke(backup_restore, backup_name=targets[0], yes=yes, as_json=False)
    else:
        raise click.UsageError("give paper ids, or one backup (a name, a path or 'latest')")


@cli.group()
def shelf() -> None:
    """Shelves: hand-ordered reading lists, or smart shelves that follow a search."""


@shelf.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def shelf_list(state: State, as_json: bool) -> None:
    """List shelves with their paper counts."""
    shelves = Shelves(state.library).list()
    if as_json:
        output.print_json([s.to_json() for s in shelves])
    else:
        output.print_shelves(shelves)


@shelf.command(
    "create",
    epilog="\b\nExamples:\n  readinglist shelf create 'To read'\n"
    "  readinglist shelf create 'LoRA' --query 'lora OR adapter'",
)
@click.argument("name")
@click.option("--query", help="Make a smart shelf that follows this search.")
@pass_state
def shelf_create(state: State, name: str, query: str | None) -> None:
    """Create a shelf."""
    with user_errors():
        created = Shelves(state.library).create(name, query=query)
    click.echo(f"created shelf {created.info.name!r}")


@shelf.command("rename")
@click.argument("old", shell_complete=complete_shelves)
@click.argument("new")
@pass_state
def shelf_rename(state: State, old: str, new: str) -> None:
    """Rename a shelf."""
    with user_errors():
        Shelves(state.library).rename(old, new)
    click.echo(f"renamed {old!r} to {new!r}")


@shelf.command("delete")
@click.argument("name", shell_complete=complete_shelves)
@pass_state
def shelf_delete(state: State, name: str) -> None:
    """Delete a shelf (its papers stay in the library)."""
    with user_errors():
        deleted = Shelves(state.library).delete(name)
    click.echo(f"deleted shelf {name!r} ({len(deleted.papers)} papers stay in the library)")


@shelf.command("add")
@click.argument("name", shell_complete=complete_shelves)
@click.argument("paper_ids", nargs=-1, type=int, required=True, shell_complete=complete_ids)
@pass_state
def shelf_add(state: State, name: str, paper_ids: tuple[int, ...]) -> None:
    """Add papers to the end of a shelf (papers already on it keep their place)."""
    with user_errors():
        added = Shelves(state.library).add(name, paper_ids)
    warn(added.changes)
    already = len(added.already)
    click.echo(
        f"added {len(added.papers)} to {name!r}"
        + (f" ({already} already there, kept in place)" if already else "")
    )


@shelf.command("remove")
@click.argument("name", shell_complete=complete_shelves)
@click.argument("paper_ids", nargs=-1, type=int, required=True, shell_complete=complete_ids)
@pass_state
def shelf_remove(state: State, name: str, paper_ids: tuple[int, ...]) -> None:
    """Remove papers from a shelf (not from the library)."""
    with user_errors():
        removed = Shelves(state.library).remove(name, paper_ids)
    click.echo(f"removed {len(removed.papers)} from {name!r}")


@shelf.command("move")
@click.argument("name", shell_complete=complete_shelves)
@click.argument("paper_id", type=int, shell_complete=complete_ids)
@click.argument("position", type=click.IntRange(min=1))
@pass_state
def shelf_move(state: State, name: str, paper_id: int, position: int) -> None:
    """Move a paper to POSITION (1 = first) in the shelf's order."""
    with user_errors():
        Shelves(state.library).move(name, [paper_id], position - 1)
    click.echo(f"moved {paper_id} to position {position} on {name!r}")


@shelf.command("show")
@click.argument("name", shell_complete=complete_shelves)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def shelf_show(state: State, name: str, as_json: bool) -> None:
    """List a shelf's papers in its order (a smart shelf's: its search's)."""
    with user_errors():
        shelves = Shelves(state.library)
        info = shelves.get(name)
        records = state.library.papers(shelves.paper_ids(name))
    if as_json:
        output.print_json({"shelf": info.to_json(), "papers": [r.to_json() for r in records]})
    else:
        click.echo(terminal.clean(f"{info.name} ({len(records)} papers)"))
        output.print_papers(records, numbered=True)


# Command groups that live in their own modules register here (one line each).
cli.add_command(export_command)
cli.add_command(backup_command)
cli.add_command(check_command)
cli.add_command(search_command)
cli.add_command(similar_command)
cli.add_command(copy_library_command)
cli.add_command(stats_command)
cli.add_command(completion_command)
# Keep last: gives --help examples to every command registered above that has none.
add_examples(cli)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (a closed pipe ends quietly: see readinglist.cli.exits)."""
    sys.exit(exits.run(cli, argv, prog_name="readinglist", complete_var=COMPLETE_VAR))
