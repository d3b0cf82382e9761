"""Real readers for every export format, shared by the format tests and the end-to-end test."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import html5lib
import rispy
from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string as parse_bibtex
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pybtex.database import parse_string
from pybtex.richtext import Text

# What each stock reader is known to misread, whatever the form (docs/exporting.md): pybtex's
# LaTeX parser takes every brace as grouping and knows no \$ nor a caret but as an accent.
PYBTEX_CANNOT_READ = frozenset("{}$^")


def bibtexparser_entries(text: str) -> list[dict[str, str]]:
    """Entries as stock bibtexparser v2 reads them, with its stock LaTeX decoding middleware.

    Fails on any block it could not parse.
    """
    library = parse_bibtex(text, append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return [
        {"key": e.key, "type": e.entry_type, **{f.key: str(f.value) for f in e.fields}}
        for e in library.entries
    ]


def pybtex_entries(text: str) -> list[dict[str, str]]:
    """Entries as pybtex reads them (strict BibTeX rules), fields decoded the way pybtex's
    styles decode them (``Text.from_latex``, latexcodec), rendered as plain text."""
    data = parse_string(text, "bibtex")
    out = []
    for key, entry in data.entries.items():
        fields = {
            name.lower(): Text.from_latex(value).render_as("text")
            for name, value in entry.fields.items()
        }
        for role, people in entry.persons.items():
            fields[role.lower()] = " and ".join(_full_name(p) for p in people)
        out.append({"key": key, "type": entry.type, **fields})
    return out


def _full_name(person: Any) -> str:
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    name = " ".join(Text.from_latex(p).render_as("text") for p in parts)
    return name + "".join(", " + Text.from_latex(p).render_as("text") for p in person.lineage_names)


def ris_entries(text: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = rispy.loads(text)
    return entries


def csl_bibliography(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The CSL items and citeproc-py's rendering of them as a bibliography (plain text)."""
    items: list[dict[str, Any]] = json.loads(text)
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return items, [str(entry) for entry in bibliography.bibliography()]


def html_document(text: str) -> Any:
    """An HTML5 parse (html5lib, strict: a parse error fails the test), as an ElementTree."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(text)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def markdown_tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").parse(text)


def inline_text(token: Token) -> str:
    """The text a Markdown renderer shows for an inline token (no markup)."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


def markdown_texts(text: str) -> list[str]:
    """The text of every paragraph and heading, as a reader sees it."""
    return [inline_text(t) for t in markdown_tokens(text) if t.type == "inline"]
