"""Title keys: the form in which two spellings of one paper title compare equal."""

from __future__ import annotations

import unicodedata

# Invisible characters that web pages sprinkle into text (soft hyphen, zero-width space/joiners,
# word joiner, a stray BOM). They never distinguish two titles, so the key drops them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def title_key(title: str) -> str:
    """NFKC, casefold, whitespace (incl. tabs, NBSP, newlines) collapsed to one space, stripped.

    Titles that differ only in case, spacing or Unicode spelling (fullwidth letters, the
    ligature "ﬁ", composed vs decomposed accents) are the same paper, so they get the same key.
    Invisible characters (soft hyphen, zero-width space/joiners) are dropped as well.
    """
    # NFKC again after casefold: folding can decompose (U+0390 folds to three code points that
    # NFKC composes back), and the key must be stable whichever form the title arrived in.
    text = unicodedata.normalize("NFKC", title)
    text = unicodedata.normalize("NFKC", text.casefold()).translate(_INVISIBLE)
    # str.split() with no argument splits on every Unicode whitespace character (tab, NBSP,
    # newline, U+2028 ...) and drops empty pieces, which collapses runs and strips the ends.
    return " ".join(text.split())
