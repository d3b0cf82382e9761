"""Citation keys: the formula, uniqueness, user-set keys, and independence from other papers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.citekeys import (
    MAX_LENGTH,
    CitekeyError,
    check_citekey,
    citekey_base,
    family_name,
    fold_citekey,
    unique_citekey,
)

BASES = [
    pytest.param(["Ashish Vaswani", "Noam Shazeer"], "Attention Is All You Need", 2017,
                 "vaswani2017", id="given-family"),
    pytest.param(["Vaswani, Ashish"], "Attention", 2017, "vaswani2017", id="family-comma-given"),
    pytest.param(["Ludwig van Beethoven"], "x", 1808, "vanbeethoven1808", id="particle"),
    pytest.param(["van der Berg, Anna"], "x", 2021, "vanderberg2021", id="particles-comma"),
    pytest.param(["Juan de la Cruz"], "x", None, "delacruz", id="no-year"),
    pytest.param(["Martin Luther King Jr."], "x", 1963, "king1963", id="suffix"),
    pytest.param(["Prof. Dr. Max Müller"], "x", 2020, "muller2020", id="titles-and-umlaut"),
    pytest.param(["Jürgen Schmidhuber"], "", 1997, "schmidhuber1997", id="umlaut"),
    pytest.param(["Ørsted, Hans Christian"], "", 1820, "orsted1820", id="o-stroke"),
    pytest.param(["Stanisław Łojasiewicz"], "", 1963, "lojasiewicz1963", id="l-stroke"),
    pytest.param(["张伟"], "", 2020, "zhangwei2020", id="han"),
    pytest.param(["Plato"], "Republic", None, "plato", id="single-name"),
    pytest.param(["J. Smith et al."], "x", 2020, "smith2020", id="et-al"),
    pytest.param(["Jean-Paul Sartre"], "x", 1943, "sartre1943", id="hyphenated-given"),
    pytest.param(["Marie Skłodowska-Curie"], "x", 1911, "sklodowskacurie1911", id="double-barrel"),
    pytest.param([], "Attention Is All You Need", 2017, "attentionAllYou2017", id="title-words"),
    pytest.param(["  "], "Attention Is All You Need", 2017, "attentionAllYou2017",
                 id="blank-author-is-unknown"),
    pytest.param([], "Łódź Ørsted Straße", None, "lodzOrstedStrasse", id="transliterated-title"),
    pytest.param([], "Fine-Tuning LLMs: A Survey", 2024, "fineTuningLLMs2024", id="hyphen-splits"),
    pytest.param([], "3D Gaussian Splatting", 2023, "p3dGaussianSplatting2023", id="digit-first"),
    pytest.param([], "The Of And", 2020, "theOfAnd2020", id="only-stop-words"),
    pytest.param([], "", 2020, "paper2020", id="nothing-known"),
    pytest.param([], "?!", None, "paper", id="no-letters"),
]  # fmt: skip


@pytest.mark.parametrize(("authors", "title", "year", "key"), BASES)
def test_citekey_base(authors: list[str], title: str, year: int | None, key: str) -> None:
    assert citekey_base(authors, title, year) == key


@pytest.mark.parametrize(
    ("author", "family"),
    [
        ("Ludwig van Beethoven", "van Beethoven"),
        ("van Beethoven, Ludwig", "van Beethoven"),
        ("Hugo Touvron", "Touvron"),
        ("  Hugo   Touvron ", "Touvron"),
        ("OpenAI", "OpenAI"),
        ("Smith, J., et al.", "Smith"),
        ("", ""),
    ],
)
def test_family_name(author: str, family: str) -> None:
    assert family_name(author) == family


def test_unique_citekey_suffixes() -> None:
    taken: set[str] = set()
    keys = []
    for _ in range(30):
        key = unique_citekey("smith2020", taken)
        taken.add(fold_citekey(key))
        keys.append(key)
    assert keys[:4] == ["smith2020", "smith2020a", "smith2020b", "smith2020c"]
    assert keys[26:28] == ["smith2020z", "smith2020aa"]
    assert len(set(keys)) == 30


def test_unique_citekey_ignores_case_and_skips_taken_suffixes() -> None:
    taken = {"smith2020", "smith2020a", "smith2020c"}
    assert unique_citekey("Smith2020", taken) == "Smith2020b"
    assert unique_citekey("jones2020", taken) == "jones2020"


CHECKS = [
    pytest.param("", "cannot be empty", id="empty"),
    pytest.param("   ", "cannot be empty", id="blank"),
    pytest.param("a" * (MAX_LENGTH + 1), "at most", id="too-long"),
    pytest.param("smith 2020", "' ' cannot be in a citation key", id="space"),
    pytest.param("smith,2020", "',' cannot be in", id="comma"),
    pytest.param("smi{th}", "'{' '}' cannot be in", id="braces"),
    pytest.param("Łódź2020", "'ó' 'Ł' 'ź' cannot be in", id="non-ascii"),
    pytest.param("smith%2020", "'%' cannot be in", id="percent"),
    pytest.param("-smith", "starts and ends", id="leading-dash"),
    pytest.param("smith:", "starts and ends", id="trailing-colon"),
    pytest.param("Taken2020", "already the citation key", id="taken-case-insensitive"),
]


@pytest.mark.parametrize(("key", "reason"), CHECKS)
def test_check_citekey_refuses_with_a_reason(key: str, reason: str) -> None:
    with pytest.raises(CitekeyError, match=reason.replace("{", r"\{").replace("}", r"\}")):
        check_citekey(key, {"taken2020"})


@pytest.mark.parametrize(
    "key", ["smith2020", "Smith:2020", "doe_2020-b", "a", "_x", "3dgs", "x.y/z+1", "A" * MAX_LENGTH]
)
def test_check_citekey_accepts(key: str) -> None:
    assert check_citekey(f" {key} ", {"taken2020"}) == key


# --- keys depend on their own paper, and on others only through uniqueness -------------------

_Paper = tuple[list[str], str, int | None]
_NAMES = st.sampled_from(
    ["Ashish Vaswani", "Vaswani, A.", "Ludwig van Beethoven", "张伟", "Ørsted", "J. Smith", ""]
)
_PAPERS = st.lists(
    st.tuples(
        st.lists(_NAMES | st.text(max_size=20), max_size=3),
        st.sampled_from(["Attention Is All You Need", "Łódź", "3D Things", ""]) | st.text(),
        st.none() | st.integers(min_value=1900, max_value=2100),
    ),
    min_size=1,
    max_size=25,
)


def _assign(papers: list[_Paper]) -> list[str]:
    """Keys as a library gives them: one paper at a time, each unique among those before."""
    taken: set[str] = set()
    keys = []
    for authors, title, year in papers:
        key = unique_citekey(citekey_base(authors, title, year), taken)
        taken.add(fold_citekey(key))
        keys.append(key)
    return keys


@given(_PAPERS, st.randoms(use_true_random=False))
def test_a_key_depends_on_others_only_through_uniqueness(
    papers: list[_Paper], rnd: random.Random
) -> None:
    keys = _assign(papers)
    bases = [citekey_base(*p) for p in papers]
    # Whatever other papers are around, in whatever order, a paper's base is the same ...
    shuffled = list(range(len(papers)))
    rnd.shuffle(shuffled)
    subset = shuffled[: rnd.randint(1, len(papers))]
    assert [citekey_base(*papers[i]) for i in subset] == [bases[i] for i in subset]
    # ... its key is its base or its base plus letters, ...
    for key, base in zip(keys, bases, strict=True):
        assert key == base or (key.startswith(base) and key[len(base) :].isalpha())
    # ... and a paper whose base no earlier paper has keeps exactly its base.
    for i, (key, base) in enumerate(zip(keys, bases, strict=True)):
        earlier = {fold_citekey(k) for k in keys[:i]}
        if fold_citekey(base) not in earlier:
            assert key == base
    # Keys are unique whatever the case, and valid.
    assert len({fold_citekey(k) for k in keys}) == len(keys)
    for key in keys:
        assert check_citekey(key) == key


@given(_PAPERS)
def test_stored_keys_do_not_change_with_what_is_exported(papers: list[_Paper]) -> None:
    # The old exporter keyed each export on its own (fineTuningLargea in one export,
    # fineTuningLarge in another); stored keys are assigned once, and later papers only
    # ever take other keys.
    keys = _assign(papers)
    more = papers + papers[::-1]
    assert _assign(more)[: len(papers)] == keys
