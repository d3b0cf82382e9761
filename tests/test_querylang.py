"""The query language parser: table-driven cases, odd input, and a property test."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.querylang import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    And,
    DateRange,
    Everything,
    Flag,
    IntRange,
    Node,
    Not,
    Nothing,
    Or,
    Phrase,
    Recent,
    Word,
    parse,
    positive_words,
    words_with_spans,
)

D = dt.date


def w(text: str, field: str | None = None, prefix: bool = False) -> Word:
    return Word(text, field, prefix)  # type: ignore[arg-type]


def strip(node: Node) -> Node:
    """The tree without source positions, so expectations stay readable."""
    if isinstance(node, Word):
        return Word(node.text, node.field, node.prefix)
    if isinstance(node, Phrase):
        return Phrase(node.text, node.field)
    if isinstance(node, And):
        return And(tuple(strip(c) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(strip(c) for c in node.children))
    if isinstance(node, Not):
        return Not(strip(node.child))
    return node


CASES: list[tuple[str, Node]] = [
    # words, phrases, prefixes
    ("lora", w("lora")),
    ("catastrophic forgetting", And((w("catastrophic"), w("forgetting")))),
    ("  spaced\tout  ", And((w("spaced"), w("out")))),
    ('"low-rank adaptation"', Phrase("low-rank adaptation")),
    ('"one"', w("one")),
    ('"fine-tuning"', Phrase("fine-tuning")),
    ("diffus*", w("diffus", prefix=True)),
    ("fine-tuning", w("fine-tuning")),
    ("state-of-the-art", w("state-of-the-art")),
    ("a*b", Phrase("a b")),
    ("*lora", w("lora")),
    ("https://github.com/x/y", w("https://github.com/x/y")),
    ("TÜLU", w("TÜLU")),
    # operators and precedence: NOT/- > OR > AND
    ("lora OR adapter", Or((w("lora"), w("adapter")))),
    ("lora OR adapter vision", And((Or((w("lora"), w("adapter"))), w("vision")))),
    ("a OR b OR c", Or((w("a"), w("b"), w("c")))),
    ("a AND b", And((w("a"), w("b")))),
    ("lora or adapter", And((w("lora"), w("or"), w("adapter")))),
    ("-survey", Not(w("survey"))),
    ("NOT survey", Not(w("survey"))),
    ("vision -survey", And((w("vision"), Not(w("survey"))))),
    ("NOT NOT x", w("x")),
    ('-"a phrase"', Not(Phrase("a phrase"))),
    ("(lora OR adapter) -survey", And((Or((w("lora"), w("adapter"))), Not(w("survey"))))),
    ("-(a b)", Not(And((w("a"), w("b"))))),
    ("a OR -b", Or((w("a"), Not(w("b"))))),
    # fields
    ("title:lora", w("lora", "title")),
    ("abstract:forgetting", w("forgetting", "abstract")),
    ("TAG:lora", w("lora", "tag")),
    ("note:reproduce", w("reproduce", "note")),
    ("org:deepmind", w("deepmind", "org")),
    ("shelf:reading", w("reading", "shelf")),
    ('title:"exact phrase"', Phrase("exact phrase", "title")),
    ('tag:"to read"', Phrase("to read", "tag")),
    ('tag:"lora"', Phrase("lora", "tag")),
    ("tag:lor*", w("lor", "tag", prefix=True)),
    ("tag:(lora OR peft)", Or((w("lora", "tag"), w("peft", "tag")))),
    ("-tag:survey", Not(w("survey", "tag"))),
    ("is:(starred OR read)", Or((Flag("starred"), Flag("read")))),
    (
        "year:(2020 OR 2024)",
        Or(
            (
                DateRange("published", D(2020, 1, 1), D(2020, 12, 31)),
                DateRange("published", D(2024, 1, 1), D(2024, 12, 31)),
            )
        ),
    ),
    # filters
    ("is:starred", Flag("starred")),
    ("is:Unread is:skimmed is:read", And((Flag("unread"), Flag("skimmed"), Flag("read")))),
    ("is:inbox", Flag("new")),
    ("is:dismissed -is:trashed", And((Flag("dismissed"), Not(Flag("trashed"))))),
    ("year:2024", DateRange("published", D(2024, 1, 1), D(2024, 12, 31))),
    ("year:2020..2023", DateRange("published", D(2020, 1, 1), D(2023, 12, 31))),
    ("year:>=2023", DateRange("published", D(2023, 1, 1), None)),
    ("year:>2023", DateRange("published", D(2024, 1, 1), None)),
    ("year:<2023", DateRange("published", None, D(2022, 12, 31))),
    ("year:<=2023", DateRange("published", None, D(2023, 12, 31))),
    ("year:2024..2020", Nothing()),
    ("date:2024-03..2024-06", DateRange("published", D(2024, 3, 1), D(2024, 6, 30))),
    ("date:2024-02", DateRange("published", D(2024, 2, 1), D(2024, 2, 29))),
    ("date:2024-03-05", DateRange("published", D(2024, 3, 5), D(2024, 3, 5))),
    ("date:>=2024-03", DateRange("published", D(2024, 3, 1), None)),
    ("date:>2024-03-31", DateRange("published", D(2024, 4, 1), None)),
    ("date:..2024-06", DateRange("published", None, D(2024, 6, 30))),
    ("date:2024-12..", DateRange("published", D(2024, 12, 1), None)),
    ("upvotes:>=5", IntRange("upvotes", 5, None)),
    ("upvotes:>5", IntRange("upvotes", 6, None)),
    ("upvotes:<5", IntRange("upvotes", None, 4)),
    ("upvotes:3..10", IntRange("upvotes", 3, 10)),
    ("upvotes:7", IntRange("upvotes", 7, 7)),
    ("upvotes:=7", IntRange("upvotes", 7, 7)),
    ("seen:>=2", IntRange("seen", 2, None)),
    ("added:7d", Recent("added", 7)),
    ("added:2w", Recent("added", 14)),
    ("added:1m", Recent("added", 30)),
    ("added:1y", Recent("added", 365)),
    ("added:2024-03..", DateRange("added", D(2024, 3, 1), None)),
    (
        "lora is:starred year:2024",
        And((w("lora"), Flag("starred"), DateRange("published", D(2024, 1, 1), D(2024, 12, 31)))),
    ),
    # empty
    ("", Everything()),
    ("   ", Everything()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_parses(text: str, expected: Node) -> None:
    parsed = parse(text)
    assert strip(parsed.tree) == expected
    assert parsed.message is None


# (query, best-effort reading, words the message must contain)
BAD: list[tuple[str, Node, str]] = [
    ('"unclosed phrase', Phrase("unclosed phrase"), "quote is not closed"),
    ("(a b", And((w("a"), w("b"))), "'(' is not closed"),
    ("a) b", And((w("a"), w("b"))), "')' has no matching"),
    ("foo:bar", Phrase("foo:bar"), "unknown field foo:"),
    ('foo:"x y"', Phrase("x y"), "unknown field foo:"),
    ("lora year:abc", w("lora"), "year:abc is not understood"),
    ("is:awesome", Nothing(), "is:awesome is not understood"),
    ("upvotes:many", Nothing(), "upvotes:many"),
    ("date:2024-13", Nothing(), "date:2024-13"),
    ("title:", Nothing(), "title: needs a value"),
    ("OR a", w("a"), "OR needs a term on each side"),
    ("a OR", w("a"), "OR needs a term on each side"),
    ("a OR OR b", Or((w("a"), w("b"))), "OR needs a term"),
    ("NOT", Nothing(), "NOT needs a term after it"),
    ("x*", w("x"), "too short for a prefix"),
    ("is:(starred OR great)", Flag("starred"), "is:great is not understood"),
    ("zz:(a b)", And((w("a"), w("b"))), "unknown field zz:"),
]


@pytest.mark.parametrize(("text", "reading", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_queries_get_a_message_and_a_best_effort_reading(
    text: str, reading: Node, message: str
) -> None:
    parsed = parse(text)
    assert strip(parsed.tree) == reading
    assert parsed.message is not None
    assert message in parsed.message


def test_deep_parentheses_are_capped_not_recursed() -> None:
    parsed = parse("(" * 5000 + "x" + ")" * 5000)
    assert "nest deeper" in (parsed.message or "")


def test_a_long_paste_is_cut_to_the_first_terms() -> None:
    parsed = parse(" ".join(f"word{i}" for i in range(MAX_TERMS * 3)))
    assert isinstance(parsed.tree, And)
    assert len(parsed.tree.children) == MAX_TERMS
    assert f"first {MAX_TERMS} terms" in (parsed.message or "")


def test_a_50kb_paste_is_cut_to_its_beginning_with_a_message() -> None:
    """Only the first MAX_QUERY_CHARS are parsed: the work is bounded whatever is pasted."""
    text = ('lorem (ipsum "dolor -sit OR amet:x ' * 2000)[: 50 * 1024]
    parsed = parse(text)
    assert f"first {MAX_QUERY_CHARS:,}" in (parsed.message or "")
    assert parsed.tree == parse(text[:MAX_QUERY_CHARS]).tree


def test_positive_words_leave_out_negated_ones() -> None:
    tree = parse('catastrophic "Low rank" -survey NOT tag:x title:Forget is:starred').tree
    assert positive_words(tree) == ["catastrophic", "low", "rank", "forget"]


def test_word_spans_point_into_the_query() -> None:
    text = "catastrofic OR title:forgeting"
    spans = [(text[a:b], x.field) for x in words_with_spans(parse(text).tree) for a, b in [x.span]]
    assert spans == [("catastrofic", None), ("forgeting", "title")]


@given(st.text(alphabet=st.characters(), max_size=300))
def test_any_text_parses(text: str) -> None:
    parsed = parse(text)
    assert parsed.text == text
    assert parsed.message is None or parsed.message


_QUERYISH = st.lists(
    st.sampled_from(
        [
            "(",
            ")",
            '"',
            "-",
            "OR",
            "AND",
            "NOT",
            "*",
            ":",
            "title:",
            "tag:",
            "is:",
            "year:",
            "date:",
            "upvotes:",
            "added:",
            "..",
            ">=",
            "<",
            "2024",
            "2024-03",
            "7d",
            "lora",
            "x",
            " ",
            "  ",
            "starred",
            "foo:",
        ]
    ),
    max_size=60,
).map("".join)


@given(_QUERYISH)
def test_query_like_noise_parses(text: str) -> None:
    parsed = parse(text)
    assert parsed.text == text
    assert parsed.message is None or parsed.message
