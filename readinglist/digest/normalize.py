"""Title keys: the form in which two spellings of one paper title compare equal."""

from __future__ import annotations

import re
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


# --- paper keys: the identity of a paper across versions and spellings ----------------------

# A trailing version marker: "v2", "(v2)", "[v3]", ", v2", "version 2", "ver. 2.1", after a
# space or an opening bracket (never glued to a word: "DINOv2" and "YOLO-v3" are names).
_VERSION_MARKER = re.compile(
    r"(?:^|(?<=[\s,;:(\[]))[(\[]?\s*(?:v|ver\.?|version)\s*\d{1,3}(?:\.\d{1,3})?\s*[)\]]?[\s.]*$"
)
# Letters whose accent-like stroke or ligature Unicode does not decompose (NFKD keeps "ø").
_LATIN_EXTRAS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i", "ð": "d", "þ": "th",
     "æ": "ae", "œ": "oe"}
)  # fmt: skip
# Punctuation that names something: "C#", "F#" (every other punctuation mark is a separator).
_KEPT_PUNCTUATION = frozenset("#")


def paper_key(title: str) -> str:
    """The identity of a paper: titles that are spellings or versions of one paper share it.

    Folds everything ``title_key`` folds, and also accents ("Café" = "Cafe", "Ørsted" =
    "Orsted"), punctuation and quotes, dashes and hyphenation ("Implicit-Inference" =
    "Implicit Inference" = "ImplicitInference", "GPT-4" = "GPT 4" = "GPT4", "3D" = "3 D"),
    "&" = "and", and a trailing version marker ("v2", "(v2)", "[v3]", "version 2").

    What stays apart: anything with other letters or digits. Digits are never dropped, and
    two numbers are kept apart ("Llama 2 7B" is not "Llama 27B"; "3.5" is not "35").
    Mathematical and currency symbols are kept ("LoRA+" is not "LoRA", "C++" is not "C"),
    as is "#" ("C#"). Emoji and signs such as "®" are dropped.

    The key is the folded words glued together: word boundaries vary too much between
    spellings of one title ("Pre-training", "Pretraining", "Pre training") to count.
    """
    return glue_words(fold_words(title))


def fold_words(title: str) -> tuple[str, ...]:
    """The words of a title as ``paper_key`` sees them: folded, version marker removed.

    Word boundaries are kept here (a hyphen splits a word) for measures that compare words,
    such as near-duplicate detection; ``paper_key`` glues the words back together.
    """
    if title.isascii():
        return _fold_ascii(title)
    text = unicodedata.normalize("NFKC", title)
    text = unicodedata.normalize("NFKC", text.casefold()).translate(_INVISIBLE)
    text = _strip_version(text)
    words: list[str] = []
    word: list[str] = []
    previous_base = ""
    decomposed = unicodedata.normalize("NFKD", text).translate(_LATIN_EXTRAS)
    for i, char in enumerate(decomposed):
        kind = unicodedata.category(char)
        if kind == "Mn":
            if word and not _is_latin_or_greek(previous_base):
                word.append(char)  # marks of other scripts are letters' parts, kept
            continue
        previous_base = char
        if _in_word(char, kind) or (char == "." and _between_digits(decomposed, i)):
            word.append(char)
        else:
            _flush(word, words)
            if char == "&":
                words.append("and")
    _flush(word, words)
    return tuple(words)


# The same folding for ASCII text (most titles), at regular-expression speed: ASCII is its own
# NFKC and NFKD, and its casefold is lower(). Word characters: letters, digits, the
# mathematical and currency symbols + < = > | ~ $, "#", and "." between two digits.
_ASCII_WORD = re.compile(r"(?:[a-z0-9+<=>|~$#]|(?<=[0-9])\.(?=[0-9]))+|&")


def _fold_ascii(title: str) -> tuple[str, ...]:
    text = _strip_version(title.lower())
    return tuple("and" if w == "&" else w for w in _ASCII_WORD.findall(text))


def _in_word(char: str, kind: str) -> bool:
    """Letters, digits, mathematical and currency symbols, and "#" belong to words."""
    return kind[0] in "LN" or kind in ("Sm", "Sc") or char in _KEPT_PUNCTUATION


def _flush(word: list[str], words: list[str]) -> None:
    if word:
        words.append(unicodedata.normalize("NFC", "".join(word)))
        word.clear()


def _strip_version(text: str) -> str:
    """Drop trailing version markers, unless nothing of the title would be left."""
    while _ends_in_digit(text):  # a quick test first: most titles end in a letter
        match = _VERSION_MARKER.search(text)
        if match is None or not _has_word(text[: match.start()]):
            return text
        text = text[: match.start()]
    return text


def _has_word(text: str) -> bool:
    """Whether anything of ``text`` would be a word of the key ("&" and "+" count)."""
    return any(char == "&" or _in_word(char, unicodedata.category(char)) for char in text)


def _ends_in_digit(text: str) -> bool:
    """Whether ``text`` ends like a version marker: a digit, then ")" or "]", dots, spaces."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] == "."):
        end -= 1
    if end and text[end - 1] in ")]":
        end -= 1
    while end and text[end - 1].isspace():
        end -= 1
    return end > 0 and text[end - 1].isdigit()


def _is_latin_or_greek(char: str) -> bool:
    """Whether a combining mark on ``char`` is an accent to fold (Latin and Greek scripts).

    In other scripts a mark can make another letter (Cyrillic "й" is not "и"), so it stays.
    """
    code = ord(char) if char else 0
    return 0 < code < 0x0400 or 0x1D00 <= code < 0x2000


def _between_digits(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()


def glue_words(words: tuple[str, ...]) -> str:
    """Words joined without spaces, except a space between two numbers ("2 7b", not "27b")."""
    out: list[str] = []
    for word in words:
        if out and out[-1][-1:].isdigit() and word[:1].isdigit():
            out.append(" ")
        out.append(word)
    return "".join(out)
