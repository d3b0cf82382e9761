"""Citation keys: made once per paper from its own fields, unique in the library, then pinned.

The formula follows Better BibTeX's spirit (``auth.lower + year``, with the title when there
is no author): the first author's family name in lower case when authors are known
(``vaswani2017``, ``vanderberg2021``), else the first three significant title words in
camel case (``attentionAllYou2017``), plus the year when known.  Everything is transliterated
to ASCII (``Łódź`` -> ``Lodz``, ``Straße`` -> ``Strasse``, ``张伟`` -> ``ZhangWei``) and
reduced to letters and digits, which every BibTeX, biblatex and pandoc reader accepts.

A key depends only on its own paper (``citekey_base``) and, for uniqueness, on the keys
already taken (``unique_citekey`` adds ``a``, ``b`` ... ``z``, ``aa`` ...).  Nothing here
looks at which papers are exported together: keys are stored, and exports read them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from anyascii import anyascii
from nameparser import HumanName

if TYPE_CHECKING:
    from collections.abc import Container, Sequence

MAX_LENGTH = 100  # longer keys are refused: they are typed in \cite{...} by hand
TITLE_WORDS = 3
FALLBACK = "paper"  # the base when neither an author nor a title word is known

# User-set keys: ASCII letters, digits, and these marks inside the key.  BibTeX itself refuses
# spaces and , { } ( ) " # % ' = \ ~; pandoc's [@key] takes internal : . + / - _ only.
_INNER_MARKS = "_-:.+/"
_VALID = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_:.+/-]*[A-Za-z0-9_])?")
_STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from"),
        *("how", "in", "into", "is", "it", "its", "not", "of", "on", "or", "over", "the"),
        *("through", "to", "towards", "toward", "under", "via", "vs", "what", "when", "where"),
        *("which", "who", "why", "with", "without"),
    }
)
_ET_AL = re.compile(r"\s*(?:,\s*)?\bet\.?\s+al\b\.?\s*$", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


class CitekeyError(ValueError):
    """A key the user asked for cannot be used; the message says why."""


def citekey_base(authors: Sequence[str], title: str, year: int | None) -> str:
    """The key a paper would get if no other paper had it (see the module docstring)."""
    family = "".join(_words(family_name(authors[0]))).lower() if authors else ""
    base = family or _title_part(title)
    if base[0].isdigit():
        base = "p" + base  # BibTeX styles and LaTeX packages choke on keys that start with a digit
    return base + (str(year) if year is not None else "")


def family_name(author: str) -> str:
    """The family name of a full-name string, in its own script ("" when there is none).

    Both "Given Family" and "Family, Given" are understood, with particles ("Ludwig van
    Beethoven" -> "van Beethoven"), suffixes ("Jr.", "III") and titles ("Prof.") set aside and
    a trailing "et al." ignored.  A single name ("Plato", "OpenAI") is its own family name.
    """
    author = _ET_AL.sub("", " ".join(author.split()))
    if not author:
        return ""
    name = HumanName(author)
    return str(name.last or name.first or author)


def unique_citekey(base: str, taken: Container[str]) -> str:
    """``base``, or ``base`` with the first free suffix ``a`` ... ``z``, ``aa`` ... ``zz`` ...

    ``taken`` holds the keys already in use as ``fold_citekey`` gives them, because keys that
    differ only in case are one key to BibTeX.  The suffixes never run out.
    """
    if fold_citekey(base) not in taken:
        return base
    n = 1
    while True:
        key = base + _letters(n)
        if fold_citekey(key) not in taken:
            return key
        n += 1


def fold_citekey(key: str) -> str:
    """The form in which keys are compared for uniqueness (BibTeX ignores case)."""
    return key.lower()


def check_citekey(key: str, taken: Container[str] = ()) -> str:
    """A key the user typed, stripped, or ``CitekeyError`` saying why it cannot be used.

    ``taken`` is as for ``unique_citekey`` (the paper's own key must not be in it).
    """
    key = key.strip()
    if not key:
        raise CitekeyError("a citation key cannot be empty")
    if len(key) > MAX_LENGTH:
        raise CitekeyError(f"a citation key has at most {MAX_LENGTH} characters ({len(key)} given)")
    bad = sorted({c for c in key if not (c.isascii() and (c.isalnum() or c in _INNER_MARKS))})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise CitekeyError(
            f"{shown} cannot be in a citation key: use ASCII letters, digits and {_INNER_MARKS}"
        )
    if not _VALID.fullmatch(key):
        raise CitekeyError(
            f"a citation key starts and ends with a letter, a digit or _ ({key!r} does not)"
        )
    if fold_citekey(key) in taken:
        raise CitekeyError(f"{key!r} is already the citation key of another paper")
    return key


def _title_part(title: str) -> str:
    words = _words(title)
    significant = [w for w in words if w.lower() not in _STOP_WORDS] or words
    chosen = significant[:TITLE_WORDS]
    if not chosen:
        return FALLBACK
    return chosen[0].lower() + "".join(w[:1].upper() + w[1:] for w in chosen[1:])


def _words(text: str) -> list[str]:
    """ASCII words of ``text``: transliterated, split at everything but letters and digits."""
    return [w for w in _NOT_ALNUM.split(anyascii(text)) if w]


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa, 702 -> zz, 703 -> aaa (bijective base 26)."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out
