"""Markdown reading lists: one section per paper, or a checklist ticked from read status."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from readinglist.exporters.common import (
    DEFAULT_TITLE,
    ExportOptions,
    date_text,
    http_links,
    one_line,
    plural,
)
from readinglist.exporters.notes import safe_markdown
from readinglist.records import ReadStatus

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

# Characters that start inline markup somewhere in CommonMark or a common extension (GFM
# strikethrough and tables, $math$). Backslash-escaping any ASCII punctuation is valid.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&$])")
# At the start of a line these begin a block (list item, thematic break, ordered list).
_BLOCK_START = re.compile(r"^([-+=]|\d{1,9}(?=[.)]))")


def escape(text: str) -> str:
    """User text as literal Markdown: one line, every markup character escaped."""
    text = _INLINE.sub(r"\\\1", one_line(text))
    match = _BLOCK_START.match(text)
    if match is None:
        return text
    if match.group(1)[0].isdigit():
        # "2024. A year" would start an ordered list: escape the dot or parenthesis after it.
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def autolink(url: str) -> str:
    """An autolink ``<url>``; the characters an autolink cannot hold are percent-encoded."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


def render(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    """A readable reading list: a heading, then one section per paper."""
    out = _header(records, options)
    for n, r in enumerate(records, 1):
        out.append(f"## {n}. {escape(r.title)}")
        out.append("")
        out += _details(r, options, indent="")
    return "\n".join(out).rstrip("\n") + "\n"


def render_checklist(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    """A task list: ``- [x]`` for papers marked read, ``- [ ]`` for the rest."""
    out = _header(records, options)
    for r in records:
        box = "[x]" if r.read_status is ReadStatus.READ else "[ ]"
        out.append(f"- {box} **{escape(r.title)}**")
        details = _details(r, options, indent="  ")
        if details:
            out.append("")
            out += details
    return "\n".join(out).rstrip("\n") + "\n"


def _header(records: Sequence[PaperRecord], options: ExportOptions) -> list[str]:
    out = [f"# {escape(options.title or DEFAULT_TITLE)}", ""]
    summary = [plural(len(records), "paper")]
    if options.description:
        summary.insert(0, options.description)
    if options.generated is not None:
        summary.append(f"exported on {options.generated.isoformat()}")
    out += ["*" + escape(" · ".join(summary)) + "*", ""]
    return out


def _meta(r: PaperRecord) -> list[str]:
    meta = []
    if r.published:
        meta.append(date_text(r) + (" (year inferred)" if r.year_inferred else ""))
    if r.upvotes is not None:
        meta.append(plural(r.upvotes, "upvote"))
    if r.authors_count is not None:
        meta.append(plural(r.authors_count, "author"))
    if r.organization:
        meta.append(r.organization)
    meta.append(r.read_status.value)
    if r.starred:
        meta.append("★ starred")
    return meta


def _details(r: PaperRecord, options: ExportOptions, *, indent: str) -> list[str]:
    """The lines under a paper's title; ``indent`` keeps them inside a list item."""
    blocks: list[list[str]] = [[escape(" · ".join(_meta(r)))]]
    if r.tags:
        blocks.append(["Tags: " + ", ".join(escape(t) for t in r.tags)])
    links = http_links(r)
    if links:
        blocks.append(["Links: " + " ".join(autolink(u) for u in links)])
    if options.abstracts and r.abstract.strip():
        blocks.append([escape(r.abstract)])
    if options.notes and r.note.strip():
        # The note is the user's own Markdown, inside a block quote: kept as written when
        # asked, else with raw HTML escaped and only http(s) links (exporters.notes).
        note = r.note if options.notes_verbatim else safe_markdown(r.note)
        lines = note.strip("\n").splitlines()
        blocks.append(["> **Note**", ">", *(f"> {line}".rstrip() for line in lines)])
    out: list[str] = []
    for block in blocks:
        out += [f"{indent}{line}".rstrip() for line in block]
        out.append("")
    return out
