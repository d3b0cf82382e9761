"""A user's Markdown note in an export: rendered as the app renders it, and made safe.

Notes can come from someone else's bundle, so an export never lets one run anything: no raw
HTML passes through and only http and https links stay links. HTML exports render the note
with markdown-it (CommonMark, tables, strikethrough, bare links: what the app's Qt view
shows); Markdown exports keep the note as Markdown with its HTML escaped and other links
turned into text, unless the user asks for the note verbatim.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from readinglist.urls import LINKIFY, web_url


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.disable("image")  # a picture would load from the network when the page opens
    md.linkify = LINKIFY  # the one URL rule
    md.validateLink = lambda url: web_url(url) is not None  # type: ignore[method-assign]
    return md


_MD = _renderer()


def note_html(note: str) -> str:
    """The note as HTML: raw HTML escaped, links only to http(s) pages."""
    html: str = _MD.render(note.strip())
    return html.replace("<a href=", '<a rel="noopener noreferrer" href=')


# -- safe Markdown ----------------------------------------------------------------------------

# A code span on one line (one that runs over lines may cross a block's end: not trusted).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)[^\n]*?(?<!`)\1(?!`)")
_AUTOLINK = re.compile(r"<https?://[^\s<>]*>", re.IGNORECASE)
_LINK_DEST = re.compile(r"\]\((?=\s*(<?)([^\s)>]*))")  # consumes only "](": links nest
_REF_DEF = re.compile(r"^((?:[ \t]*(?:>|[-+*]|[0-9]{1,9}[.)]))*[ \t]*)\[([^\]\n]+)\]:[ \t]*<?(\S*)")
_WEB = re.compile(r"https?://", re.IGNORECASE)


_CHECK = MarkdownIt("commonmark")  # HTML on, as CommonMark renderers read Markdown


def safe_markdown(note: str) -> str:
    """The note as Markdown any renderer shows without raw HTML or non-web links.

    Code (fenced, indented, or in backticks) is left as written: nothing in it runs. The
    result is read back as CommonMark: where backticks pair up across lines so that a span
    found on one line is not code after all (`` `\n`<b>` ``), code spans are escaped too,
    and if even that leaves markup, every ``<`` is.
    """
    for keep in (_keep_code, _keep_blocks):
        safe = keep(note)
        if _is_safe(safe):
            return safe
    return _keep_blocks(note).replace("<", "&lt;")


def _is_safe(markdown: str) -> bool:
    stack = list(_CHECK.parse(markdown))
    while stack:
        token = stack.pop()
        stack += token.children or []
        if token.type in {"html_inline", "html_block"}:
            return False
        target = token.attrs.get("href") or token.attrs.get("src")
        if target is not None and web_url(str(target)) is None:
            return False
    return True


def _keep_blocks(note: str) -> str:
    """Only fenced and indented code kept as written; code spans made safe like prose."""
    return _keep_code(note, spans=False)


def _keep_code(note: str, *, spans: bool = True) -> str:
    text = note.strip("\n")
    code_lines: set[int] = set()
    for token in _MD.parse(text):
        if token.type in {"fence", "code_block"} and token.map:
            code_lines.update(range(*token.map))
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []
    for number, line in enumerate(lines):
        if number in code_lines:
            out.append(_safe_prose("\n".join(prose), spans)) if prose else None
            prose = []
            out.append(line)
        else:
            prose.append(line)
    if prose:
        out.append(_safe_prose("\n".join(prose), spans))
    return "\n".join(out)


def _safe_prose(text: str, spans: bool) -> str:
    """Escape HTML (as &lt;, which no backslash of the note can undo) and neutralise non-web
    links, outside code spans (when ``spans``)."""
    if not spans:
        return _safe_text(text)
    pieces: list[str] = []
    at = 0
    for span in _CODE_SPAN.finditer(text):
        pieces.append(_safe_text(text[at : span.start()]))
        pieces.append(span.group(0))
        at = span.end()
    pieces.append(_safe_text(text[at:]))
    return "".join(pieces)


def _safe_text(text: str) -> str:
    out: list[str] = []
    at = 0
    for link in _AUTOLINK.finditer(text):
        out.append(text[at : link.start()].replace("<", "&lt;"))
        out.append(link.group(0))
        at = link.end()
    out.append(text[at:].replace("<", "&lt;"))
    text = "".join(out)
    text = _LINK_DEST.sub(lambda m: m.group(0) if _WEB.match(m.group(2)) else "]\\(", text)
    return "\n".join(_safe_definition(line) for line in text.split("\n"))


def _safe_definition(line: str) -> str:
    match = _REF_DEF.match(line)
    if match is None or _WEB.match(match.group(3)):
        return line
    return match.group(1) + "\\" + line[len(match.group(1)) :]
