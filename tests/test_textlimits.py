"""Text limits and cleaning: what every entrance keeps, removes and refuses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist import textlimits
from readinglist.textlimits import ABSTRACT, NOTE, SHELF_NAME, TAG, TITLE, TooLong, clean, fit

# (limit, text) -> (cleaned text, control characters removed)
CLEANING = [
    pytest.param(TITLE, "TÜLU 3: Open Post-Training", "TÜLU 3: Open Post-Training", 0, id="plain"),
    pytest.param(TITLE, "Two\tcolumns\nand lines", "Two columns and lines", 0, id="tab-newline"),
    pytest.param(TITLE, "  padded   out \r\n", "padded out", 0, id="spaces-crlf"),
    pytest.param(TITLE, "NUL\x00in", "NULin", 1, id="nul"),
    pytest.param(TITLE, "\x1b]0;pwned\x07Title", "]0;pwnedTitle", 2, id="osc-escape"),
    pytest.param(TITLE, "\x1b[31mred\x1b[0m", "[31mred[0m", 2, id="csi-escape"),
    pytest.param(TITLE, "C1\x9bcsi and \x85nel", "C1csi and nel", 1, id="c1-controls"),
    pytest.param(TITLE, "a \x00 b", "a b", 1, id="space-left-by-removal"),
    pytest.param(TITLE, "half \ud800 pair", "half \ufffd pair", 1, id="lone-surrogate"),
    pytest.param(
        TITLE, "emoji 🧪 and ZWJ 👩\u200d🔬", "emoji 🧪 and ZWJ 👩\u200d🔬", 0, id="zwj-kept"
    ),
    pytest.param(TAG, "  lora \t fine-tuning ", "lora fine-tuning", 0, id="tag"),
    pytest.param(
        NOTE,
        "line 1\r\nline 2\rline 3\n\tindented",
        "line 1\nline 2\nline 3\n\tindented",
        0,
        id="note-line-endings",
    ),
    pytest.param(NOTE, "bell\x07 and\x0cfeed\x00", "bell andfeed", 3, id="note-controls"),
    pytest.param(NOTE, "  keeps  spacing  \n\n", "  keeps  spacing  \n\n", 0, id="note-spacing"),
    pytest.param(ABSTRACT, "esc \x1b[2J clear", "esc [2J clear", 1, id="abstract-escape"),
]


@pytest.mark.parametrize(("limit", "text", "expected", "removed"), CLEANING)
def test_cleaning(limit: textlimits.Limit, text: str, expected: str, removed: int) -> None:
    cleaned = clean(text, limit)
    assert (cleaned.text, cleaned.removed, cleaned.too_long) == (expected, removed, None)


# (limit, text) -> the message, or None when it fits
LENGTHS = [
    pytest.param(TITLE, "x" * 500, None, id="title-at-limit"),
    pytest.param(TITLE, "x" * 501, "title too long (501 characters, at most 500)", id="title-over"),
    pytest.param(
        TITLE,
        "x" * 1_048_576,
        "title too long (1,048,576 characters, at most 500)",
        id="title-megabyte",
    ),
    pytest.param(TITLE, "x" * 500 + "\x00" * 50, None, id="counted-after-cleaning"),
    pytest.param(TITLE, "a" + " \t\n" * 400 + "b", None, id="whitespace-collapses-first"),
    # U+FDFA is one character whose key form (NFKC) is 18: keys are stored too.
    pytest.param(
        TITLE, "\ufdfa" * 30, "title too long (540 characters, at most 500)", id="title-key-expands"
    ),
    pytest.param(TAG, "ß" * 60, "tag too long (120 characters, at most 100)", id="tag-key-folds"),
    pytest.param(TAG, "é" * 100, None, id="tag-composed-fits"),
    pytest.param(TAG, "t" * 101, "tag too long (101 characters, at most 100)", id="tag-over"),
    pytest.param(
        SHELF_NAME, "s" * 201, "shelf name too long (201 characters, at most 200)", id="shelf-over"
    ),
    pytest.param(ABSTRACT, "a" * 20_000, None, id="abstract-at-limit"),
    pytest.param(
        ABSTRACT,
        "a" * 20_001,
        "abstract too long (20,001 characters, at most 20,000)",
        id="abstract-over",
    ),
    pytest.param(
        NOTE, "n" * 100_001, "note too long (100,001 characters, at most 100,000)", id="note-over"
    ),
]


@pytest.mark.parametrize(("limit", "text", "message"), LENGTHS)
def test_lengths(limit: textlimits.Limit, text: str, message: str | None) -> None:
    assert clean(text, limit).too_long == message
    if message is None:
        assert fit(text, limit) == clean(text, limit).text
    else:
        with pytest.raises(TooLong) as caught:
            fit(text, limit)
        assert str(caught.value) == message


def test_problems_say_what_was_found() -> None:
    assert clean("fine", TITLE).problems() == []
    assert clean("a\x00b", TITLE).problems() == ["1 control character removed"]
    assert clean("\x01" + "x" * 600 + "\x02", TITLE).problems() == [
        "title too long (600 characters, at most 500)",
        "2 control characters removed",
    ]


def test_too_long_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="tag too long"):
        fit("t" * 200, TAG)


LIMITS = [TITLE, ABSTRACT, NOTE, TAG, SHELF_NAME, textlimits.ORGANIZATION]
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LIMITS), ANY_TEXT)
def test_cleaned_text_holds_no_control_character(limit: textlimits.Limit, text: str) -> None:
    cleaned = clean(text, limit).text
    allowed = set() if limit.one_line else {"\t", "\n"}
    assert all(c in allowed or not (c < " " or "\x7f" <= c <= "\x9f") for c in cleaned)
    assert not any("\ud800" <= c <= "\udfff" for c in cleaned)
    cleaned.encode("utf-8")  # storable: no half surrogate pair left
    if limit.one_line:
        assert cleaned == " ".join(cleaned.split())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LIMITS), ANY_TEXT)
def test_cleaning_twice_changes_nothing(limit: textlimits.Limit, text: str) -> None:
    once = clean(text, limit)
    twice = clean(once.text, limit)
    assert (twice.text, twice.removed, twice.too_long) == (once.text, 0, once.too_long)
