"""Human and JSON output of the command line: aligned, readable, with counts.

Every string that came from a user or a file goes through ``terminal.clean`` before it is
printed for people, and listings are fitted to the terminal by display width.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from readinglist.cli import terminal
from readinglist.cli.terminal import clean

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from readinglist.export import VaultWritten
    from readinglist.importing import ImportResult
    from readinglist.records import LibrarySummary, PaperRecord, ShelfInfo


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_summary(info: LibrarySummary) -> None:
    click.echo(clean(f"Library: {info.location}"))
    status = ", ".join(f"{n} {s}" for s, n in info.by_status.items())
    rows = [
        ("Papers", f"{info.papers}" + (f" ({status})" if info.papers else "")),
        ("Inbox", str(info.inbox)),
        ("Starred", str(info.starred)),
        ("Digests", str(info.digests)),
        ("Tags", str(info.tags)),
        ("Shelves", str(info.shelves)),
        ("Notes", str(info.notes)),
        ("Trash", str(info.trashed)),
    ]
    for label, value in rows:
        click.echo(f"  {label:<8} {value}")
    if not info.papers:
        click.echo("\nImport a digest to begin:  readinglist import DIGEST.txt")


def print_import(result: ImportResult) -> None:
    for f in result.files:
        if f.error:
            click.secho(clean(f"{f.path}: error: {f.error}"), fg="red", err=True)
            continue
        line = f"{f.path}: {f.entries} entries, {f.new} new, {f.duplicates} already in the library"
        if f.in_trash:
            line += f", {f.in_trash} in the Trash (left there)"
        click.echo(clean(line))
        for warning in f.warnings:
            click.secho(clean(f"  warning: {warning}"), fg="yellow", err=True)
    ok = len(result.files) - len(result.failed)
    click.echo(
        f"Imported {ok} of {len(result.files)} file{'s' if len(result.files) != 1 else ''}: "
        f"{result.new} new papers, {result.duplicates} duplicates"
    )


def print_vault(written: VaultWritten) -> None:
    """What a vault export did: files made and updated, and what it left alone."""
    click.echo(
        f"  {len(written.created)} new, {len(written.updated)} updated, "
        f"{written.unchanged} unchanged"
    )
    if written.stale:
        click.secho(
            clean(
                f"  {len(written.stale)} file(s) of papers no longer exported were kept: "
                + ", ".join(written.stale[:10])
                + (" ..." if len(written.stale) > 10 else "")
            ),
            fg="yellow",
            err=True,
        )
    if written.foreign:
        click.echo(f"  {len(written.foreign)} file(s) readinglist did not write were left alone")


def print_papers(records: Sequence[PaperRecord], *, numbered: bool = False) -> None:
    """One line per paper, never wider than the terminal (the title is clipped)."""
    if not records:
        click.echo("No papers.")
        return
    id_w = max(len(str(r.id)) for r in records)
    columns = terminal.columns()
    for n, r in enumerate(records, 1):
        star = "★" if r.starred else " "
        date = r.published.isoformat() if r.published else "—"
        up = str(r.upvotes) if r.upvotes is not None else ""
        title = clean(r.title) + (f"  [{clean(', '.join(r.tags))}]" if r.tags else "")
        prefix = f"{n:>3}. " if numbered else ""
        head = f"{prefix}{r.id:>{id_w}}  {star} {r.read_status.value:<7} {date:<10} {up:>4}  "
        click.echo(terminal.clip(head + title, columns))
    click.echo(f"{len(records)} paper{'s' if len(records) != 1 else ''}")


def print_paper(r: PaperRecord) -> None:
    click.secho(clean(r.title), bold=True)
    meta = [f"#{r.id}", r.read_status.value]
    if r.starred:
        meta.append("★ starred")
    if r.published:
        meta.append(r.published.isoformat() + (" (year inferred)" if r.year_inferred else ""))
    if r.authors_count is not None:
        meta.append(f"{r.authors_count} author{'s' if r.authors_count != 1 else ''}")
    if r.organization:
        meta.append(clean(r.organization))
    if r.upvotes is not None:
        meta.append(f"{r.upvotes} upvotes")
    if r.incomplete:
        meta.append("incomplete entry")
    if r.trashed:
        meta.append("in the Trash")
    click.echo(" · ".join(meta))
    if r.authors:
        click.echo(clean(f"Authors: {', '.join(r.authors)}"))
    if r.arxiv_id:
        click.echo(clean(f"arXiv: {r.arxiv_id}"))
    if r.tags:
        click.echo(clean(f"Tags: {', '.join(r.tags)}"))
    if r.shelves:
        click.echo(clean(f"Shelves: {', '.join(r.shelves)}"))
    click.echo()
    abstract = clean(r.abstract, multiline=True) or "(no abstract)"
    click.echo(click.wrap_text(abstract, width=min(terminal.columns(), 100)))
    if r.links:
        click.echo("\nLinks:")
        for link in r.links:
            click.echo(clean(f"  {link}"))
    if r.digests:
        click.echo("\nSeen in:")
        for s in r.digests:
            when = s.date.isoformat() if s.date else (s.date_label or "")
            click.echo(clean(f"  {s.file_name} ({when}), entry {s.position + 1}"))
    if r.note:
        click.echo("\nNote:")
        click.echo(clean(r.note, multiline=True))


def print_shelves(shelves: Sequence[ShelfInfo]) -> None:
    if not shelves:
        click.echo("No shelves. Create one:  readinglist shelf create NAME")
        return
    names = [clean(s.name) for s in shelves]
    name_w = max(terminal.width(name) for name in names)
    columns = terminal.columns()
    for name, s in zip(names, shelves, strict=True):
        kind = f"smart: {clean(s.query)}" if s.query else ""
        line = f"{terminal.ljust(name, name_w)}  {s.count:>5}  {kind}".rstrip()
        click.echo(terminal.clip(line, columns))


@contextmanager
def progress(total: int, label: str, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; nothing when piped, for --json, or for tiny jobs.

    Drawn on stderr, and only when stdout is a terminal too: ``readinglist import ... | tee``
    or ``> log`` means someone is keeping the output, not watching it.
    """
    if not enabled or not sys.stderr.isatty() or not sys.stdout.isatty() or total <= 1:
        yield lambda _n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        last = 0

        def update(n: int) -> None:
            nonlocal last
            bar.update(max(0, n - last))
            last = max(last, n)

        yield update
