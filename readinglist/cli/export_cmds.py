"""``readinglist export``: a shelf, tag, search, selection or the whole library, in any format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from readinglist.cli import output, terminal
from readinglist.cli.completion_values import shelf_names, tag_names
from readinglist.cli.context import State, pass_state, user_errors
from readinglist.core import Scope
from readinglist.export import Exporter
from readinglist.exporters import FORMATS, ExportOptions

EPILOG = """\b
Scopes (exactly one):
  --shelf NAME      a shelf, in its manual order
  --tag TAG         the papers with this tag
  --query QUERY     the papers a search finds, best first
  --ids ID[,ID...]  these papers, in this order; repeat or separate with commas
  --all             the whole library (with --format json: a full backup)

\b
Formats:
  md            Markdown reading list        md-checklist  Markdown - [ ]/- [x] list
  html          one self-contained web page  bibtex        BibTeX @misc entries
  csljson       CSL-JSON (Zotero, Pandoc)    ris           RIS (EndNote, Zotero)
  csv           spreadsheet                  json          readinglist bundle (lossless;
                                                           the import command reads it)
  vault         a notes vault for Obsidian or Logseq: -o names a folder, one Markdown
                file per paper named by its citation key; re-exporting keeps what you
                wrote below the marker line; --force writes beside files readinglist
                did not write

\b
Examples:
  readinglist export --shelf 'To read' --format md -o to-read.md
  readinglist export --tag lora --format bibtex > lora.bib
  readinglist export --ids 3,5,8 --ids 12 --format csv -o picks.csv
  readinglist export --query 'diffusion' --format html --no-notes -o diffusion.html
  readinglist export --all --format json -o backup.json
  readinglist export --tag lora --format vault -o ~/Notes/papers

Without -o the export goes to standard output. With -o the file is written whole or not
at all: an existing file is replaced only when the export succeeded."""


def _parse_ids(values: tuple[str, ...]) -> list[int]:
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise click.BadParameter(f"{part!r} is not a paper id", param_hint="--ids")
            ids.append(int(part))
    return ids


@click.command("export", epilog=EPILOG)
@click.option("--shelf", help="Export a shelf, in its manual order.", shell_complete=shelf_names)
@click.option("--tag", help="Export the papers with this tag.", shell_complete=tag_names)
@click.option("--query", "-q", help="Export the papers a search finds.")
@click.option(
    "--ids",
    multiple=True,
    metavar="ID[,ID...]",
    help="Export these papers in this order (repeatable; commas allowed: --ids 3,5).",
)
@click.option("--all", "everything", is_flag=True, help="Export the whole library.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="Output format (default: from the -o file's extension, else md).",
)
@click.option(
    "-o",
    "--output",
    "path",
    type=click.Path(path_type=Path),
    help="Write to this file instead of standard output (a folder for --format vault).",
)
@click.option(
    "--abstracts/--no-abstracts", default=True, show_default=True, help="Include abstracts."
)
@click.option("--notes/--no-notes", default=True, show_default=True, help="Include your notes.")
@click.option(
    "--force",
    is_flag=True,
    help="Vault only: write into a folder that holds files readinglist did not write.",
)
@pass_state
def export(
    state: State,
    shelf: str | None,
    tag: str | None,
    query: str | None,
    ids: tuple[str, ...],
    everything: bool,
    fmt: str | None,
    path: Path | None,
    abstracts: bool,
    notes: bool,
    force: bool,
) -> None:
    """Export papers to Markdown, HTML, BibTeX, CSL-JSON, RIS, CSV, a JSON bundle or a
    notes vault."""
    scopes = [
        Scope.shelf(shelf) if shelf is not None else None,
        Scope.tag(tag) if tag is not None else None,
        Scope.search(query) if query is not None else None,
        Scope.papers(_parse_ids(ids)) if ids else None,
        Scope.library() if everything else None,
    ]
    chosen = [s for s in scopes if s is not None]
    if len(chosen) != 1:
        raise click.UsageError("choose exactly one of --shelf, --tag, --query, --ids, --all")
    if query is not None and not query.strip():
        raise click.UsageError("the search query is empty")
    scope = chosen[0]
    if fmt is None:
        fmt = _format_for(path)
    if FORMATS[fmt].folder and path is None:
        raise click.UsageError(f"--format {fmt} writes a folder: give it with -o FOLDER")
    if not FORMATS[fmt].folder and path is not None and path.is_dir():
        raise click.UsageError(f"{path} is a folder: give a file name to export to")
    if force and not FORMATS[fmt].folder:
        raise click.UsageError("--force is for --format vault only")
    options = ExportOptions(abstracts=abstracts, notes=notes, generated=dt.date.today())
    exporter = Exporter(state.library)
    with user_errors():
        if path is None:
            text, _count = exporter.render(scope, fmt, options)
            # On a terminal the export is read, not kept: no escape sequence gets through.
            # Into a pipe or a file it is data, passed on exactly.
            click.echo(
                terminal.clean(text, multiline=True) if terminal.is_terminal() else text, nl=False
            )
            return
        with output.progress(100, "Exporting", enabled=True) as bar:
            result = exporter.export(
                scope,
                fmt,
                path,
                options,
                progress=lambda done, total: bar(done * 100 // total if total else 100),
                force=force,
            )
    click.echo(
        terminal.clean(
            f"exported {result.papers} paper{'' if result.papers == 1 else 's'} "
            f"({scope.describe()}) to {result.path} as {FORMATS[fmt].label}"
        )
    )
    if result.vault is not None:
        output.print_vault(result.vault)


def _format_for(path: Path | None) -> str:
    if path is None:
        return "md"
    if path.is_dir():
        raise click.UsageError(
            f"{path} is a folder: give --format vault to write a notes vault into it"
        )
    suffix = path.suffix.lower()
    matches = [f.name for f in FORMATS.values() if suffix and f.extension == suffix]
    if suffix == ".json":
        raise click.UsageError(
            "a .json file can be CSL-JSON or a readinglist bundle: "
            "give --format csljson or --format json"
        )
    if not matches:
        raise click.UsageError(f"cannot tell the format from {path.name!r}: give --format")
    return matches[0]
