"""Length limits and control-character cleaning for text entering the library, whatever the door.

Every entrance (digest files, bundles, tags, shelf names and notes typed in either face) puts
text through :func:`clean` (bulk input: keep what is good, warn about the rest) or :func:`fit`
(typed input: refuse what is too long), so that one rule holds everywhere:

- Control characters are never stored. They are invisible in a window and active in a terminal
  (``ESC]0;...BEL`` retitles it), and PostgreSQL refuses NUL. Free text (abstracts, notes) keeps
  tab and newline, with ``CRLF`` and lone ``CR`` made newlines; one-line text (titles, names)
  turns every run of whitespace, tab and newline included, into one space. Half a surrogate
  pair (JSON can spell one, UTF-8 cannot store it) becomes U+FFFD.
- Lengths are counted after cleaning, in characters. Keyed text (titles, tag and shelf names)
  is also measured in its key form (NFKC, case-folded), which is stored in a column of that
  size too: a ligature such as U+FDFA counts as the 18 letters it expands to.
- What is too long is not shortened: a cut title is another title, a cut note loses its end
  without anyone noticing. Bulk input leaves the smallest thing that holds it out, with a
  warning (an entry or paper for a title or abstract, the tag, the note, the shelf); typed
  input is refused with :class:`TooLong`, whose message says which limit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    """What one kind of text may hold."""

    what: str  # for messages: "title", "tag"
    max_length: int  # characters, after cleaning
    one_line: bool  # titles and names: whitespace runs become one space
    keyed: bool = False  # also stored as a key (NFKC, case-folded) of at most max_length


# Real titles are under 200 characters and the digest parser takes anything over 300 for
# prose; 500 leaves room for any real title while its key stays under PostgreSQL's
# 2,704-byte limit for an index entry even in four-byte characters.
TITLE = Limit("title", 500, one_line=True, keyed=True)
# arXiv caps abstracts at 1,920 characters; nothing ten times longer is an abstract.
ABSTRACT = Limit("abstract", 20_000, one_line=False)
NOTE = Limit("note", 100_000, one_line=False)  # a long essay; a whole paper pasted fits
TAG = Limit("tag", 100, one_line=True, keyed=True)
SHELF_NAME = Limit("shelf name", 200, one_line=True, keyed=True)  # the name_key column's size
ORGANIZATION = Limit("organisation", 200, one_line=True)
AUTHOR = Limit("author name", 200, one_line=True)  # a person's or a consortium's name

# Cc (C0, DEL, C1) and surrogates.  Tab and newline are kept in free text; for one-line text
# the whitespace among them is folded into spaces by str.split() before this runs.
_FREE_TEXT_DROP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ONE_LINE_DROP = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class TooLong(ValueError):
    """Text over its limit; str(err) says which: 'tag too long (120 characters, at most 100)'."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Text after cleaning, with what cleaning found."""

    text: str
    removed: int  # control characters dropped and broken surrogates replaced
    too_long: str | None  # e.g. "title too long (1,048,576 characters, at most 500)"

    def problems(self) -> list[str]:
        """What to tell people about this text (empty when it was fine as it came)."""
        found = [self.too_long] if self.too_long else []
        if self.removed:
            plural = "s" if self.removed > 1 else ""
            found.append(f"{self.removed:,} control character{plural} removed")
        return found


def clean(text: str, limit: Limit) -> Cleaned:
    """``text`` without control characters, and whether it is over ``limit``."""
    if not _ANY_CONTROL.search(text):  # most text: one fast scan
        text = " ".join(text.split()) if limit.one_line else text
        return Cleaned(text, 0, _too_long(text, limit))
    text, removed = _SURROGATE.subn("\ufffd", text)
    if limit.one_line:
        # The whitespace controls (tab, newline, CR, form feed...) become spaces here.
        text = " ".join(text.split())
        text, dropped = _ONE_LINE_DROP.subn("", text)
        if dropped:  # dropping may have joined two spaces or bared an end
            text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text, dropped = _FREE_TEXT_DROP.subn("", text)
    return Cleaned(text, removed + dropped, _too_long(text, limit))


def fit(text: str, limit: Limit) -> str:
    """Typed input: ``text`` cleaned, or TooLong when it is over ``limit``."""
    cleaned = clean(text, limit)
    if cleaned.too_long:
        raise TooLong(cleaned.too_long)
    return cleaned.text


def _too_long(text: str, limit: Limit) -> str | None:
    length = len(text)
    if limit.keyed and length <= limit.max_length and not text.isascii():
        # The key form can only be longer than the text when NFKC or case folding expands it.
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        length = max(length, len(folded))
    if length <= limit.max_length:
        return None
    return f"{limit.what} too long ({length:,} characters, at most {limit.max_length:,})"


__all__ = [
    "ABSTRACT",
    "AUTHOR",
    "NOTE",
    "ORGANIZATION",
    "SHELF_NAME",
    "TAG",
    "TITLE",
    "Cleaned",
    "Limit",
    "TooLong",
    "clean",
    "fit",
]
