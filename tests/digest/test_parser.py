"""Digest parsing: table-driven cases for every layout variation, plus property tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readinglist.digest import (
    MAX_DIGEST_BYTES,
    Digest,
    DigestError,
    Entry,
    decode,
    parse,
    parse_bytes,
    title_key,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "digests"
REAL = FIXTURES / "real"  # real digests, copied into the repository as test data
REF = dt.date(2025, 12, 20)
# Wall-clock guards (pytest -m guard): ten times the measured time or more; see each test.
GUARD_20MB_S = 20.0
GUARD_PATHOLOGICAL_S = 60.0

CHROME = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
]


def abstract(topic: str, ending: str = ".") -> str:
    """A plausible abstract (well over 200 characters) about ``topic``."""
    return (
        f"We study {topic} in depth and compare it with strong baselines on several public "
        "benchmarks. Our method is simple, needs no extra data and improves accuracy while "
        "reducing cost; we analyse why it works and where it fails, and release everything"
        f"{ending}"
    )


A1, A2, A3 = abstract("adapters"), abstract("curricula"), abstract("benchmarks")


def text_of(*elements: str, sep: str = "\n\n") -> str:
    return sep.join(elements)


def titles(digest: Digest) -> list[str]:
    return [entry.title for entry in digest.entries]


def only(digest: Digest) -> Entry:
    assert len(digest.entries) == 1
    return digest.entries[0]


# --- layout variations -----------------------------------------------------------------------

BASE = ["Mar 11", "Paper One", A1, "Paper Two", A2]

LAYOUTS = [
    pytest.param(text_of(*CHROME, *BASE), "Mar 11", id="full-chrome"),
    pytest.param(text_of(*BASE), "Mar 11", id="no-chrome"),
    pytest.param(text_of(*BASE[1:]), None, id="entries-only"),
    pytest.param(text_of("Subscribe", "new", *BASE), "Mar 11", id="chrome-reordered"),
    pytest.param(text_of("Daily Papers", *BASE), "Mar 11", id="chrome-subset"),
    pytest.param(text_of("SUBSCRIBE", " New ", *BASE), "Mar 11", id="chrome-any-case"),
    pytest.param(text_of("new", "Mar 11", "Subscribe", *BASE[1:]), "Mar 11", id="label-in-chrome"),
    pytest.param(text_of(*CHROME, *BASE, sep="\r\n\r\n"), "Mar 11", id="crlf"),
    pytest.param(text_of(*CHROME, *BASE, sep="\r\r"), "Mar 11", id="cr-only"),
    pytest.param("\ufeff" + text_of(*CHROME, *BASE), "Mar 11", id="bom"),
    pytest.param(
        "\ufeff" + text_of(*CHROME, *BASE, sep=" \t\r\n\r\n"), "Mar 11", id="bom-crlf-trailing"
    ),
    pytest.param(text_of(*(f"{e}  \t" for e in BASE)), "Mar 11", id="trailing-spaces-tabs"),
    pytest.param(text_of(*(f"\t  {e}" for e in BASE)), "Mar 11", id="leading-whitespace"),
    pytest.param(text_of(*BASE, sep="\n\n\n\n"), "Mar 11", id="extra-blank-lines"),
    pytest.param("\n\n" + text_of(*BASE) + "\n\n\n", "Mar 11", id="blank-lines-at-ends"),
    pytest.param(text_of(*BASE, sep="\n"), "Mar 11", id="no-blank-lines"),
    pytest.param(
        "Mar 11\nPaper One\n\n" + A1 + "\nPaper Two\n\n\n" + A2, "Mar 11", id="mixed-blank-lines"
    ),
    pytest.param(text_of(*BASE, sep="\n \t \n"), "Mar 11", id="whitespace-only-lines"),
]


@pytest.mark.parametrize(("text", "label"), LAYOUTS)
def test_layout_variations(text: str, label: str | None) -> None:
    digest = parse(text, reference=REF)
    assert titles(digest) == ["Paper One", "Paper Two"]
    assert [e.abstract for e in digest.entries] == [A1, A2]
    assert [e.position for e in digest.entries] == [0, 1]
    assert digest.date_label == label
    assert digest.warnings == ()
    assert not any(e.incomplete for e in digest.entries)


def test_entry_without_metadata_has_empty_fields() -> None:
    entry = parse(text_of("Paper", A1), reference=REF).entries[0]
    assert entry == Entry(
        title="Paper",
        abstract=A1,
        position=0,
        authors_count=None,
        organization=None,
        published=None,
        year_inferred=False,
        upvotes=None,
        links=(),
        incomplete=False,
    )


def test_titles_keep_their_characters() -> None:
    title = "TÜLU 3: Pushing -- Frontiers? *Open* Post-Training & More ~wortsman2021robust"
    assert titles(parse(text_of(title, A1), reference=REF)) == [title]


def test_pages_pasted_together() -> None:
    page = text_of(*CHROME, "Mar 11", "Paper One", A1)
    digest = parse(page + "\n\n" + page.replace("Mar 11", "Mar 12"), reference=REF)
    assert titles(digest) == ["Paper One", "Paper One"]
    assert digest.date_label == "Mar 11"
    assert any("page headings" in w for w in digest.warnings)
    assert any("'Mar 12'" in w for w in digest.warnings)


# --- metadata blocks -------------------------------------------------------------------------

# block lines -> (authors_count, organization, published, year_inferred, upvotes, warns)
# REF is 2025-12-20, so year-less dates fall in 2025 unless that is after REF.
METADATA = [
    pytest.param(
        ["  • 4 authors", "·", "Oct 14, 2021"],
        (4, None, dt.date(2021, 10, 14), False, None, False),
        id="authors-year",
    ),
    pytest.param(
        ["• 1 authors", "·", "Sep 10, 2024 2"],
        (1, None, dt.date(2024, 9, 10), False, 2, False),
        id="one-authors-year-upvotes",
    ),
    pytest.param(
        ["• 1 author", "·", "Sep 10, 2024"],
        (1, None, dt.date(2024, 9, 10), False, None, False),
        id="one-author",
    ),
    pytest.param(
        ["    •  11   authors", "·", "Feb 7, 2024"],
        (11, None, dt.date(2024, 2, 7), False, None, False),
        id="spacing",
    ),
    pytest.param(
        ["UCAS ucas", "·", "Sep 26 2"],
        (None, "UCAS ucas", dt.date(2025, 9, 26), True, 2, False),
        id="org-no-year-upvotes",
    ),
    pytest.param(
        ["• 9 authors", "·", "Jan 23"],
        (9, None, dt.date(2025, 1, 23), True, None, False),
        id="no-year",
    ),
    pytest.param(
        ["• 9 authors", "·", "Dec 31"],
        (9, None, dt.date(2024, 12, 31), True, None, False),
        id="no-year-future-goes-back",
    ),
    pytest.param(
        ["• 9 authors", "·", "Oct 16, 2023 1"],
        (9, None, dt.date(2023, 10, 16), False, 1, False),
        id="year-one-upvote",
    ),
    pytest.param(
        ["• 2 authors", "·", "Jun 4 0"],
        (2, None, dt.date(2025, 6, 4), True, 0, False),
        id="zero-upvotes",
    ),
    pytest.param(
        ["• 2 authors", "·", "Oct 28 123"],
        (2, None, dt.date(2025, 10, 28), True, 123, False),
        id="many-upvotes",
    ),
    pytest.param(
        ["·", "Mar 4, 2024"],
        (None, None, dt.date(2024, 3, 4), False, None, True),
        id="no-count-line",
    ),
    pytest.param(
        ["• 3 authors", "Mar 4, 2024"],
        (3, None, dt.date(2024, 3, 4), False, None, True),
        id="no-dot",
    ),
    pytest.param(
        ["• 3 authors", "·", "Feb 30, 2024"],
        (3, None, None, False, None, True),
        id="impossible-date",
    ),
    pytest.param(
        ["Shanghai AI Lab", "·", "May 31 2"],
        (None, "Shanghai AI Lab", dt.date(2025, 5, 31), True, 2, False),
        id="org-spaces",
    ),
]


@pytest.mark.parametrize(("block", "expected"), METADATA)
def test_metadata_block(
    block: list[str],
    expected: tuple[int | None, str | None, dt.date | None, bool, int | None, bool],
) -> None:
    authors, org, published, inferred, upvotes, warns = expected
    for sep in ("\n\n", "\n"):
        # The block ends the text in one digest and sits between two entries in the other.
        for trailer in ([], ["Next Paper", A2]):
            digest = parse(text_of("Paper", A1, *block, *trailer, sep=sep), reference=REF)
            entry = digest.entries[0]
            assert (entry.title, entry.abstract) == ("Paper", A1)
            assert entry.authors_count == authors
            assert entry.organization == org
            assert entry.published == published
            assert entry.year_inferred is inferred
            assert entry.upvotes == upvotes
            assert not entry.incomplete
            assert bool(digest.warnings) is warns, digest.warnings
            assert titles(digest) == ["Paper", *trailer[:1]]


def test_mixed_entries_with_and_without_metadata() -> None:
    text = text_of(
        "Dec 9",
        "With Count",
        A1,
        "  • 4 authors",
        "·",
        "Oct 14, 2021",
        "Without Block",
        A2,
        "With Org",
        A3,
        "UCAS ucas",
        "·",
        "Sep 26 2",
        "Also Without",
        A1,
        sep="\n",
    )
    digest = parse(text, reference=REF)
    assert titles(digest) == ["With Count", "Without Block", "With Org", "Also Without"]
    assert [e.authors_count for e in digest.entries] == [4, None, None, None]
    assert [e.organization for e in digest.entries] == [None, None, "UCAS ucas", None]
    assert [e.upvotes for e in digest.entries] == [None, None, 2, None]
    assert digest.warnings == ()


def test_block_cut_at_end_of_text() -> None:
    digest = parse(text_of("Paper", A1, "  • 4 authors", "·"), reference=REF)
    entry = only(digest)
    assert (entry.authors_count, entry.published, entry.incomplete) == (4, None, False)
    assert digest.warnings == ("entry 1: metadata cut short at the end of the text (no date)",)


def test_count_line_alone_at_end_of_text() -> None:
    entry = only(parse(text_of("Paper", A1, "• 4 authors"), reference=REF))
    assert (entry.authors_count, entry.incomplete) == (4, False)


def test_stray_metadata_is_ignored_with_a_warning() -> None:
    text = text_of("·", "Sep 1, 2024", "Paper", A1, "• 2 authors", "·", "Sep 2, 2024", "·")
    digest = parse(text, reference=REF)
    assert only(digest).published == dt.date(2024, 9, 2)
    assert len(digest.warnings) == 2
    assert all("stray metadata" in w for w in digest.warnings)


# --- cut-off and missing parts ---------------------------------------------------------------

CUT_OFF = [
    # last element(s) -> (last abstract, incomplete, warning fragment or None)
    pytest.param(["Cut Paper"], ("", True, "entry 2 looks cut off (title only)"), id="title-only"),
    pytest.param(
        ["Cut Paper", A2[:148]],
        (A2[:148], True, "entry 2 looks cut off"),
        id="abstract-mid-sentence",
    ),
    pytest.param(
        ["Cut Paper", A2[:-1] + ", and"],
        (A2[:-1] + ", and", True, "looks cut off"),
        id="abstract-mid-word",
    ),
    pytest.param(
        ["Whole", abstract("x", " at https://github.com/a/b")],
        (abstract("x", " at https://github.com/a/b"), False, None),
        id="ends-with-url",
    ),
    pytest.param(["Whole", abstract("x", "?")], (abstract("x", "?"), False, None), id="question"),
    pytest.param(
        ["Whole", abstract("x", " (see appendix)")],
        (abstract("x", " (see appendix)"), False, None),
        id="paren",
    ),
    pytest.param(
        ["Whole", abstract("x", ' "as promised"')],
        (abstract("x", ' "as promised"'), False, None),
        id="quote",
    ),
    pytest.param(
        ["Whole", abstract("x", " [1]")], (abstract("x", " [1]"), False, None), id="bracket"
    ),
    pytest.param(
        ["Whole", abstract("x", " soon!")], (abstract("x", " soon!"), False, None), id="exclamation"
    ),
]


@pytest.mark.parametrize(("tail", "expected"), CUT_OFF)
def test_cut_off_last_entry(tail: list[str], expected: tuple[str, bool, str | None]) -> None:
    last_abstract, incomplete, warning = expected
    digest = parse(text_of("Mar 11", "First", A1, *tail), reference=REF)
    assert titles(digest) == ["First", tail[0]]
    assert not digest.entries[0].incomplete
    last = digest.entries[-1]
    assert (last.abstract, last.incomplete) == (last_abstract, incomplete)
    if warning is None:
        assert digest.warnings == ()
    else:
        assert len(digest.warnings) == 1
        assert warning in digest.warnings[0]
        assert "kept and marked incomplete" in digest.warnings[0]


def test_unfinished_abstract_is_fine_before_the_end() -> None:
    digest = parse(text_of("First", A1[:-1], "Second", A2), reference=REF)
    assert not any(e.incomplete for e in digest.entries)


def test_unfinished_abstract_with_metadata_is_not_cut() -> None:
    digest = parse(text_of("First", A1[:-1], "• 2 authors", "·", "Jan 2"), reference=REF)
    assert not only(digest).incomplete


def test_title_without_abstract_in_the_middle() -> None:
    digest = parse(text_of("One", A1, "Two", "Three", A3), reference=REF)
    assert titles(digest) == ["One", "Two", "Three"]
    assert [e.abstract for e in digest.entries] == [A1, "", A3]
    assert [e.incomplete for e in digest.entries] == [False, True, False]
    assert digest.warnings == ("entry 2 has no abstract: kept and marked incomplete",)


def test_title_without_abstract_before_metadata() -> None:
    digest = parse(text_of("One", A1, "Two", "• 3 authors", "·", "Jan 2, 2024"), reference=REF)
    assert titles(digest) == ["One", "Two"]
    assert digest.entries[1].authors_count == 3
    assert digest.entries[1].incomplete


LONG_A2 = f"{A2} {A2}"  # real abstracts run to 1,000+ characters


@pytest.mark.parametrize("orphan", [A2, LONG_A2], ids=["abstract", "long-abstract"])
def test_abstract_without_title_is_skipped(orphan: str) -> None:
    digest = parse(text_of("One", A1, orphan, "Three", A3), reference=REF)
    assert titles(digest) == ["One", "Three"]
    assert [e.abstract for e in digest.entries] == [A1, A3]
    assert digest.warnings == ("line 5: a paragraph with no title before it was skipped",)


def test_metadata_of_a_skipped_abstract_is_not_misattributed() -> None:
    text = text_of(
        *("One", A1, "• 2 authors", "·", "Jan 2, 2024"),
        *(LONG_A2, "• 5 authors", "·", "Feb 3, 2024"),
        *("Three", A3),
    )
    digest = parse(text, reference=REF)
    assert titles(digest) == ["One", "Three"]
    assert (digest.entries[0].authors_count, digest.entries[0].published) == (
        2,
        dt.date(2024, 1, 2),
    )
    assert len(digest.warnings) == 2
    assert "skipped" in digest.warnings[0]
    assert "stray metadata" in digest.warnings[1]


def test_a_long_title_is_still_a_title() -> None:
    long_title = "A Very Long Title " * 14  # about 250 characters
    digest = parse(text_of("One", A1, long_title.strip(), LONG_A2), reference=REF)
    assert titles(digest) == ["One", long_title.strip()]
    assert digest.warnings == ()


def test_short_abstracts_keep_alternation() -> None:
    text = text_of("One", "Short abstract one.", "Two", A2, "Three", "Short three.", "Four", A1)
    assert titles(parse(text, reference=REF)) == ["One", "Two", "Three", "Four"]


# --- limits and control characters (readinglist.textlimits) --------------------------------

BIG = "Big " * 262_144  # a one-megabyte line
SHORT = "A short abstract of one sentence, well under two hundred characters."
BLOCK = ["  • 3 authors", "·", "Sep 1, 2024 2"]

# elements -> (titles kept, warnings)
OVERSIZED = [
    pytest.param(
        ["Paper One", A1, *BLOCK, BIG, SHORT, *BLOCK, "Paper Three", A3, *BLOCK],
        ["Paper One", "Paper Three"],
        ["entry 2 (line 11): title too long (1,048,575 characters, at most 500): left out"],
        id="megabyte-title-short-abstract",  # the issue: its abstract became a title
    ),
    pytest.param(
        ["Paper One", A1, BIG, SHORT, "Paper Three", A3],
        ["Paper One", "Paper Three"],
        ["entry 2 (line 5): title too long (1,048,575 characters, at most 500): left out"],
        id="megabyte-title-no-metadata",
    ),
    pytest.param(
        ["Paper One", A1, *BLOCK, BIG, *BLOCK, "Paper Three", A3, *BLOCK],
        ["Paper One", "Paper Three"],
        ["entry 2 (line 11): title too long (1,048,575 characters, at most 500): left out"],
        id="megabyte-title-alone",  # its metadata block was called stray
    ),
    pytest.param(
        ["Paper One", A1, "Paper Two", BIG, "Paper Three", A3],
        ["Paper One", "Paper Three"],
        ["entry 2 (line 5): abstract too long (1,048,575 characters, at most 20,000): left out"],
        id="megabyte-abstract",
    ),
    pytest.param(
        ["Paper One", A1, "T" * 400, A2, "Paper Three", A3],
        ["Paper One", "T" * 400, "Paper Three"],
        ["entry 2: the title is 400 characters long"],
        id="long-title-under-the-limit",
    ),
]


@pytest.mark.parametrize(("elements", "kept", "warnings"), OVERSIZED)
def test_oversized_entries_are_left_out_and_named(
    elements: list[str], kept: list[str], warnings: list[str]
) -> None:
    digest = parse(text_of(*elements), reference=REF)
    assert titles(digest) == kept
    assert list(digest.warnings) == warnings
    assert digest.entries[-1].position == 2  # its place on the page, after any left out


def test_a_megabyte_title_line_in_bytes_too() -> None:
    data = text_of("Paper One", A1, BIG, SHORT, "Paper Three", A3).encode()
    assert titles(parse_bytes(data, reference=REF)) == ["Paper One", "Paper Three"]


# title in the file -> (title kept, warnings)
CONTROLS = [
    pytest.param("Plain Title", "Plain Title", [], id="plain"),
    pytest.param(
        "\x1b]0;owned\x07Retitled",
        "]0;ownedRetitled",
        ["entry 1: 2 control characters removed from the title"],
        id="osc-escape",
    ),
    pytest.param(
        "\x1b[2J\x1b[31mRed\x1b[0m",
        "[2J[31mRed[0m",
        ["entry 1: 3 control characters removed from the title"],
        id="csi-escapes",
    ),
    pytest.param(
        "Tab\tinside  and  spaces", "Tab inside and spaces", [], id="whitespace-collapsed"
    ),
    pytest.param(
        "C1\x9b control",
        "C1 control",
        ["entry 1: 1 control character removed from the title"],
        id="c1",
    ),
]


@pytest.mark.parametrize(("title", "expected", "warnings"), CONTROLS)
def test_control_characters_leave_titles(title: str, expected: str, warnings: list[str]) -> None:
    digest = parse(text_of(title, A1), reference=REF)
    assert titles(digest) == [expected]
    assert list(digest.warnings) == warnings


def test_control_characters_leave_abstracts_and_organisations() -> None:
    digest = parse(
        text_of("Paper", A1.replace("simple", "sim\x00ple\x1b"), "UCAS\x07 ucas", "·", "Sep 1"),
        reference=REF,
    )
    (entry,) = digest.entries
    assert entry.abstract == A1
    assert entry.organization == "UCAS ucas"
    assert list(digest.warnings) == [
        "entry 1: 2 control characters removed from the abstract",
        "entry 1: 1 control character removed from the organisation",
    ]


def test_a_title_of_control_characters_only_is_left_out() -> None:
    digest = parse(text_of("\x1b\x07", A1, "Paper Two", A2), reference=REF)
    assert titles(digest) == ["Paper Two"]
    assert digest.warnings[0] == "entry 1 (line 1): the title is all control characters: left out"


# --- year inference --------------------------------------------------------------------------

# (reference, label, dates in the blocks) -> (label date, published dates)
YEARS = [
    pytest.param(
        dt.date(2025, 1, 5),
        "Dec 30",
        ["Jan 2", "Dec 28"],
        (dt.date(2024, 12, 30), [dt.date(2025, 1, 2), dt.date(2024, 12, 28)]),
        id="dec-label-jan-dates",
    ),
    pytest.param(
        dt.date(2026, 6, 1),
        "Dec 9",
        ["Oct 21, 2024", "Jan 23"],
        (dt.date(2025, 12, 9), [dt.date(2024, 10, 21), dt.date(2025, 1, 23)]),
        id="capture-year-after-full-dates",
    ),
    pytest.param(
        dt.date(2024, 3, 1),
        "Mar 11",
        ["Oct 21, 2024", "Feb 1"],
        (dt.date(2023, 3, 11), [dt.date(2024, 10, 21), dt.date(2024, 2, 1)]),
        id="capped-by-reference",
    ),
    pytest.param(
        dt.date(2025, 3, 11),
        "Mar 11",
        ["Mar 11"],
        (dt.date(2025, 3, 11), [dt.date(2025, 3, 11)]),
        id="same-day-is-not-future",
    ),
    pytest.param(
        dt.date(2025, 3, 10),
        "Mar 11",
        ["Mar 10"],
        (dt.date(2024, 3, 11), [dt.date(2025, 3, 10)]),
        id="label-one-day-ahead",
    ),
    pytest.param(
        dt.date(2024, 12, 31),
        "Feb 29",
        ["Feb 29"],
        (dt.date(2024, 2, 29), [dt.date(2024, 2, 29)]),
        id="leap-day",
    ),
    pytest.param(
        dt.date(2025, 12, 31),
        "Dec 9",
        ["Feb 29", "Feb 28, 2024"],
        (dt.date(2025, 12, 9), [None, dt.date(2024, 2, 28)]),
        id="no-leap-day-in-capture-year",
    ),
    pytest.param(
        dt.date(2030, 1, 1),
        "Jan 1",
        ["Jan 1, 2021", "Mar 3"],
        (dt.date(2022, 1, 1), [dt.date(2021, 1, 1), dt.date(2022, 3, 3)]),
        id="old-page",
    ),
]


@pytest.mark.parametrize(("reference", "label", "dates", "expected"), YEARS)
def test_year_inference(
    reference: dt.date,
    label: str,
    dates: list[str],
    expected: tuple[dt.date, list[dt.date | None]],
) -> None:
    elements = [label]
    for n, date in enumerate(dates):
        elements += [f"Paper {n}", A1, "• 2 authors", "·", date]
    digest = parse(text_of(*elements), reference=reference)
    assert digest.date_label == label
    assert (digest.date, [e.published for e in digest.entries]) == expected
    assert [e.year_inferred for e in digest.entries] == [
        published is not None and "," not in date
        for date, published in zip(dates, expected[1], strict=True)
    ]


def test_label_without_metadata_uses_reference_year() -> None:
    digest = parse(text_of("Mar 11", "Paper", A1), reference=dt.date(2025, 6, 1))
    assert digest.date == dt.date(2025, 3, 11)


def test_no_label() -> None:
    digest = parse(text_of("Paper", A1), reference=REF)
    assert (digest.date_label, digest.date) == (None, None)


# --- links -----------------------------------------------------------------------------------

LINKS = [
    pytest.param("Code: https://github.com/a/b.", ("https://github.com/a/b",), id="full-stop"),
    pytest.param("See https://x.org/y, and more", ("https://x.org/y",), id="comma"),
    pytest.param("(code at https://x.org/y).", ("https://x.org/y",), id="in-parens"),
    pytest.param(
        "(in https://github.com/F/D-L-F.)", ("https://github.com/F/D-L-F",), id="dot-paren"
    ),
    pytest.param(
        "https://en.wikipedia.org/wiki/A_(b)",
        ("https://en.wikipedia.org/wiki/A_(b)",),
        id="balanced-paren",
    ),
    pytest.param(
        "(https://en.wikipedia.org/wiki/A_(b)).",
        ("https://en.wikipedia.org/wiki/A_(b)",),
        id="balanced-in-parens",
    ),
    pytest.param(
        "[https://x.org/a]; {https://x.org/b}:",
        ("https://x.org/a", "https://x.org/b"),
        id="brackets",
    ),
    pytest.param(
        "\"https://x.org/q\" and 'https://x.org/r'",
        ("https://x.org/q", "https://x.org/r"),
        id="quotes",
    ),
    pytest.param(
        "http://a.org then https://b.org/z;", ("http://a.org", "https://b.org/z"), id="order"
    ),
    pytest.param("https://a.org/x and https://a.org/x.", ("https://a.org/x",), id="duplicates"),
    pytest.param("https://x.org/p?q=1&r=2#frag", ("https://x.org/p?q=1&r=2#frag",), id="query"),
    pytest.param(
        "https://github.com/org/repo/ is it", ("https://github.com/org/repo/",), id="slash"
    ),
    pytest.param("no links, ftp://x.org, or https:// here", (), id="none"),
]


@pytest.mark.parametrize(("fragment", "expected"), LINKS)
def test_links(fragment: str, expected: tuple[str, ...]) -> None:
    entry = only(parse(text_of("Paper", f"{A1} {fragment}"), reference=REF))
    assert entry.links == expected


# --- decoding --------------------------------------------------------------------------------

SAMPLE = "TÜLU 3 — café ‘quotes’ · •"

ENCODINGS = [
    pytest.param(SAMPLE.encode(), SAMPLE, id="utf-8"),
    pytest.param(b"\xef\xbb\xbf" + SAMPLE.encode(), SAMPLE, id="utf-8-bom"),
    pytest.param(b"\xff\xfe" + SAMPLE.encode("utf-16-le"), SAMPLE, id="utf-16-le-bom"),
    pytest.param(b"\xfe\xff" + SAMPLE.encode("utf-16-be"), SAMPLE, id="utf-16-be-bom"),
    pytest.param(b"\xff\xfe\x00\x00" + SAMPLE.encode("utf-32-le"), SAMPLE, id="utf-32-le-bom"),
    pytest.param(b"\x00\x00\xfe\xff" + SAMPLE.encode("utf-32-be"), SAMPLE, id="utf-32-be-bom"),
    pytest.param("Café Über naïve".encode("latin-1"), "Café Über naïve", id="latin-1"),
    pytest.param(
        "‘Smart’ “quotes” – café".encode("cp1252"), "‘Smart’ “quotes” – café", id="cp1252"
    ),
    pytest.param(b"line\r\n\tindented\r\n", "line\r\n\tindented\r\n", id="ascii-crlf-tab"),
    pytest.param("plain".encode("utf-16-le"), "plain", id="utf-16-le-no-bom"),
]


@pytest.mark.parametrize(("data", "text"), ENCODINGS)
def test_decode(data: bytes, text: str) -> None:
    assert decode(data) == text
    assert "Ã" not in decode(data)


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


REFUSED = [
    pytest.param(b"", "empty file", id="empty"),
    pytest.param(b" \n\t\r\n ", "empty file", id="whitespace"),
    pytest.param(b"\xef\xbb\xbf", "empty file", id="bom-only"),
    pytest.param(b"\xff\xfe" + "  \n".encode("utf-16-le"), "empty file", id="utf-16-whitespace"),
    pytest.param(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary data (looks like a PDF)", id="pdf"
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data (looks like a PNG image)", id="png"
    ),
    pytest.param(
        b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary data (looks like a JPEG image)", id="jpeg"
    ),
    pytest.param(b"GIF89a\x01\x00\x01\x00", "binary data (looks like a GIF image)", id="gif"),
    pytest.param(zip_bytes("notes.txt"), "binary data (looks like a ZIP archive)", id="zip"),
    pytest.param(
        zip_bytes("[Content_Types].xml", "xl/workbook.xml"),
        "binary data (looks like an Excel workbook (.xlsx))",
        id="xlsx",
    ),
    pytest.param(
        zip_bytes("[Content_Types].xml", "word/document.xml"),
        "binary data (looks like a Word document (.docx))",
        id="docx",
    ),
    pytest.param(
        gzip.compress(b"new\n\nMar 11\n"),
        "binary data (looks like gzip-compressed data)",
        id="gzip",
    ),
    pytest.param(
        b"SQLite format 3\x00\x10\x00", "binary data (looks like an SQLite database)", id="sqlite"
    ),
    pytest.param(b"Title\n\x00\x00abstract", "binary data (contains NUL bytes)", id="nul"),
    pytest.param(b"\x01\x02\xfe\xfftext", "binary data (control characters", id="control-chars"),
    pytest.param(b"caf\xe9 \x81\x8d", "unknown text encoding", id="undefined-cp1252"),
    pytest.param(bytes(range(0xA0, 0x100)) * 4, "unknown text encoding", id="mostly-high-bytes"),
    pytest.param(b"\xff\xfe\x00\xd8", "not valid UTF-16 text", id="bad-utf-16"),
]


@pytest.mark.parametrize(("data", "reason"), REFUSED)
def test_decode_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(DigestError, match=re.escape(reason)):
        decode(data)
    with pytest.raises(DigestError, match=re.escape(reason)):
        parse_bytes(data, reference=REF)


def test_decode_refuses_oversized() -> None:
    with pytest.raises(DigestError, match="file too large"):
        decode(b" " * (MAX_DIGEST_BYTES + 1))


def test_digest_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="empty file"):
        decode(b"")


def test_parse_bytes_utf16() -> None:
    text = text_of("Mar 11", "TÜLU 3: Open Post-Training", A1, sep="\r\n")
    digest = parse_bytes(b"\xff\xfe" + text.encode("utf-16-le"), reference=REF)
    assert titles(digest) == ["TÜLU 3: Open Post-Training"]
    assert digest.warnings == ()


def test_parse_bytes_cp1252_is_decoded_and_reported() -> None:
    text = text_of("Café Models – ‘Quoted’", A1.replace("We study", "Naïve models"))
    digest = parse_bytes(text.encode("cp1252"), reference=REF)
    assert titles(digest) == ["Café Models – ‘Quoted’"]
    assert only(digest).abstract.startswith("Naïve models")
    assert digest.warnings == ("the file is not UTF-8: decoded it as Windows-1252 (Latin-1)",)


def test_mojibake_is_reported() -> None:
    text = text_of("CafÃ© Models", A1)
    assert any("mojibake" in w for w in parse(text, reference=REF).warnings)


# --- not a digest ----------------------------------------------------------------------------


def pretty_json() -> str:
    papers = [{"title": f"Paper {n}", "abstract": abstract(str(n))} for n in range(3)]
    return json.dumps(papers, indent=2)


def csv_text(sep: str) -> str:
    rows = [["title", "abstract", "year"]]
    rows += [
        [f"Paper {n}", abstract(str(n)).replace(",", "").replace(";", ""), "2024"] for n in range(5)
    ]
    return "\n".join(sep.join(row) for row in rows)


def log_text() -> str:
    return "\n".join(
        f"2025-03-11 12:00:{n:02d},123 INFO worker: processed batch {n} in 0.{n}s"
        for n in range(40)
    )


def essay() -> str:
    paragraph = (
        "This is a paragraph of an ordinary essay, which is written in full sentences and "
        "ends every one of them with a full stop, as prose does; it goes on for a while so "
        "that it is about as long as a short abstract would be in a digest."
    )
    return text_of("An Essay", *[paragraph] * 6)


NOT_DIGESTS = [
    pytest.param("", "empty file", id="empty"),
    pytest.param(" \n\t\n", "empty file", id="whitespace"),
    pytest.param('{"title": "x", "abstract": "y"}', "looks like JSON", id="json-object"),
    pytest.param(pretty_json(), "looks like JSON", id="json-pretty-with-long-strings"),
    pytest.param("\ufeff[1, 2, 3]", "looks like JSON", id="json-bom"),
    pytest.param("<!DOCTYPE html>\n<html><body>" + A1, "looks like HTML", id="html"),
    pytest.param('<?xml version="1.0"?>\n<feed/>', "looks like HTML or XML", id="xml"),
    pytest.param(csv_text(","), "spreadsheet/CSV (comma-separated", id="csv"),
    pytest.param(csv_text("\t"), "spreadsheet/CSV (tab-separated", id="tsv"),
    pytest.param(csv_text(";"), "spreadsheet/CSV (semicolon-separated", id="semicolon"),
    pytest.param(log_text(), "looks like a log file", id="log"),
    pytest.param(
        "\n".join(f"item {n}" for n in range(50)), "every line is short", id="short-lines"
    ),
    pytest.param(text_of(*CHROME, "Mar 11"), "only page headings", id="only-chrome"),
    pytest.param(essay(), "no title/abstract pairs", id="essay"),
    pytest.param("word " * 5000, "one line of", id="one-long-line"),
    pytest.param("x\n" * 300_000, "far more than any digest", id="too-many-lines"),
    pytest.param("\n" * 1_000_000, "far more than any digest", id="too-many-blank-lines"),
    pytest.param("·\n• 3 authors\nSep 1, 2024\n" * 5, "every line is short", id="metadata-only"),
]


@pytest.mark.parametrize(("text", "reason"), NOT_DIGESTS)
def test_not_a_digest(text: str, reason: str) -> None:
    with pytest.raises(DigestError, match=re.escape(reason)):
        parse(text, reference=REF)


def test_not_a_digest_message_prefix() -> None:
    with pytest.raises(DigestError) as caught:
        parse(log_text(), reference=REF)
    assert str(caught.value).startswith("not a digest: ")


def test_ten_megabyte_line_is_refused_by_its_length() -> None:
    """The cheap line-length check refuses it before any parsing (bench/robustness times it)."""
    with pytest.raises(DigestError, match="one line of 10,000,000 characters"):
        parse_bytes(b"x" * 10_000_000, reference=REF)


@pytest.mark.slow
@pytest.mark.guard
def test_twenty_megabytes_parse_in_linear_time() -> None:
    """A guard against a quadratic parser, not a speed test: measured 1.1-1.3 s on 2 cores,
    the bound is 20 s (15x); `python -m bench robustness` measures the speed."""
    # Real abstracts run to 1,500 characters or so.
    entry = text_of("Paper", " ".join([A1] * 6), "  • 3 authors", "·", "Sep 1, 2024 2", "")
    copies = MAX_DIGEST_BYTES // len(entry.encode()) - 1
    data = ("Dec 9\n\n" + entry * copies).encode()
    start = time.perf_counter()
    digest = parse_bytes(data, reference=REF)
    assert time.perf_counter() - start < GUARD_20MB_S
    assert len(digest.entries) == copies


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Paper\nhttps://x" + ")" * 2_000_000, id="url-closers"),
        pytest.param("Paper\n" + "https://" * 2_000_000, id="url-schemes"),
        pytest.param("[" * 5_000_000 + "]" * 5_000_000, id="deep-json"),
        pytest.param("a\n·\nJan 1\n" * 60_000, id="many-tiny-entries"),
    ],
)
@pytest.mark.guard
def test_pathological_inputs_take_no_pathological_time(text: str) -> None:
    """A guard against catastrophic backtracking, not a speed test: measured at most 3.2 s
    (many-tiny-entries, on 2 busy cores), the bound is 60 s (19x); `python -m bench
    robustness` measures the speed (docs/benchmarks.md)."""
    start = time.perf_counter()
    with contextlib.suppress(DigestError):
        parse(text, reference=REF)
    assert time.perf_counter() - start < GUARD_PATHOLOGICAL_S


# --- fixtures --------------------------------------------------------------------------------


def fixture(name: str) -> Digest:
    return parse_bytes((FIXTURES / name).read_bytes(), reference=REF)


def test_fixture_metadata() -> None:
    digest = fixture("metadata.txt")
    assert (digest.date_label, digest.date) == ("Dec 9", dt.date(2025, 12, 9))
    assert [(e.authors_count, e.organization, e.published, e.upvotes) for e in digest.entries] == [
        (4, None, dt.date(2021, 10, 14), None),
        (None, "UCAS ucas", dt.date(2025, 9, 26), 2),
        (None, None, None, None),
        (1, None, dt.date(2024, 9, 10), 2),
    ]
    assert digest.entries[0].links == ("https://example.org/sparse-adapters",)
    assert digest.entries[3].links == ("https://example.org/seeds",)
    assert digest.warnings == ()


def test_fixture_plain() -> None:
    digest = fixture("plain.txt")
    assert digest.date_label == "Mar 11"
    assert len(digest.entries) == 3
    assert digest.entries[0].links == ("https://example.com/birds/(v2)",)
    assert digest.entries[2].links == ("https://example.com/aging",)
    assert digest.warnings == ()


def test_fixture_cut_title() -> None:
    digest = fixture("cut_title.txt")
    assert digest.date_label is None
    assert [e.incomplete for e in digest.entries] == [False, False, True]
    assert digest.entries[-1].title == "Teaching Models to Say I Do Not Know"
    assert digest.entries[-1].abstract == ""
    assert digest.warnings == ("entry 3 looks cut off (title only): kept and marked incomplete",)


def test_fixture_cut_abstract() -> None:
    digest = fixture("cut_abstract.txt")
    assert [e.incomplete for e in digest.entries] == [False, True]
    assert digest.entries[-1].abstract.endswith("which")
    assert digest.warnings == ("entry 2 looks cut off: kept and marked incomplete",)


def test_fixture_crlf_bom() -> None:
    digest = fixture("crlf_bom.txt")
    assert titles(digest) == [
        "TÜLU 3: Open Recipes for Post-Training",
        "Café Conversations: Dialogue Agents in the Wild",
    ]
    assert not any("\r" in e.abstract or "\t" in e.abstract for e in digest.entries)
    first = digest.entries[0]
    assert (first.authors_count, first.published, first.upvotes) == (5, dt.date(2024, 11, 22), 12)
    assert digest.entries[1].abstract.endswith("customer’s time.")


def test_fixture_truncated_block() -> None:
    digest = fixture("truncated_block.txt")
    first, last = digest.entries
    assert (first.authors_count, first.published, first.year_inferred) == (
        3,
        dt.date(2025, 1, 16),
        True,
    )
    assert (last.authors_count, last.published, last.incomplete) == (4, None, False)
    assert digest.warnings == ("entry 2: metadata cut short at the end of the text (no date)",)


def test_fixtures_survive_crlf_and_bom() -> None:
    for path in sorted(FIXTURES.glob("*.txt")):
        data = path.read_bytes()
        plain = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
        windows = b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n")
        assert parse_bytes(windows, reference=REF) == parse_bytes(plain, reference=REF), path


# --- the real digests (tests/fixtures/digests/real) ----------------------------------------

REAL_REF = dt.date(2026, 3, 1)
REAL_FILES = [
    pytest.param("000_43621e96afd2c307.txt", 76, 0, "Mar 11", id="000"),
    pytest.param("001_0f1b953c0851655a.txt", 43, 42, "Dec 9", id="001"),
    pytest.param("003_4c5b079a2516bdb5.txt", 84, 0, "Mar 11", id="003"),
]


def real(name: str) -> Digest:
    return parse_bytes((REAL / name).read_bytes(), reference=REAL_REF)


def has_metadata(entry: Entry) -> bool:
    return any(
        value is not None
        for value in (entry.authors_count, entry.organization, entry.published, entry.upvotes)
    )


@pytest.mark.parametrize(("name", "count", "with_metadata", "label"), REAL_FILES)
def test_real_digest(name: str, count: int, with_metadata: int, label: str) -> None:
    digest = real(name)
    assert len(digest.entries) == count
    assert sum(1 for e in digest.entries if has_metadata(e)) == with_metadata
    assert digest.date_label == label
    assert digest.warnings == ()
    assert not any(e.incomplete for e in digest.entries)
    assert all(len(e.title) < 200 and len(e.abstract) > 1000 for e in digest.entries)
    assert [e.position for e in digest.entries] == list(range(count))
    # Line endings and a BOM change nothing.
    data = (REAL / name).read_bytes()
    windows = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    assert parse_bytes(windows, reference=REAL_REF) == digest


def test_real_digests_distinct_papers() -> None:
    entries = [
        e
        for name in (
            "000_43621e96afd2c307.txt",
            "001_0f1b953c0851655a.txt",
            "003_4c5b079a2516bdb5.txt",
        )
        for e in real(name).entries
    ]
    assert len(entries) == 203
    assert len({title_key(e.title) for e in entries}) == 169


def test_real_digest_001_details() -> None:
    digest = real("001_0f1b953c0851655a.txt")
    assert digest.date == dt.date(2025, 12, 9)  # newest full date is 2024: captured in 2025
    by_title = {e.title: e for e in digest.entries}

    org = by_title["Fine-tuning Done Right in Model Editing"]
    assert (org.organization, org.authors_count) == ("UCAS ucas", None)
    assert (org.published, org.year_inferred, org.upvotes) == (dt.date(2025, 9, 26), True, 2)

    sara = next(e for e in digest.entries if e.title.startswith("SaRA:"))
    assert (sara.authors_count, sara.published, sara.upvotes) == (6, dt.date(2024, 9, 10), 2)
    assert not sara.year_inferred

    first = digest.entries[0]
    assert (first.authors_count, first.published, first.upvotes) == (1, dt.date(2024, 10, 21), None)

    bare = next(e for e in digest.entries if e.title.startswith("Uniworld-V2"))
    assert not has_metadata(bare)
    assert digest.entries[bare.position + 1].authors_count == 2


def test_real_digest_links() -> None:
    digest = real("003_4c5b079a2516bdb5.txt")
    links = {link for e in digest.entries for link in e.links}
    assert "https://github.com/Facico/Dynamic-Logit-Fusion" in links
    assert not any(link.endswith((".", ")", ",")) for link in links)


# --- properties ------------------------------------------------------------------------------

LINE_PIECES = st.sampled_from(
    [
        *CHROME,
        "Mar 11",
        "Dec 9",
        "·",
        "  • 4 authors",
        "• 1 authors",
        "UCAS ucas",
        "Sep 26 2",
        "Sep 10, 2024 2",
        "Feb 29",
        "Feb 30, 2024",
        "Paper Title",
        A1,
        A1[:120],
        "",
        " ",
        "\t",
        "{",
        "[1]",
        "a,b,c",
        "2025-03-11 12:00 INFO x",
        "https://x.org/a_(b)).",
        "\ufeff",
        "\r",
    ]
)


@given(st.text())
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        digest = parse(text, reference=REF)
    except DigestError:
        return
    assert digest.entries


@given(
    st.lists(st.one_of(LINE_PIECES, st.text(max_size=30)), max_size=40),
    st.sampled_from(["\n", "\n\n", "\r\n", "\r"]),
    st.dates(),
)
def test_digest_like_text_never_crashes(pieces: list[str], sep: str, reference: dt.date) -> None:
    try:
        digest = parse(sep.join(pieces), reference=reference)
    except DigestError:
        return
    positions = [e.position for e in digest.entries]  # page order; a left-out entry leaves a gap
    assert positions == sorted(set(positions))
    assert all(e.title and e.title == " ".join(e.title.split()) for e in digest.entries)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(DigestError):
        parse_bytes(data, reference=REF)


TITLE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :-?&()'ÜéΣ–"
WORD = st.text("abcdefghijklmnopqrstuvwxyzéü0123456789", min_size=3, max_size=10)
CHROME_KEYS = {c.casefold() for c in CHROME}


def safe_line(text: str) -> bool:
    """Generated titles and organisation lines must not read as chrome or metadata."""
    return (
        text != ""
        and not text.endswith(".")
        and text.casefold() not in CHROME_KEYS
        and not re.fullmatch(r"[A-Za-z]{3}\s+[0-9].*", text)
        and not re.fullmatch(r"[-*•]?\s*[0-9]+\s+authors?", text, re.IGNORECASE)
    )


TITLES = st.text(TITLE_ALPHABET, min_size=1, max_size=150).map(str.strip).filter(safe_line)
ABSTRACTS = st.lists(WORD, min_size=50, max_size=120).map(lambda ws: " ".join(ws) + ".")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DATES = st.builds(
    lambda month, day, year, upvotes: (
        f"{month} {day}"
        + (f", {year}" if year is not None else "")
        + (f" {upvotes}" if upvotes is not None else "")
    ),
    st.sampled_from(MONTHS),
    st.integers(1, 28),
    st.none() | st.integers(2015, 2024),
    st.none() | st.integers(0, 999),
)
COUNT_OR_ORG = st.one_of(
    st.integers(1, 60).map(lambda n: f"  • {n} authors"),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ", min_size=2, max_size=30)
    .map(str.strip)
    .filter(safe_line),
)
ENTRIES = st.lists(
    st.tuples(TITLES, ABSTRACTS, st.none() | st.tuples(COUNT_OR_ORG, DATES)),
    min_size=1,
    max_size=12,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    ENTRIES,
    st.lists(st.sampled_from(CHROME), unique=True),
    st.none() | st.sampled_from(["Mar 11", "Dec 9", "Jan 1"]),
    st.data(),
)
def test_well_formed_digests_round_trip(
    entries: list[tuple[str, str, tuple[str, str] | None]],
    chrome: list[str],
    label: str | None,
    data: st.DataObject,
) -> None:
    elements = [*chrome, *([label] if label else [])]
    for title, text, block in entries:
        elements += [title, text]
        if block is not None:
            elements += [block[0], "·", block[1]]
    separators = data.draw(
        st.lists(
            st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\n\n\n", " \t\n"]),
            min_size=len(elements),
            max_size=len(elements),
        )
    )
    text = "".join(e + s for e, s in zip(elements, separators, strict=True))

    digest = parse(text, reference=REF)

    # One-line text: runs of spaces are one space (readinglist.textlimits).
    assert titles(digest) == [" ".join(title.split()) for title, _, _ in entries]
    assert [e.abstract for e in digest.entries] == [text for _, text, _ in entries]
    assert digest.date_label == label
    assert digest.warnings == ()
    for entry, (_, _, block) in zip(digest.entries, entries, strict=True):
        assert not entry.incomplete
        if block is None:
            assert not has_metadata(entry)
            continue
        count_or_org, date = block
        if "authors" in count_or_org:
            assert entry.authors_count == int(count_or_org.split()[1])
        else:
            assert entry.organization == count_or_org
        assert entry.published is not None
        match = re.fullmatch(r"[A-Za-z]{3} [0-9]+(, [0-9]{4})?(?: ([0-9]+))?", date)
        assert match is not None
        assert entry.year_inferred is (match[1] is None)
        assert entry.upvotes == (int(match[2]) if match[2] else None)


def test_warnings_are_capped() -> None:
    text = text_of(*[f"Paper {n}\n{A1}\n·\nJan 2, 2024" for n in range(80)])
    digest = parse(text, reference=REF)
    assert len(digest.entries) == 80
    assert len(digest.warnings) == 50
    assert digest.warnings[-1] == "... and 31 more warnings"
