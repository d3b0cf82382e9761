"""BibTeX: one ``@misc`` entry per paper, in forms that every common reader reads alike.

Text stays UTF-8 (biber, pybtex, bibtexparser, Zotero and JabRef read it). Each character
that means something to BibTeX or LaTeX is written in the form that the most of four
readers read as that same character: bibtexparser 2 with its stock LaTeX decoding, pybtex,
Zotero's BibTeX import and LaTeX with its default OT1 font encoding. LaTeX must never stop
on our text; a glyph that only T1 fonts hold (``<`` under OT1 prints ``¡``) is accepted.
docs/exporting.md has the table of what each reader does with each form and why it won.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from readinglist.exporters.common import (
    ARXIV_ABS,
    MONTHS,
    ExportOptions,
    citation_keys,
    http_links,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

_FORMS = {
    "\\": r"\textbackslash{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",  # pybtex shows \$, but a bare $ would open math mode in LaTeX
    "~": r"\textasciitilde{}",  # a bare ~ is a no-break space
    "^": r"\string^",  # \^{} and \textasciicircum are read as an accent by the others
    '"': '{"}',  # braced: babel's German makes a bare " an umlaut shorthand
    "<": "{<}",  # \textless is read by LaTeX alone
    ">": "{>}",
    "\u00a0": "~",
}
_TABLE = str.maketrans(_FORMS)

# Characters TeX joins into others (-- en dash, `` and '' curly quotes, ,, low quotes, ?` and
# !` inverted marks) and pairs Zotero's import joins (!! ?! !?): an empty group keeps them.
_SAME_PAIR = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=[?!])(?=[`!?])")

# Line breaks and runs of spaces become one space; a no-break space is kept (written ~).
_SPACES = re.compile(r"[^\S\u00a0]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# A URL is written as it is (LaTeX's \url prints it verbatim) but for what BibTeX readers
# would decode: braces and backslashes, % (a comment) and ~ (a no-break space).
_URL_TABLE = str.maketrans(
    {"%": r"\%", "{": r"\%7B", "}": r"\%7D", "\\": r"\%5C", "~": r"\%7E", " ": r"\%20"}
)


def _braces(text: str) -> str:
    """Braces as ``\\{ \\}`` where they pair up; a lone one gets an invisible partner.

    BibTeX counts every brace, escaped or not, so a lone ``\\{`` would unbalance the entry;
    ``\\vphantom`` gives it a partner that prints nothing (the form Zotero writes too).
    """
    opened: list[int] = []
    lone: set[int] = set()
    for n, char in enumerate(text):
        if char == "{":
            opened.append(n)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                lone.add(n)
    lone.update(opened)
    out = []
    for n, char in enumerate(text):
        if char == "{":
            out.append(r"\{\vphantom{\}}" if n in lone else r"\{")
        elif char == "}":
            out.append(r"\vphantom{\{}\}" if n in lone else r"\}")
        else:
            out.append(char.translate(_TABLE))
    return "".join(out)


def escape(text: str) -> str:
    """One line of text as the body of a braced BibTeX field."""
    flat = _SPACES.sub(" ", _CONTROL.sub("", text)).strip(" ")
    return _SAME_PAIR.sub("{}", _braces(flat))


def escape_lines(text: str) -> str:
    """Several lines (a note): each line escaped, line breaks kept, blank runs shortened."""
    lines = [escape(line) for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def name_list(authors: Sequence[str]) -> str:
    """``author`` field text: full names joined by ``and``; odd names braced whole."""
    names = []
    for name in authors:
        body = escape(name)
        if not body:
            continue
        # A comma or a lone "and" would split the name; braces keep it one (corporate) name.
        if "," in body or re.search(r"\band\b", body, re.IGNORECASE):
            body = "{" + body + "}"
        names.append(body)
    return " and ".join(names)


def render(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    keys = citation_keys(records)
    out = [
        "% Encoding: UTF-8",
        f"% Exported from readinglist: {len(records)} entries.",
        "",
    ]
    for r in records:
        out.append(_entry(keys[r.id], r, options))
    return "\n".join(out)


def _entry(key: str, r: PaperRecord, options: ExportOptions) -> str:
    # Double braces keep the title's capitals (acronyms, model names) through BibTeX styles.
    fields: list[tuple[str, str]] = [("title", "{{" + escape(r.title) + "}}")]
    authors = name_list(r.authors)
    if authors:
        fields.append(("author", "{" + authors + "}"))
    if r.published:
        fields.append(("year", f"{{{r.published.year}}}"))
        fields.append(("month", MONTHS[r.published.month - 1]))  # a standard macro
        fields.append(("date", "{" + r.published.isoformat() + "}"))  # biblatex, Zotero: the day
    if r.arxiv_id:
        # arXiv's own export writes eprint and archivePrefix; biblatex and Zotero read
        # eprinttype. The primary category is not known to readinglist yet.
        fields.append(("eprint", "{" + escape(r.arxiv_id) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        fields.append(("eprinttype", "{arxiv}"))
    if options.abstracts and r.abstract.strip():
        fields.append(("abstract", "{" + escape(r.abstract) + "}"))
    if r.tags:
        fields.append(("keywords", "{" + escape(", ".join(r.tags)) + "}"))
    if options.notes and r.note.strip():
        # annote, never note: plain, unsrt and biblatex print note in the bibliography.
        fields.append(("annote", "{" + escape_lines(r.note) + "}"))
    links = http_links(r)
    if not links and r.arxiv_id:
        links = [ARXIV_ABS + r.arxiv_id]
    if links:
        fields.append(("url", "{" + links[0].translate(_URL_TABLE) + "}"))
    if len(links) > 1:
        # BibTeX has one url; BibDesk's numbered fields carry them all (styles ignore them).
        fields += [
            (f"bdsk-url-{n}", "{" + u.translate(_URL_TABLE) + "}") for n, u in enumerate(links, 1)
        ]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body},\n}}\n"
