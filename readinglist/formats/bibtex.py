"""BibTeX files (readinglist, Zotero, JabRef, arXiv, Google Scholar) read with bibtexparser 2.

LaTeX in field values is decoded by pylatexenc, the decoder bibtexparser ships with, taught
the text commands that reference managers write and LaTeX defines (``\\textless``,
``\\textquotedbl``, Zotero's ``\\vphantom`` brace partners...): these are LaTeX's own
meanings, not readinglist's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from readinglist.formats.common import (
    FormatError,
    arxiv_id,
    capped,
    clean,
    date_of,
    decode,
    fingerprint,
    first_arxiv_id,
    iso_date,
    note_text,
    web_links,
)
from readinglist.incoming import SourceFile, SourcePaper

if TYPE_CHECKING:
    from bibtexparser.middlewares.names import NameParts

# LaTeX2e text commands that pylatexenc lacks or reads as look-alikes (\textasciicircum as
# U+02C6), and commands that print nothing (\vphantom) or only their argument (\string).
_TEXT_COMMANDS = {
    "textasciicircum": "^",
    "textasciitilde": "~",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textquotedbl": '"',
    "textbraceleft": "{",
    "textbraceright": "}",
    "textbackslash": "\\",
    "textunderscore": "_",
    "textdollar": "$",
}


def _decoder() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    db.add_context_category(
        "readinglist-import",
        prepend=True,
        macros=[
            *(MacroTextSpec(name, text) for name, text in _TEXT_COMMANDS.items()),
            MacroTextSpec("vphantom", ""),
            MacroTextSpec("string", ""),
            MacroTextSpec("url", simplify_repl="%s"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


_LATEX = _decoder()
_TEXT_FIELDS = ("title", "abstract", "keywords", "annote", "eprint", "archiveprefix")


# What the decoder changes at all: these characters, and these pairs (ligatures, quotes,
# display math). Text without any of them reads as it is written (tests/formats pin it).
DECODED = re.compile(r"[%&\\{}~]|!`|\$\$|''|--|\?`|``")
_CONTROL_WORD_END = re.compile(r"\\[A-Za-z]+$")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")


def latex_to_text(value: str) -> str:
    """LaTeX as plain text, as pylatexenc reads it, but only where the text holds LaTeX.

    pylatexenc reads a character at a time (about 15 ms for an abstract); most words of an
    abstract hold nothing it would change. The text is cut at spaces outside braces into
    pieces, and only the pieces that hold something the decoder changes are decoded; a
    comment (an unescaped %) or math can reach past a piece, so such text is decoded whole.
    """
    if not DECODED.search(value):
        return value
    if _UNESCAPED_PERCENT.search(value) or "$" in value:
        return _decode(value)  # a comment or math may reach past a word: read it all
    value = _ungrouped(value)
    out: list[str] = []
    piece = ""
    for part in re.split(r"(\s+)", value):
        piece += part
        if not part or part.isspace() or _open(piece):
            continue
        out.append(_decode(piece) if DECODED.search(piece) else piece)
        piece = ""
    if piece:
        out.append(_decode(piece) if DECODED.search(piece) else piece)
    return "".join(out)


def _ungrouped(value: str) -> str:
    """The text inside braces that hold all of it (``{{Title}}``, as titles are written):
    such braces print nothing, and the words inside can then be decoded one by one."""
    while value[:1] == "{" and value[-1:] == "}":
        depth = 0
        for n, char in enumerate(re.sub(r"\\.", "..", value)):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0 and n < len(value) - 1:
                return value  # the first brace closes before the end
        if depth != 0:
            return value  # the last brace is escaped: the first is never closed
        value = value[1:-1]
    return value


def _open(piece: str) -> bool:
    """Whether a piece must go on to the next word: a brace or math left open, or a control
    word whose argument may follow after the space."""
    if "{" not in piece and "\\" not in piece:
        return False
    depth = 0
    for char in re.sub(r"\\.", "", piece):
        depth += {"{": 1, "}": -1}.get(char, 0)
    return depth > 0 or bool(_CONTROL_WORD_END.search(piece))


def _decode(value: str) -> str:
    return str(_LATEX.latex_to_text(value))


def read(data: bytes) -> SourceFile:
    text, warnings = decode(data)
    library = parse_string(text)  # parsing only: values decoded field by field
    blocks = sorted([*library.entries, *library.failed_blocks], key=lambda b: b.start_line or 0)
    papers: list[SourcePaper] = []
    for number, block in enumerate(blocks, 1):
        where = f"entry {number} (line {(block.start_line or 0) + 1})"
        if not isinstance(block, Entry):
            reason = _reason(block) if isinstance(block, ParsingFailedBlock) else "not an entry"
            warnings.append(f"{where}: skipped, not valid BibTeX ({reason})")
            continue
        try:
            paper = _paper(block, number - 1)
        except (ValueError, TypeError, RecursionError) as err:
            warnings.append(f"{where}: skipped ({err})")
            continue
        if paper is None:
            warnings.append(f"{where}: skipped, it has no title")
            continue
        papers.append(paper)
    if not papers:
        if blocks:
            raise FormatError("no entry could be read: " + "; ".join(warnings[:3]))
        raise FormatError("no BibTeX entries (@article{...}, @misc{...}) in the file")
    return SourceFile(
        format="bibtex",
        papers=tuple(papers),
        fingerprint=fingerprint(text),
        listing=False,
        warnings=capped(warnings),
    )


def _reason(block: ParsingFailedBlock) -> str:
    reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
    return clean(str(reason)).rstrip(".")[:200]


def _field(entry: Entry, name: str) -> str:
    for f in entry.fields:
        if f.key.lower() == name:
            return str(f.value)
    return ""


def _text(entry: Entry, name: str) -> str:
    raw = _field(entry, name)
    return clean(latex_to_text(raw)) if raw else ""


def _paper(entry: Entry, position: int) -> SourcePaper | None:
    title = _text(entry, "title")
    if not title:
        return None
    eprint = _text(entry, "eprint")
    prefix = (_text(entry, "archiveprefix") or _text(entry, "eprinttype")).lower()
    url = _url(_field(entry, "url"))
    more = [_url(_field(entry, f"bdsk-url-{n}")) for n in range(1, _numbered(entry) + 1)]
    # eprint when it is an arXiv one; else an arXiv URL, DOI, or "arXiv:..." in the journal or
    # the note (Zotero writes "arXiv:2403.01234 [cs]" to note, Google Scholar to journal).
    found = (arxiv_id(eprint) if prefix in {"arxiv", ""} else None) or first_arxiv_id(
        [url, *(_field(entry, name) for name in ("doi", "journal", "note", "howpublished"))]
    )
    date = iso_date(_field(entry, "date")) or date_of(
        _field(entry, "year"), _field(entry, "month"), _field(entry, "day")
    )
    keywords = _text(entry, "keywords")
    annote = _field(entry, "annote")
    return SourcePaper(
        title=title,
        abstract=_text(entry, "abstract"),
        position=position,
        authors=_authors(_field(entry, "author")),
        published=date if _field(entry, "year") or _field(entry, "date") else None,
        links=web_links([url, *more]),
        arxiv_id=found,
        citekey=entry.key or None,
        tags=tuple(t for t in (clean(k) for k in re.split(r"[,;]", keywords)) if t),
        note=note_text("\n".join(latex_to_text(line) for line in annote.splitlines())),
    )


def _numbered(entry: Entry) -> int:
    """How many ``bdsk-url-N`` fields (BibDesk's list of a paper's links) the entry has."""
    numbers = [int(m[1]) for f in entry.fields if (m := _BDSK_URL.match(f.key.lower()))]
    return max(numbers, default=0)


_BDSK_URL = re.compile(r"^bdsk-url-([0-9]{1,3})$")
# What writers percent-encode in a BibTeX URL because BibTeX or LaTeX would read it: the
# same address either way, given back as the characters (readinglist writes them so).
_URL_ESCAPES = {"%7e": "~", "%7b": "{", "%7d": "}", "%5c": "\\"}


def _url(raw: str) -> str:
    # URLs are verbatim but for BibTeX's escapes.
    text = re.sub(r"\\([%#&_$])", r"\1", raw.strip())
    return re.sub(r"%(?:7[ebdEBD]|5[cC])", lambda m: _URL_ESCAPES[m[0].lower()], text)


def _authors(raw: str) -> tuple[str, ...]:
    if not raw.strip():
        return ()
    entry = Entry("misc", "k", [])
    entry.set_field(Field("author", raw))
    lib = Library([entry])
    for mw in (middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()):
        lib = mw.transform(lib)
    names: Any = lib.entries[0]["author"]
    return tuple(n for n in (_full(parts) for parts in names) if n)


def _full(parts: NameParts) -> str:
    words = [latex_to_text(w) for w in (*parts.first, *parts.von, *parts.last)]
    name = clean(" ".join(words))
    jr = clean(" ".join(latex_to_text(w) for w in parts.jr))
    return f"{name}, {jr}" if jr and name else name
