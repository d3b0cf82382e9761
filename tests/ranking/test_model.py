"""Training and scoring: the reader's keepers first, with reasons; fallbacks; the API's contract."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.ranking import (
    MIN_DECISIONS,
    MIN_EACH,
    Example,
    Mode,
    Model,
    Paper,
    Signal,
    label_weight,
    train,
)
from readinglist.ranking.model import SEEN_TERM, UPVOTES_TERM
from tests.ranking.conftest import make_paper

Reader = tuple[list[Example], list[Paper], set[int], set[int]]


def test_lora_reader_gets_lora_papers_first_with_lora_among_the_reasons(
    lora_reader: Reader,
) -> None:
    examples, digest, lora, surveys = lora_reader
    model = train(examples)
    assert model.mode is Mode.LEARNED
    ranked = model.rank(digest)
    assert {s.paper_id for s in ranked[: len(lora)]} == lora
    for scored in ranked:
        if scored.paper_id in lora:
            assert "lora" in {r.term for r in scored.raised}
        if scored.paper_id in surveys:
            assert "survey" in {r.term for r in scored.lowered}
    # the surveys are at the bottom: the reader dismissed them even on topics they skip
    assert {s.paper_id for s in ranked[-len(surveys) :]} == surveys


def test_every_score_has_three_signed_reasons_that_add_up_to_it(lora_reader: Reader) -> None:
    examples, digest, _, _ = lora_reader
    model = train(examples)
    for paper, scored in zip(digest, model.score(digest), strict=True):
        assert scored.paper_id == paper.id
        assert len(scored.reasons) >= 3
        assert scored.raised
        assert scored.lowered
        raised = [r.weight for r in scored.raised]
        lowered = [r.weight for r in scored.lowered]
        assert raised == sorted(raised, reverse=True)
        assert lowered == sorted(lowered)
        assert scored.reasons == (*scored.raised, *scored.lowered)
        # the reasons are the largest parts of a sum that is exactly the score
        parts = model.contributions(paper)
        margin = model.intercept + math.fsum(parts.values())
        assert scored.score == pytest.approx(1 / (1 + math.exp(-margin)))
        for reason in scored.reasons:
            assert parts[reason.term] == reason.weight
        assert max(parts.values()) == raised[0]
        assert min(parts.values()) == lowered[0]


def test_reasons_are_words_as_written_not_stems() -> None:
    kept = [
        Paper(n, f"Adapters and biases, study {n}", "We study adapters and bias terms.")
        for n in range(12)
    ]
    dismissed = [
        Paper(100 + n, f"Segmentation studies {n}", "Image segmentation of scenes.")
        for n in range(12)
    ]
    model = train([Example(p, 1.0) for p in kept] + [Example(p, -1.0) for p in dismissed])
    shown = set(model.surfaces)
    # "studies" and "study" are one term, shown as written; "adapters" was never written
    # "adapter", and the fold of "bias" ("bia") is never shown
    assert {"adapters", "bias", "study", "segmentation"} <= shown
    assert not {"adapter", "bia", "studies"} & shown
    (scored,) = model.score([Paper(999, "Bias in an adapter", "A study of bias.")])
    assert {r.term for r in scored.raised} >= {"bias", "adapters"}


def test_score_keeps_the_order_given_and_rank_puts_the_best_first(lora_reader: Reader) -> None:
    examples, digest, _, _ = lora_reader
    model = train(examples)
    scored = model.score(digest)
    assert [s.paper_id for s in scored] == [p.id for p in digest]
    assert model.scores(digest) == pytest.approx([s.score for s in scored], rel=1e-12)
    ranked = model.rank(digest)
    assert [s.score for s in ranked] == sorted((s.score for s in scored), reverse=True)
    twins = [Paper(1, "Same text", "Same words."), Paper(2, "Same text", "Same words.")]
    assert [s.paper_id for s in model.rank(twins)] == [1, 2]
    assert [s.paper_id for s in model.rank(twins[::-1])] == [2, 1]


# -- fallbacks -------------------------------------------------------------------------------


def test_no_decisions_ranks_by_upvotes_then_seen_count() -> None:
    model = train([])
    assert model.mode is Mode.POPULAR
    assert "upvotes" in model.describe()
    papers = [
        Paper(1, "a", upvotes=None, seen_count=3),
        Paper(2, "b", upvotes=5, seen_count=1),
        Paper(3, "c", upvotes=5, seen_count=2),
        Paper(4, "d", upvotes=40, seen_count=1),
        Paper(5, "e", upvotes=None, seen_count=1),
    ]
    ranked = model.rank(papers)
    assert [s.paper_id for s in ranked] == [4, 3, 2, 1, 5]
    assert {r.term for r in ranked[1].reasons} == {UPVOTES_TERM, SEEN_TERM}
    assert ranked[-1].reasons == ()  # nothing at all to say about it


def test_below_the_threshold_it_ranks_by_likeness_to_kept_papers(lora_reader: Reader) -> None:
    examples, digest, lora, _ = lora_reader
    few = examples[: MIN_DECISIONS - 1]
    assert sum(e.label > 0 for e in few) >= MIN_EACH
    assert sum(e.label < 0 for e in few) >= MIN_EACH
    model = train(few)
    assert model.mode is Mode.SIMILAR
    assert model.decisions == MIN_DECISIONS - 1
    assert str(MIN_DECISIONS) in model.describe()
    assert "kept" in model.describe()
    ranked = model.rank(digest)
    assert {s.paper_id for s in ranked[: len(lora)]} == lora
    assert "lora" in {r.term for r in ranked[0].raised}
    # one more decision and it learns
    assert train(examples[:MIN_DECISIONS]).mode is Mode.LEARNED


@pytest.mark.parametrize(("kept", "dismissed"), [(40, 0), (0, 40), (MIN_EACH - 1, 40)])
def test_many_decisions_of_mostly_one_kind_still_fall_back(kept: int, dismissed: int) -> None:
    import random

    rng = random.Random(3)
    examples = [Example(make_paper(n, "lora", rng), 1.0) for n in range(kept)]
    examples += [Example(make_paper(100 + n, "speech", rng), -1.0) for n in range(dismissed)]
    model = train(examples)
    assert model.mode is Mode.SIMILAR
    new = [make_paper(500, "lora", rng), make_paper(501, "speech", rng)]
    ranked = model.rank(new)
    assert ranked[0].paper_id == 500
    assert all(math.isfinite(s.score) for s in ranked)


def test_the_last_example_of_a_paper_wins_and_zero_labels_teach_nothing() -> None:
    paper = Paper(1, "LoRA adapters", "Low-rank adapters.")
    other = Paper(2, "Speech recognition", "Acoustic models.")
    model = train([Example(paper, -1.0), Example(other, -1.0), Example(paper, 2.0)])
    assert (model.decisions, model.kept, model.dismissed) == (2, 1, 1)
    model = train([Example(paper, 1.0), Example(other, 0.0), Example(other, math.nan)])
    assert (model.decisions, model.kept, model.dismissed) == (1, 1, 0)


# -- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signals", "label"),
    [
        ([], 0.0),
        ([Signal.DISMISSED], -1.0),
        ([Signal.KEPT], 1.0),
        ([Signal.KEPT, Signal.READ], 1.5),
        ([Signal.KEPT, Signal.READ, Signal.STARRED], 2.0),
        ([Signal.SHELVED], 2.0),
        ([Signal.DISMISSED, Signal.STARRED], 2.0),
        ([Signal.DISMISSED, Signal.DISMISSED], -1.0),
    ],
)
def test_label_weight(signals: list[Signal], label: float) -> None:
    assert label_weight(signals) == label


def test_stronger_labels_pull_harder() -> None:
    a = Paper(1, "Alpha topic", "alpha words here")
    b = Paper(2, "Beta topic", "beta words here")
    c = Paper(3, "Gamma topic", "gamma words here")
    examples = [Example(c, -1.0)]
    equal = train([Example(a, 1.0), Example(b, 1.0), *examples])
    starred = train([Example(a, 2.0), Example(b, 1.0), *examples])
    both = [Paper(10, "Alpha", "alpha"), Paper(11, "Beta", "beta")]
    assert equal.score(both)[0].score == pytest.approx(equal.score(both)[1].score)
    assert starred.rank(both)[0].paper_id == 10


# -- never crashes, never loads numpy when it needs not --------------------------------------

any_text = st.text(max_size=300)


@settings(max_examples=150, deadline=None)
@given(
    title=any_text,
    abstract=any_text,
    tags=st.lists(st.text(max_size=20), max_size=3),
    upvotes=st.none() | st.integers(min_value=-5, max_value=10**9),
    seen=st.integers(min_value=-3, max_value=10**6),
)
def test_scoring_never_crashes_on_arbitrary_text(
    title: str, abstract: str, tags: list[str], upvotes: int | None, seen: int
) -> None:
    paper = Paper(7, title, abstract, tuple(tags), upvotes, seen)
    for model in _MODELS:
        (scored,) = model.score([paper])
        assert math.isfinite(scored.score)
        assert model.scores([paper]) == pytest.approx([scored.score], rel=1e-12)
        assert all(math.isfinite(r.weight) and r.weight != 0 for r in scored.reasons)


def _models() -> list[Model]:
    import random

    rng = random.Random(5)
    examples = [Example(make_paper(n, "lora", rng), 1.0) for n in range(15)]
    examples += [Example(make_paper(100 + n, "graphs", rng), -1.0) for n in range(15)]
    examples.append(Example(Paper(999, "tagged", "", ("peft", "to read")), 1.0))
    return [train(examples), train(examples[:5]), train([])]


_MODELS = _models()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(any_text, any_text, st.sampled_from([-1.0, 1.0, 1.5, 2.0])), max_size=30))
def test_training_never_crashes_on_arbitrary_text(rows: list[tuple[str, str, float]]) -> None:
    examples = [Example(Paper(n, t, a), y) for n, (t, a, y) in enumerate(rows)]
    model = train(examples, min_decisions=1, min_each=1)
    assert all(math.isfinite(w) for w in model.weights)
    model.score([Paper(0, "x", "y")])


def test_importing_the_ranking_or_scoring_a_stored_model_loads_no_numpy(
    lora_reader: Reader,
) -> None:
    blob = train(lora_reader[0]).to_bytes()
    code = (
        "import sys\n"
        "import readinglist.cli.main\n"
        "import readinglist.ranking as r\n"
        "assert 'numpy' not in sys.modules, 'on import'\n"
        "model = r.Model.from_bytes(sys.stdin.buffer.read())\n"
        "model.rank([r.Paper(1, 'LoRA adapters', 'low-rank')])\n"
        "assert 'numpy' not in sys.modules, 'on scoring'\n"
        "r.train([r.Example(r.Paper(1, 'a b', 'c'), 1.0)])\n"
        "assert 'numpy' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], input=blob, check=True)
