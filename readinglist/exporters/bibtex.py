"""BibTeX: one ``@misc`` entry per paper, escaped so that BibTeX, biber and parsers agree.

Text stays UTF-8 (biber, pybtex, bibtexparser, Zotero and JabRef read it); only the
characters that mean something to BibTeX or LaTeX are replaced by commands. Braces become
``\\textbraceleft{}``/``\\textbraceright{}`` rather than ``\\{``: BibTeX counts every brace,
escaped or not, so a lone ``\\{`` would unbalance the entry.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from readinglist.exporters.common import MONTHS, ExportOptions, citation_keys, http_links, one_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    '"': r"\textquotedbl{}",  # a bare " is an umlaut shorthand under babel's German
}
_TABLE = str.maketrans(_LATEX)

# Characters a URL in a braced field cannot hold as they are.
_URL_TABLE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C"})


# TeX joins these pairs into other characters (-- en dash, `` and '' curly quotes, ,, low
# quotes, ?` and !` inverted marks); an empty group between them keeps the text as written.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=[?!])(?=`)")


def escape(text: str) -> str:
    """One line of text as the body of a braced BibTeX field."""
    return _LIGATURE.sub("{}", one_line(text).translate(_TABLE))


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
    if r.published:
        fields.append(("year", f"{{{r.published.year}}}"))
        fields.append(("month", MONTHS[r.published.month - 1]))  # a standard macro
    if options.abstracts and r.abstract.strip():
        fields.append(("abstract", "{" + escape(r.abstract) + "}"))
    if r.tags:
        fields.append(("keywords", "{" + escape(", ".join(r.tags)) + "}"))
    if options.notes and r.note.strip():
        fields.append(("note", "{" + escape(r.note) + "}"))
    links = http_links(r)
    if links:
        fields.append(("url", "{" + links[0].translate(_URL_TABLE) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body},\n}}\n"
