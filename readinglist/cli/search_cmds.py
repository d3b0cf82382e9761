"""``readinglist search`` and ``readinglist similar``: ranked full-text search from a shell."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import click

from readinglist.cli import output, terminal
from readinglist.cli.completion_values import paper_ids
from readinglist.cli.context import State, pass_state, user_errors
from readinglist.core import Resolver, Scope
from readinglist.records import Hit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

SEARCH_EPILOG = """\b
Query language (docs/query-language.md has the whole table):
  catastrophic forgetting      both words, ranked (tuning also finds tuned)
  "low-rank adaptation"        an exact phrase
  lora OR adapter   diffus*    either word; a prefix
  vision -survey               without a word (also NOT survey)
  title:lora tag:peft note:x   in one field (also abstract: shelf: org:)
  is:starred is:unread         filters: is:skimmed is:read is:new is:trashed
  year:2024 date:2024-03..2024-06 upvotes:>=5 seen:>=2 added:7d

\b
Examples:
  readinglist search catastrophic forgetting
  readinglist search 'lora OR adapter year:2024' --limit 5
  readinglist search --json -- '-survey diffusion'

\b
Options come before QUERY; a query that starts with "-" follows "--", which ends the
options (everything after it is query)."""

SIMILAR_EPILOG = """\b
Example:
  readinglist similar 42 --limit 5"""

_BOLD_RE = re.compile(r"<b>(.*?)</b>", re.DOTALL)
# Bold markers: private-use characters, which terminal.clean() leaves alone.
BOLD_ON, BOLD_OFF, BOLD_PAIR = "\ue000", "\ue001", "\ue002"
_MARKS = BOLD_ON + BOLD_OFF + BOLD_PAIR
_MARKS_RE = re.compile(f"[{_MARKS}]")
_SPLIT_RE = re.compile(f"([{_MARKS}])")


@click.command(epilog=SEARCH_EPILOG)
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="At most this many papers.",
)
@click.option("--trash", "include_trashed", is_flag=True, help="Search the Trash too.")
@click.option("--json", "as_json", is_flag=True, help="Print paper objects with score and snippet.")
@pass_state
def search(
    state: State, query: tuple[str, ...], limit: int, include_trashed: bool, as_json: bool
) -> None:
    """Search the library, best matches first, with the matched words marked.

    The words of QUERY are joined by spaces; quote the query to keep quotes and
    parentheses from the shell. A query that starts with "-" goes after "--", and
    options before it: search --json -- '-survey diffusion'.
    """
    text = " ".join(query)
    scope = Scope.search(text)
    if include_trashed:
        scope = scope.with_trash()
    with user_errors():
        found = Resolver(state.library).resolve(scope, search_limit=limit, snippets=True)
        ids = found.ids[:limit]
        records = state.library.papers(ids)
    outcome = found.outcome
    hits = {h.id: h for h in outcome.hits} if outcome is not None else {}
    if outcome is not None and outcome.message:
        click.secho(terminal.clean(f"warning: {outcome.message}"), fg="yellow", err=True)
    if outcome is not None and outcome.suggestion:
        click.secho(terminal.clean(f"Did you mean: {outcome.suggestion}"), fg="cyan", err=True)
    pairs = [(hits.get(r.id) or _plain_hit(r), r) for r in records]
    if as_json:
        output.print_json([_hit_json(hit, record) for hit, record in pairs])
        return
    total = len(found.ids) if outcome is None or len(found.ids) < limit else outcome.total
    _print_hits(pairs, max(total, len(pairs)))


def _plain_hit(record: PaperRecord) -> Hit:
    """A paper found by conditions alone (is:starred, tag:x): no score, no snippet."""
    return Hit(record.id, 0.0, html.escape(record.title), "", "")


def _hit_json(hit: Hit, record: PaperRecord) -> dict[str, Any]:
    data = record.to_json()
    data["score"] = round(hit.score, 4)
    data["snippet"] = hit.snippet
    return data


def _print_hits(pairs: Sequence[tuple[Hit, PaperRecord]], total: int) -> None:
    if not pairs:
        click.echo("No papers found.")
        return
    columns = terminal.columns()
    width = min(columns, 110)
    for n, (hit, r) in enumerate(pairs, 1):
        star = "★" if r.starred else " "
        date = r.published.isoformat() if r.published else "—"
        head = f"{n:>3}. {r.id:>5} {star} {r.read_status.value:<7} {date:<10}  "
        marked = _BOLD_RE.sub(BOLD_ON + "\\1" + BOLD_OFF, hit.title_html)
        title = terminal.clean(html.unescape(marked))
        room = max(0, columns - terminal.width(head))
        click.echo(head + _terminal(_clip_marked(title, room)))
        if hit.snippet:
            snippet = click.wrap_text(
                terminal.clean(hit.snippet),
                width=width,
                initial_indent=" " * 8,
                subsequent_indent=" " * 8,
            )
            click.echo(_terminal(snippet.replace("**", BOLD_PAIR)))
    shown = len(pairs)
    more = f" of {total:,}" if total > shown else ""
    click.echo(f"{shown}{more} paper{'s' if total != 1 else ''}")


def _clip_marked(text: str, room: int) -> str:
    """``text`` cut to ``room`` columns, its bold markers taking none."""
    if terminal.width(_MARKS_RE.sub("", text)) <= room:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        cost = 0 if char in _MARKS else terminal.width(char)
        if used + cost > room - 1:
            break
        out.append(char)
        used += cost
    return "".join(out) + terminal.ELLIPSIS


def _terminal(text: str) -> str:
    """Matched words in bold (BOLD_ON..BOLD_OFF from HTML, BOLD_PAIR pairs from the snippet)."""
    out: list[str] = []
    bold = False
    for part in _SPLIT_RE.split(text):
        if part in _MARKS:
            bold = part == BOLD_ON or (part == BOLD_PAIR and not bold)
            continue
        if part:
            out.append(click.style(part, bold=True) if bold else part)
    return "".join(out)


@click.command(epilog=SIMILAR_EPILOG)
@click.argument("paper_id", type=int, shell_complete=paper_ids)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="At most this many papers.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print paper objects with score and shared_terms."
)
@pass_state
def similar(state: State, paper_id: int, limit: int, as_json: bool) -> None:
    """Papers like PAPER_ID (by the words of title and abstract), with the words they share."""
    with user_errors():
        paper = state.library.paper(paper_id)
        found = state.library.similar(paper_id, limit=limit)
        records = {r.id: r for r in state.library.papers([s.id for s in found])}
    if as_json:
        rows = []
        for s in found:
            if s.id in records:
                data = records[s.id].to_json()
                data["score"] = round(s.score, 4)
                data["shared_terms"] = list(s.shared_terms)
                rows.append(data)
        output.print_json(rows)
        return
    columns = terminal.columns()
    click.echo(terminal.clip(terminal.clean(f"Papers like #{paper.id}: {paper.title}"), columns))
    if not found:
        click.echo("No similar papers.")
        return
    for n, s in enumerate(found, 1):
        r = records.get(s.id)
        if r is None:
            continue
        click.echo(terminal.clip(terminal.clean(f"{n:>3}. {r.id:>5}  {r.title}"), columns))
        if s.shared_terms:
            shares = " " * 13 + "shares: " + ", ".join(s.shared_terms)
            click.echo(terminal.clip(terminal.clean(shares), columns))
