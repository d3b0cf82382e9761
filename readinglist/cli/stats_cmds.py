"""``readinglist stats``: the backlog, imports, shelf ages and tags, as text or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from readinglist import stats as stats_service
from readinglist.cli import output, terminal
from readinglist.cli.context import State, pass_state
from readinglist.cli.terminal import clean

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.stats import AgeStat, LibraryStats

TEXT_WEEKS = 12
BAR = 24
WEEK_COLUMNS = 46  # a week's line without its bar

STATS_EPILOG = """\b
How the backlog over time is estimated: a paper is unread from the week it was
added; a paper skimmed or read now counts as such from the week of its last edit
(the library keeps no history of read statuses). Papers in the Trash and papers
dismissed in triage are not part of the backlog. Weeks start on Monday.

\b
Examples:
  readinglist stats
  readinglist stats --weeks 52
  readinglist stats --json | jq '.weeks[-1]'"""


@click.command(epilog=STATS_EPILOG)
@click.option(
    "--weeks",
    type=click.IntRange(min=1),
    help=f"Only the last N weeks of the weekly figures (text default: {TEXT_WEEKS}; JSON: all).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=stats_service.DEFAULT_TOP,
    show_default=True,
    help="How many tags and most-seen papers to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@pass_state
def stats(state: State, weeks: int | None, top: int, as_json: bool) -> None:
    """Show whether the reading backlog grows: imports, read status by week, shelf ages, tags."""
    figures = stats_service.compute(state.library, top=top)
    if as_json:
        data = figures.to_json()
        if weeks is not None:
            data["weeks"] = data["weeks"][-weeks:]
        output.print_json(data)
    else:
        print_stats(figures, weeks or TEXT_WEEKS)


def _bar(value: float, largest: float, room: int = BAR) -> str:
    if largest <= 0 or value <= 0 or room <= 0:
        return ""
    return "█" * max(1, round(min(BAR, room) * value / largest))


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def print_stats(s: LibraryStats, weeks: int) -> None:
    """The human summary: a few lines per question, newest weeks last."""
    status = ", ".join(f"{n} {name}" for name, n in s.by_status.items())
    extra = [f"{s.dismissed} dismissed"] if s.dismissed else []
    extra += [f"{s.trashed} in the Trash"] if s.trashed else []
    click.echo(
        f"Papers: {s.papers}"
        + (f" ({status})" if s.papers else "")
        + "".join(f"; {e}" for e in extra)
    )
    if not s.papers and not s.trashed:
        click.echo("Nothing to count yet. Import a digest:  readinglist import DIGEST.txt")
        return
    change = s.backlog_change(4)
    trend = "growing" if change > 0 else "shrinking" if change < 0 else "steady"
    click.echo(f"Backlog: {s.backlog} unread ({change:+d} over the last 4 weeks: {trend})")
    age = s.unread_age
    if age.unread:
        click.echo(
            f"Unread papers have waited {_days(age.median_days)} days (median), "
            f"{_days(age.max_days)} at most"
        )
    _weeks_table(s, weeks)
    _digests_table(s)
    _shelves_table(s.shelves)
    if s.top_tags:
        click.echo("\nTop tags:")
        names = [clean(t.name) for t in s.top_tags]
        width = max(terminal.width(name) for name in names)
        largest = max(t.count for t in s.top_tags)
        for name, t in zip(names, s.top_tags, strict=True):
            line = f"  {terminal.ljust(name, width)}  {t.count:>5}  {_bar(t.count, largest)}"
            click.echo(terminal.clip(line, terminal.columns()))
    if s.most_seen:
        click.echo("\nMost seen (in the most digests):")
        for m in s.most_seen:
            line = f"  {m.seen:>2}×  #{m.paper_id:<5} {m.read_status.value:<7}  {clean(m.title)}"
            click.echo(terminal.clip(line, terminal.columns()))


def _weeks_table(s: LibraryStats, weeks: int) -> None:
    shown = s.weeks[-weeks:]
    note = (
        f" (last {len(shown)} of {len(s.weeks)}; --weeks N for more)"
        if len(shown) < len(s.weeks)
        else ""
    )
    click.echo(f"\nBy week{note}:")
    click.echo(
        f"  {'week of':<10}  {'added':>5}  {'unread':>6}  {'skimmed':>7}  {'read':>5}  unread"
    )
    largest = max(w.unread for w in shown)
    for w in shown:
        click.echo(
            f"  {w.week.isoformat():<10}  {w.added:>5}  {w.unread:>6}  {w.skimmed:>7}  "
            f"{w.read:>5}  {_bar(w.unread, largest, terminal.columns() - WEEK_COLUMNS)}"
        )


def _digests_table(s: LibraryStats) -> None:
    if not s.digests:
        return
    click.echo("\nDigests (oldest first):")
    files = [clean(d.file_name) for d in s.digests]
    width = min(40, max(terminal.width(name) for name in files))
    click.echo(f"  {'date':<10}  {'file':<{width}}  {'entries':>7}  {'papers':>6}  {'new':>5}")
    for file_name, d in zip(files, s.digests, strict=True):
        when = d.date.isoformat() if d.date else clean(d.date_label or "—")
        name = terminal.ljust(terminal.clip(file_name, width), width)
        counts = f"{d.entries:>7}  {d.papers:>6}  {d.new_papers:>5}"
        click.echo(f"  {terminal.ljust(when, 10)}  {name}  {counts}")


def _shelves_table(shelves: Sequence[AgeStat]) -> None:
    if not shelves:
        return
    click.echo("\nUnread papers on each shelf (days since added):")
    names = [clean(a.name) + (" (smart)" if a.kind == "smart" else "") for a in shelves]
    width = max(terminal.width(n) for n in names)
    click.echo(f"  {'shelf':<{width}}  {'papers':>6}  {'unread':>6}  {'median':>6}  {'max':>6}")
    for name, a in zip(names, shelves, strict=True):
        click.echo(
            f"  {terminal.ljust(name, width)}  {a.papers:>6}  {a.unread:>6}  "
            f"{_days(a.median_days):>6}  {_days(a.max_days):>6}"
        )
