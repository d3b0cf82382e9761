"""Terms: what counts as a word, how it folds, and how it is shown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.ranking.text import Terms, shown, surface, surfaces, term_of, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LoRA: Low-Rank Adaptation", ["lora", "low-rank", "adaptation"]),
        ("(QLoRA), “adapters”; 4-bit", ["qlora", "adapters", "4-bit"]),
        ("don't — stop…now", ["don't", "stop", "now"]),
        ("ＦＵＬＬ width ﬁne", ["full", "width", "fine"]),  # NFKC: full-width, ligature
        ("Straße STRASSE", ["strasse", "strasse"]),  # casefold
        ("x^2 + y_1 = 3.5%", ["x", "2", "y", "1", "3", "5"]),
        ("", []),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    ("token", "term"),
    [
        ("adapters", ("adapter", "adapters")),
        ("studies", ("study", "studies")),
        ("bias", ("bia", "bias")),
        ("loss", ("loss", "loss")),
        ("corpus", ("corpus", "corpus")),
        ("analysis", ("analysis", "analysis")),
        ("-based", ("based", "based")),
        ("low-rank", ("low-rank", "low-rank")),
        ("the", None),
        ("a", None),
        ("2024", None),
        ("--", None),
    ],
)
def test_term_of(token: str, term: tuple[str, str] | None) -> None:
    assert term_of(token) == term


def test_counts_weigh_the_title_and_tags_and_keep_pairs_within_a_field() -> None:
    words = Terms(pairs=True)
    counts = words.count("LoRA adapters", "The adapters of LoRA", ("PEFT", "  to   read "))
    assert counts["lora"] == 3  # twice in the title, once in the abstract
    assert counts["adapter"] == 3
    assert counts["lora adapter"] == 2  # a pair in the title only
    assert "adapter lora" not in counts  # "of" is a stop word and breaks the pair
    assert "adapter adapter" not in counts  # never across title and abstract
    assert counts["tag:peft"] == counts["tag:to read"] == 2
    assert None not in counts
    assert "lora adapter" not in Terms(pairs=False).count("LoRA adapters", "")


def test_terms_are_shown_as_written() -> None:
    words = Terms(pairs=True)
    words.count("Biases and Adapters", "bias study studies LoRAs")
    shown_as = surfaces(words.cache)
    assert shown_as["bia"] == "bias"
    assert shown_as["study"] == "study"  # the term itself, when it was written
    assert shown_as["adapter"] == "adapters"  # only ever written so
    assert shown_as["lora"] == "loras"
    assert shown("bia study", shown_as) == "bias study"
    assert shown("tag:to read", shown_as) == "tag:to read"
    assert surface("model", ["models", "model"]) == "model"
    assert surface("bia", ["biass", "bias"]) == "bias"


@given(st.text(), st.text(), st.lists(st.text(max_size=10), max_size=3))
def test_counting_never_crashes_and_counts_are_positive(
    title: str, abstract: str, tags: list[str]
) -> None:
    for pairs in (True, False):
        counts = Terms(pairs=pairs).count(title, abstract, tags)
        assert all(isinstance(t, str) and t and n > 0 for t, n in counts.items())
