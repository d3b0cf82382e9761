"""One self-contained HTML page: inline CSS, no scripts, no network; every text escaped."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from readinglist.exporters.common import (
    DEFAULT_TITLE,
    ExportOptions,
    date_text,
    http_links,
    plural,
)
from readinglist.exporters.notes import note_html
from readinglist.urls import find_urls

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

# Defence in depth: even if markup slipped through, the page may load nothing and run nothing.
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

_CSS = """\
:root { color-scheme: light dark; --muted: #5f6368; --line: #d0d4d9; --accent: #1a5fb4; }
@media (prefers-color-scheme: dark) {
  :root { --muted: #a8adb4; --line: #3c4043; --accent: #8ab4f8; }
}
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  max-width: 46rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0 0 .25rem; }
a { color: var(--accent); }
.summary, .meta { color: var(--muted); font-size: .9rem; margin: 0 0 .5rem; }
ol.papers { list-style: none; padding: 0; margin: 1rem 0; counter-reset: paper; }
li.paper { border-top: 1px solid var(--line); padding: 1rem 0; break-inside: avoid; }
li.paper h2::before { counter-increment: paper; content: counter(paper) ". "; color: var(--muted); }
ul.tags { list-style: none; padding: 0; margin: 0 0 .5rem;
  display: flex; flex-wrap: wrap; gap: .3rem; }
ul.tags li { border: 1px solid var(--line); border-radius: 1rem;
  padding: 0 .6rem; font-size: .85rem; }
ul.links { padding-left: 1.2rem; margin: 0 0 .5rem; font-size: .9rem; }
.abstract { margin: 0 0 .5rem; }
.note { border-left: 3px solid var(--accent); padding: .25rem .75rem; margin: .5rem 0 0; }
.note h3 { font-size: .85rem; margin: 0; color: var(--muted); text-transform: uppercase; }
.note p { margin: .25rem 0; }
.status-read { font-weight: 600; }
footer { color: var(--muted); font-size: .8rem;
  border-top: 1px solid var(--line); padding-top: .5rem; }
@media print {
  body { max-width: none; font-size: 11pt; color: #000; }
  a { color: #000; }
  ul.links a::after { content: " (" attr(href) ")"; }
}
"""


def linkify(text: str) -> str:
    """Escape ``text`` and make its http(s) URLs clickable; nothing else becomes markup."""
    out: list[str] = []
    pos = 0
    for found in find_urls(text):
        out.append(escape(text[pos : found.start]))
        out.append(_anchor(found.url, found.url))
        pos = found.end
    out.append(escape(text[pos:]))
    return "".join(out)


def _anchor(url: str, label: str) -> str:
    return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(label)}</a>'


def render(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    """The whole page as one string (UTF-8 when written)."""
    summary = [plural(len(records), "paper")]
    if options.description:
        summary.insert(0, options.description)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="readinglist">',
        f"<title>{escape(options.title or DEFAULT_TITLE)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(options.title or DEFAULT_TITLE)}</h1>",
        f'<p class="summary">{escape(" · ".join(summary))}</p>',
        "</header>",
        "<main>",
        '<ol class="papers">',
    ]
    for n, r in enumerate(records, 1):
        parts.append(_paper(n, r, options))
    parts += ["</ol>", "</main>"]
    if options.generated is not None:
        parts.append(
            f"<footer>Exported from readinglist on "
            f'<time datetime="{options.generated.isoformat()}">'
            f"{options.generated.isoformat()}</time>.</footer>"
        )
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _paper(n: int, r: PaperRecord, options: ExportOptions) -> str:
    meta: list[str] = []
    if r.published:
        inferred = " (year inferred)" if r.year_inferred else ""
        meta.append(f'<time datetime="{date_text(r)}">{date_text(r)}</time>{inferred}')
    if r.upvotes is not None:
        meta.append(escape(plural(r.upvotes, "upvote")))
    if r.authors_count is not None:
        meta.append(escape(plural(r.authors_count, "author")))
    if r.organization:
        meta.append(escape(r.organization))
    meta.append(f'<span class="status-{r.read_status.value}">{r.read_status.value}</span>')
    if r.starred:
        meta.append("★ starred")
    out = [
        f'<li class="paper" id="paper-{n}">',
        f"<h2>{escape(r.title)}</h2>",
        f'<p class="meta">{" · ".join(meta)}</p>',
    ]
    if r.tags:
        out.append('<ul class="tags">' + "".join(f"<li>{escape(t)}</li>" for t in r.tags) + "</ul>")
    links = http_links(r)
    if links:
        out.append(
            '<ul class="links">' + "".join(f"<li>{_anchor(u, u)}</li>" for u in links) + "</ul>"
        )
    if options.abstracts and r.abstract.strip():
        out.append(f'<p class="abstract">{linkify(r.abstract.strip())}</p>')
    if options.notes and r.note.strip():
        # The user's Markdown, rendered as the app renders it (readinglist.exporters.notes).
        out.append(f'<section class="note"><h3>Note</h3>\n{note_html(r.note)}</section>')
    out.append("</li>")
    return "\n".join(out)
