"""What the command line prints for people: sanitised, measured in columns, fitted to the terminal.

Titles, abstracts, tags, notes and file names come from digests and users, so they may hold
escape sequences: printed as they are, ``ESC ] 0 ; … BEL`` in a title would retitle the
terminal, ``ESC [ 2 J`` clear it. :func:`clean` removes them from every such string before it
is printed (``--json`` needs nothing: JSON escapes control characters itself).

Widths are terminal columns (wcwidth), not characters: a CJK character takes two columns,
a combining accent none, so ``len()`` would let a listing overflow the terminal.
"""

from __future__ import annotations

import re
import shutil
import sys

import wcwidth

ELLIPSIS = "…"
DEFAULT_COLUMNS = 100

# C0 controls, DEL and C1 controls (U+0080-U+009F: U+009B is a one-character CSI).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\t\v\f\u2028\u2029\x85]")


def clean(text: str, *, multiline: bool = False) -> str:
    """``text`` safe to print: no escape sequence, no control character.

    One-line fields (titles, tags, names) get a space for each line break or tab;
    ``multiline`` keeps newlines and tabs (a note's or an abstract's lines).
    """
    text = wcwidth.strip_sequences(text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _CONTROLS.sub(lambda m: m.group() if m.group() in "\n\t" else "", text)
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def columns() -> int:
    """The terminal's width in columns (100 when the output is not a terminal)."""
    return shutil.get_terminal_size((DEFAULT_COLUMNS, 24)).columns


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (``text`` already cleaned)."""
    return int(wcwidth.width(text))


def clip(text: str, room: int) -> str:
    """``text`` cut to at most ``room`` columns, ending in "…" when cut."""
    if width(text) <= room:
        return text
    if room <= 0:
        return ""
    return str(wcwidth.clip(text, 0, room - 1)) + ELLIPSIS


def ljust(text: str, room: int) -> str:
    """``text`` padded with spaces to ``room`` columns (never cut)."""
    return text + " " * max(0, room - width(text))


def rjust(text: str, room: int) -> str:
    """``text`` right-aligned in ``room`` columns (never cut)."""
    return " " * max(0, room - width(text)) + text


def is_terminal() -> bool:
    """Whether standard output is a terminal (someone is reading, not a program)."""
    return sys.stdout.isatty()
