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
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# LaTeX2e text commands the BibTeX export uses that pylatexenc's database lacks (or renders
# as a look-alike, like \textasciicircum as U+02C6). Their meaning is LaTeX's own.
_TEXT_COMMANDS = {
    "textbraceleft": "{",
    "textbraceright": "}",
    "textless": "<",
    "textgreater": ">",
    "textquotedbl": '"',
    "textasciicircum": "^",
    "textasciitilde": "~",
    "textbackslash": "\\",
}


def _latex_decoder() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category(
        "latex2e-text-commands",
        macros=[MacroTextSpec(name, text) for name, text in _TEXT_COMMANDS.items()],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


LATEX = _latex_decoder()


def latex_to_text(value: str) -> str:
    return str(LATEX.latex_to_text(value))


def bibtexparser_entries(text: str) -> list[dict[str, str]]:
    """Entries as bibtexparser v2 reads them, LaTeX decoded; fails on any unparsed block."""
    library = parse_bibtex(
        text, append_middleware=[middlewares.LatexDecodingMiddleware(decoder=LATEX)]
    )
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return [
        {"key": e.key, "type": e.entry_type, **{f.key: str(f.value) for f in e.fields}}
        for e in library.entries
    ]


def pybtex_entries(text: str) -> list[dict[str, str]]:
    """Entries as pybtex reads them (strict BibTeX rules), fields LaTeX decoded."""
    data = parse_string(text, "bibtex")
    out = []
    for key, entry in data.entries.items():
        fields = {name.lower(): latex_to_text(value) for name, value in entry.fields.items()}
        out.append({"key": key, "type": entry.type, **fields})
    return out


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
