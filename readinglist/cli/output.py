"""Human and JSON output of the command line: aligned, readable, with counts."""

from __future__ import annotations

import json
import shutil
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from readinglist.importing import ImportResult
    from readinglist.records import LibrarySummary, PaperRecord, ShelfInfo


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def print_summary(info: LibrarySummary) -> None:
    click.echo(f"Library: {info.location}")
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
            click.secho(f"{f.path}: error: {f.error}", fg="red", err=True)
            continue
        line = f"{f.path}: {f.entries} entries, {f.new} new, {f.duplicates} already in the library"
        if f.in_trash:
            line += f", {f.in_trash} in the Trash (left there)"
        click.echo(line)
        for warning in f.warnings:
            click.secho(f"  warning: {warning}", fg="yellow", err=True)
    ok = len(result.files) - len(result.failed)
    click.echo(
        f"Imported {ok} of {len(result.files)} file{'s' if len(result.files) != 1 else ''}: "
        f"{result.new} new papers, {result.duplicates} duplicates"
    )


def print_papers(records: Sequence[PaperRecord], *, numbered: bool = False) -> None:
    if not records:
        click.echo("No papers.")
        return
    id_w = max(len(str(r.id)) for r in records)
    fixed = id_w + 2 + 2 + 8 + 11 + 5 + (5 if numbered else 0)
    title_w = max(20, _width() - fixed)
    for n, r in enumerate(records, 1):
        star = "★" if r.starred else " "
        date = r.published.isoformat() if r.published else "—"
        up = str(r.upvotes) if r.upvotes is not None else ""
        title = r.title + (f"  [{', '.join(r.tags)}]" if r.tags else "")
        prefix = f"{n:>3}. " if numbered else ""
        click.echo(
            f"{prefix}{r.id:>{id_w}}  {star} {r.read_status.value:<7} {date:<10} {up:>4}  "
            f"{_clip(title, title_w)}"
        )
    click.echo(f"{len(records)} paper{'s' if len(records) != 1 else ''}")


def print_paper(r: PaperRecord) -> None:
    click.secho(r.title, bold=True)
    meta = [f"#{r.id}", r.read_status.value]
    if r.starred:
        meta.append("★ starred")
    if r.published:
        meta.append(r.published.isoformat() + (" (year inferred)" if r.year_inferred else ""))
    if r.authors_count is not None:
        meta.append(f"{r.authors_count} author{'s' if r.authors_count != 1 else ''}")
    if r.organization:
        meta.append(r.organization)
    if r.upvotes is not None:
        meta.append(f"{r.upvotes} upvotes")
    if r.incomplete:
        meta.append("incomplete entry")
    if r.trashed:
        meta.append("in the Trash")
    click.echo(" · ".join(meta))
    if r.tags:
        click.echo(f"Tags: {', '.join(r.tags)}")
    if r.shelves:
        click.echo(f"Shelves: {', '.join(r.shelves)}")
    click.echo()
    click.echo(click.wrap_text(r.abstract or "(no abstract)", width=min(_width(), 100)))
    if r.links:
        click.echo("\nLinks:")
        for link in r.links:
            click.echo(f"  {link}")
    if r.digests:
        click.echo("\nSeen in:")
        for s in r.digests:
            when = s.date.isoformat() if s.date else (s.date_label or "")
            click.echo(f"  {s.file_name} ({when}), entry {s.position + 1}")
    if r.note:
        click.echo("\nNote:")
        click.echo(r.note)


def print_shelves(shelves: Sequence[ShelfInfo]) -> None:
    if not shelves:
        click.echo("No shelves. Create one:  readinglist shelf create NAME")
        return
    name_w = max(len(s.name) for s in shelves)
    for s in shelves:
        kind = f"smart: {s.query}" if s.query else ""
        click.echo(f"{s.name:<{name_w}}  {s.count:>5}  {kind}".rstrip())


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
