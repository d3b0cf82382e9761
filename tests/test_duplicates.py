"""Near-duplicates: which pairs are candidates, and the index that finds them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.digest import parse_bytes
from readinglist.duplicates import (
    ABSTRACT_MIN,
    CROWDED,
    TITLE_MIN,
    DuplicateIndex,
    PaperText,
    compare,
)
from tests.conftest import REAL_DIGESTS

TITLE = "Understanding Catastrophic Forgetting in Language Models via Implicit Inference"
ABSTRACT = (
    "We lack a systematic understanding of the effects of fine-tuning on the capabilities of "
    "language models. In this work we study how fine-tuning on a narrow task distribution "
    "changes the performance of models on other tasks. We hypothesize that language models "
    "implicitly infer the task of the prompt and that fine-tuning skews this inference "
    "towards the fine-tuning distribution. To test this, we propose Conjugate Prompting, "
    "which artificially makes the task look farther from the fine-tuning distribution while "
    "requiring the same capability. We find that this recovers some of the pretraining "
    "capabilities of the model in synthetic setups and in real language tasks."
)
OTHER_ABSTRACT = (
    "Parameter-efficient methods adapt large models by training a small number of weights. "
    "We present a study of low-rank adapters across twelve benchmarks and three model "
    "families, and find that the rank matters less than where the adapters are placed. "
    "Placing them in the attention output projection recovers most of the quality of full "
    "fine-tuning at a fraction of the memory. We release code and all trained adapters."
)

CANDIDATES = [
    pytest.param("Understanding Catastrophic Forgetting in LMs via Implicit Inference", ABSTRACT,
                 id="abbreviation"),
    pytest.param("Understanding Catastrophic Forgetting in Language Models", ABSTRACT,
                 id="dropped-phrase"),
    pytest.param("Understanding Catastrophic Forgetting in Language Models through Implicit "
                 "Inference", ABSTRACT, id="changed-word"),
    pytest.param(TITLE, ABSTRACT[:400], id="cut-off-abstract"),
    pytest.param(TITLE + " (v2)", OTHER_ABSTRACT, id="same-key-whatever-the-abstract"),
    pytest.param("Understanding Catastrophic Forgetting in LMs", ABSTRACT.replace(". ", ".\n")
                 .replace("fine-tuning", "fine‐tuning"), id="reformatted-abstract"),
    pytest.param(TITLE.lower(), ABSTRACT.replace("We find", "We also find"),
                 id="word-changed-in-abstract"),
]  # fmt: skip

NOT_CANDIDATES = [
    pytest.param("Understanding Catastrophic Forgetting in Vision Models via Implicit Inference",
                 OTHER_ABSTRACT, id="close-title-other-abstract"),
    pytest.param("Conjugate Prompting for Retrieval", ABSTRACT, id="same-abstract-other-title"),
    pytest.param("Understanding Catastrophic Forgetting in LMs via Implicit Inference", "",
                 id="no-abstract"),
    pytest.param("Understanding Catastrophic Forgetting in Language Models via Implicit "
                 "Inference 2", ABSTRACT.split(". ")[0] + ". " + OTHER_ABSTRACT,
                 id="follow-up-sharing-one-sentence"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "abstract"), CANDIDATES)
def test_candidates(title: str, abstract: str) -> None:
    original = PaperText(1, TITLE, ABSTRACT)
    assert compare(PaperText(2, title, abstract), original).is_candidate
    found = DuplicateIndex([original]).candidates_for(PaperText(2, title, abstract))
    assert [c.id for c in found] == [1]


@pytest.mark.parametrize(("title", "abstract"), NOT_CANDIDATES)
def test_not_candidates(title: str, abstract: str) -> None:
    original = PaperText(1, TITLE, ABSTRACT)
    assert not compare(PaperText(2, title, abstract), original).is_candidate
    assert DuplicateIndex([original]).candidates_for(PaperText(2, title, abstract)) == []


def test_figures() -> None:
    same = compare(PaperText(1, TITLE, ABSTRACT), PaperText(2, TITLE + ".", ABSTRACT))
    assert (same.title, same.abstract, same.same_key) == (1.0, 1.0, True)
    two_sentences = ". ".join(ABSTRACT.split(". ")[:2]) + "."
    half = compare(
        PaperText(1, TITLE, ABSTRACT), PaperText(2, "Catastrophic Forgetting", two_sentences)
    )
    assert half.abstract == 1.0  # cut after a sentence: wholly inside the full abstract
    assert TITLE_MIN > half.title > 0
    # Cut mid-sentence: the pieces but the one the cut went through ("a narrow task
    # distribution" of "a narrow task distribution changes the performance of"), 3 of 4.
    cut_text = two_sentences[: two_sentences.index(" changes")]
    cut = compare(PaperText(1, TITLE, ABSTRACT), PaperText(2, TITLE, cut_text))
    assert cut.abstract == 3 / 4
    unrelated = compare(PaperText(1, TITLE, ABSTRACT), PaperText(2, "Adapters", OTHER_ABSTRACT))
    assert unrelated.abstract == 0.0
    assert not unrelated.same_key


def test_subtitle_either_side_is_enough() -> None:
    full = PaperText(1, "Img-Diff: Contrastive Data Synthesis for Multimodal Models", ABSTRACT)
    for part in ("Img-Diff", "Contrastive Data Synthesis for Multimodal Models"):
        assert compare(full, PaperText(2, part, ABSTRACT)).title == 1.0


def test_index_lifecycle() -> None:
    index = DuplicateIndex(
        [PaperText(1, TITLE, ABSTRACT), PaperText(2, "Adapters", OTHER_ABSTRACT)]
    )
    assert len(index) == 2
    assert 1 in index
    variant = PaperText(3, TITLE + ": A Study", ABSTRACT)
    assert [c.id for c in index.candidates_for(variant)] == [1]
    assert index.candidates_for(PaperText(1, TITLE, ABSTRACT)) == []  # never itself
    index.add(PaperText(1, "Adapters: Revisited", OTHER_ABSTRACT))  # replaced under its id
    assert [c.id for c in index.candidates_for(variant)] == []
    assert [g.ids for g in index.scan()] == [(1, 2)]
    index.remove(1)
    index.remove(99)  # unknown: ignored
    assert index.scan() == []
    assert len(index) == 1


def test_not_duplicates_are_never_reported() -> None:
    papers = [PaperText(1, TITLE, ABSTRACT), PaperText(2, TITLE + " (v2)", ABSTRACT)]
    assert [g.ids for g in DuplicateIndex(papers).scan()] == [(1, 2)]
    index = DuplicateIndex(papers, not_duplicates=[(2, 1)])
    assert index.scan() == []
    assert index.candidates_for(PaperText(2, TITLE, ABSTRACT)) == []
    later = DuplicateIndex(papers)
    later.mark_not_duplicates(1, 2)
    assert later.scan() == []


def test_groups_join_chains_and_list_their_pairs() -> None:
    papers = [
        PaperText(7, TITLE, ABSTRACT),
        PaperText(3, TITLE + " v2", OTHER_ABSTRACT),  # same key as 7
        PaperText(5, "Adapters Placed Well", OTHER_ABSTRACT),
        PaperText(4, "Adapters Placed Well (v3)", OTHER_ABSTRACT),
        PaperText(9, "Something Else Entirely", "Short."),
    ]
    groups = DuplicateIndex(papers).scan()
    assert [g.ids for g in groups] == [(3, 7), (4, 5)]
    pair = groups[0].pairs[0]
    assert (pair.a, pair.b, pair.similarity.same_key) == (3, 7, True)
    assert groups[1].to_json() == {
        "ids": [4, 5],
        "pairs": [{"ids": [4, 5], "title": 1.0, "abstract": 1.0, "same_key": True}],
    }


def test_candidates_come_closest_first() -> None:
    sentences = ABSTRACT.split(". ")
    revised = ". ".join(s + " further" if i % 3 == 0 else s for i, s in enumerate(sentences))
    index = DuplicateIndex(
        [PaperText(1, TITLE + ": Revised", revised), PaperText(2, TITLE + ": Full", ABSTRACT)]
    )
    found = index.candidates_for(PaperText(3, TITLE, ABSTRACT))
    assert [c.id for c in found] == [2, 1]
    assert found[0].similarity.abstract == 1.0 > found[1].similarity.abstract >= ABSTRACT_MIN


def test_boilerplate_shared_by_many_papers_leads_nowhere() -> None:
    boiler = "Code and models are available at our project page for everyone to use."
    papers = [
        PaperText(i, f"Method {i} for Things", f"{boiler} We study topic number {i} in depth.")
        for i in range(CROWDED + 5)
    ]
    assert DuplicateIndex(papers).scan() == []


def _variant(title: str, abstract: str, cut: int) -> PaperText:
    return PaperText(2, title.replace(" ", "  ") + ".", abstract[: max(len(abstract) // 2, cut)])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([*TITLE.split(), "GPT-4", "Łódź", "LMs"]), min_size=3, max_size=9),
    st.integers(min_value=0, max_value=len(ABSTRACT)),
)
def test_found_pairs_are_exactly_the_candidates(words: list[str], cut: int) -> None:
    title = " ".join(words)
    a, b = PaperText(1, title, ABSTRACT), _variant(title, ABSTRACT, cut)
    expected = compare(a, b).is_candidate
    assert compare(b, a) == compare(a, b)
    assert bool(DuplicateIndex([a, b]).scan()) == expected
    assert bool(DuplicateIndex([a]).candidates_for(b)) == expected
    assert expected  # a spelling of the same title over part of the same abstract


@given(st.text(max_size=120), st.text(max_size=400), st.text(max_size=120), st.text(max_size=400))
def test_any_text_compares(t1: str, a1: str, t2: str, a2: str) -> None:
    similarity = compare(PaperText(1, t1, a1), PaperText(2, t2, a2))
    assert 0.0 <= similarity.title <= 1.0
    assert 0.0 <= similarity.abstract <= 1.0
    found = DuplicateIndex([PaperText(1, t1, a1)]).candidates_for(PaperText(2, t2, a2))
    # The index only finds candidates, with the figures compare() gives.
    assert [c.similarity for c in found] == ([similarity] if found else [])
    assert not found or similarity.is_candidate


def test_the_real_digests_hold_no_duplicates() -> None:
    papers: list[PaperText] = []
    for path in sorted(REAL_DIGESTS.glob("*.txt")):
        for entry in parse_bytes(path.read_bytes(), reference=dt.date(2026, 3, 1)).entries:
            papers.append(PaperText(len(papers), entry.title, entry.abstract))
    groups = DuplicateIndex(papers).scan()
    # 203 entries of 169 papers: every group is one paper seen in several digests
    assert len(papers) == 203
    assert all(len({papers[i].title for i in g.ids}) == 1 for g in groups)
    assert sum(len(g.ids) - 1 for g in groups) == 203 - 169


def test_same_key_means_paper_key_even_with_a_marker_before_a_colon() -> None:
    # "v2" before a colon is part of the title for paper_key (only a trailing marker is not).
    a = PaperText(1, "Foo v2: Bar Baz", ABSTRACT)
    b = PaperText(2, "Foo: Bar Baz", OTHER_ABSTRACT)
    assert not compare(a, b).same_key
